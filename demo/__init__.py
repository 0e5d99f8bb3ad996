"""Demonstration and scale data and the benchmark (seeded areas, synthetic installations,
timings), which nothing real depends on."""
