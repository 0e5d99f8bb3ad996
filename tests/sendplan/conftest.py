"""Reporting months on 12 June 2023: May 2023 open in plan A and an action led by lead A, for
the tests of sendplan.services' months and of the progress month pages (tests/progress/
conftest.py hands these fixtures on). ``_in_june_2023`` is not autouse: a module that needs
"today" in June says so with ``pytest.mark.usefixtures("_in_june_2023")``."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tests import factories

APRIL, MAY, JUNE = dt.date(2023, 4, 1), dt.date(2023, 5, 1), dt.date(2023, 6, 1)


@pytest.fixture
def _in_june_2023():
    with time_machine.travel(timezone.make_aware(dt.datetime(2023, 6, 12, 9, 0)), tick=True):
        yield


@pytest.fixture
def may(plan_a):
    return factories.ReportingMonthFactory(plan=plan_a, month=MAY)


@pytest.fixture
def lead_item(plan_a, lead_a):
    issue = factories.IssueFactory(priority=factories.PriorityFactory(plan=plan_a), ref="1.1")
    action = factories.ActionFactory(issue=issue, text="Consult with parent carers")
    factories.ActionLeadFactory(action=action, person=lead_a.people.get())
    return action
