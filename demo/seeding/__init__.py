"""Seed data: the real plans transcribed in ``fixtures/`` and the demo installation."""

from demo.synthetic import system_user

from .demo import DEMO_ACCOUNTS, DEMO_PASSWORD, NATIONAL, seed_demo, where_to_start
from .fixture_check import FixtureError, read_plan_fixture
from .plan_fixture import LoadResult, load_plan_fixture, seed_plan_fixture
from .writer import PartResult

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "FixtureError",
    "LoadResult",
    "NATIONAL",
    "PartResult",
    "load_plan_fixture",
    "read_plan_fixture",
    "seed_demo",
    "seed_plan_fixture",
    "system_user",
    "where_to_start",
]
