"""The dashboard's plan, now built by tests.builders; kept for the tests that import it here."""

from tests.builders import APRIL, MARCH, MAY
from tests.builders import build_dashboard_plan as build_plan

__all__ = ["APRIL", "MARCH", "MAY", "build_plan"]
