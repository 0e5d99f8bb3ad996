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


class _FormReader:
    """What a browser would send from the page's update form, read from its HTML."""

    def __init__(self, html: str):
        from html.parser import HTMLParser

        data: dict[str, str] = {}
        reader = self

        class Parser(HTMLParser):
            textarea = None

            def handle_starttag(self, tag, attrs):
                attrs = dict(attrs)
                name = attrs.get("name")
                if tag == "input" and name:
                    kind = attrs.get("type", "text")
                    if kind in ("radio", "checkbox"):
                        if "checked" in attrs:
                            data[name] = attrs.get("value", "on")
                    elif kind != "submit":
                        data[name] = attrs.get("value", "")
                elif tag == "textarea" and name:
                    self.textarea = name
                    data[name] = ""

            def handle_endtag(self, tag):
                if tag == "textarea":
                    self.textarea = None

            def handle_data(self, text):
                if self.textarea:
                    data[self.textarea] += text

        Parser(convert_charrefs=True).feed(html)
        # Browsers drop the first newline after <textarea>.
        reader.data = {k: (v[1:] if v.startswith("\n") else v) for k, v in data.items()}


def form_data(response) -> dict[str, str]:
    return dict(_FormReader(response.content.decode()).data)


def domain_counts() -> dict[str, int]:
    """Rows in every table of the plan's apps, history tables included; not the figures
    the app works out and keeps for itself (a page read may keep them: progress.figures)."""
    from django.apps import apps

    from tests.sendplan.test_audit_history import DERIVED

    return {
        model._meta.label: model._default_manager.count()
        for app in (
            "sendplan",
            "actions",
            "outcomes",
            "progress",
            "governance",
            "evidence",
            "reports",
            "spreadsheets",
            "demo",
        )
        for model in apps.get_app_config(app).get_models()
        if model.__name__ not in DERIVED
    }
