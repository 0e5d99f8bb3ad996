"""A small plan in area A with an open month (May 2023), and "today" inside it."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from sendplan.models import MonthStatus
from tests import factories

MAY = dt.date(2023, 5, 1)
APRIL = dt.date(2023, 4, 1)
TODAY = dt.date(2023, 5, 15)


@pytest.fixture(autouse=True)
def _in_may_2023():
    with time_machine.travel(
        timezone.make_aware(dt.datetime.combine(TODAY, dt.time(10, 30))), tick=True
    ):
        yield


@pytest.fixture
def open_may(plan_a):
    return factories.ReportingMonthFactory(plan=plan_a, month=MAY, status=MonthStatus.OPEN)


@pytest.fixture
def closed_april(plan_a):
    return factories.ReportingMonthFactory(plan=plan_a, month=APRIL, status=MonthStatus.CLOSED)


@pytest.fixture
def issue_a(plan_a):
    priority = factories.PriorityFactory(plan=plan_a, number=1, title="Meeting needs early")
    return factories.IssueFactory(priority=priority, ref="1.1", description="Tell it once")


@pytest.fixture
def lead_person_a(lead_a):
    return lead_a.people.get()


@pytest.fixture
def action_a(issue_a, lead_person_a):
    action = factories.ActionFactory(
        issue=issue_a, text="Consult with parent carers", due_month=dt.date(2023, 6, 1)
    )
    factories.ActionLeadFactory(action=action, person=lead_person_a)
    return action


@pytest.fixture
def target_a(issue_a, action_a):
    return factories.OutcomeTargetFactory(
        issue=issue_a,
        action=action_a,
        text="90% of parents say the plan is effective",
        unit="%",
        baseline=60,
        target_value=90,
        direction="increase",
    )


@pytest.fixture
def other_action_a(issue_a, area_a):
    """An action in the same plan led by somebody else."""
    other = factories.PersonFactory(area=area_a, name="Somebody Else")
    action = factories.ActionFactory(issue=issue_a, text="Publish the local offer")
    factories.ActionLeadFactory(action=action, person=other)
    return action


@pytest.fixture
def lead2_a(area_a, action_a):
    """A second lead in area A who co-leads ``action_a``."""
    from sendplan.models import Role

    user = factories.UserFactory(username="lead2-a")
    factories.MembershipFactory(user=user, area=area_a, role=Role.SEND_LEAD)
    person = factories.PersonFactory(area=area_a, name="Lead Two Person", user=user)
    factories.ActionLeadFactory(action=action_a, person=person)
    return user
