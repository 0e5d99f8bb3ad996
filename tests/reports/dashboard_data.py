"""The dashboard's plan (built by tests.builders) and its address, which its tests share
(the ``built`` fixture is in conftest.py)."""

from django.urls import reverse

from tests.builders import APRIL, MARCH, MAY
from tests.builders import build_dashboard_plan as build_plan

__all__ = ["APRIL", "MARCH", "MAY", "build_plan", "dashboard_url"]


def dashboard_url(plan, query=""):
    return reverse("reports:dashboard", args=[plan.slug]) + query
