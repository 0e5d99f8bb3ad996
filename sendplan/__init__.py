"""The core plan every layer shares: areas, plans and their structure, who may see what,
reporting months, the status vocabulary, the GOV.UK form kit, and the project's settings and
root URLs."""
