"""What the dashboard's tests share: ``built``, area A's plan built as the dashboard tests
know it (a module may define its own ``built``, which then wins)."""

import pytest

from tests.reports.dashboard_data import build_plan


@pytest.fixture
def built(plan_a):
    build_plan(plan_a)
    return plan_a
