"""The quarterly and annual statements' change log (issue 19): every change to what the
plan promised that was approved in the period, read back from the PDF's text."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from actions.models import Action
from actions.services import decide_due_date_change, propose_due_date_change
from governance.periods import parse_period
from outcomes.models import OutcomeTarget
from outcomes.services import decide_target_change, propose_target_change
from reports.pdf.build import build_report
from sendplan.models import Role
from tests import factories
from tests.builders import build_readiness_plan

from .pdf_support import pdf_pages, quarterly_forum

pytestmark = pytest.mark.django_db


def _on(day: dt.date):
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(11))))


@pytest.fixture
def approved(plan_a, lead_a):
    build_readiness_plan(plan_a)
    executive = factories.UserFactory(username="exec", first_name="Erin", last_name="Exec")
    factories.MembershipFactory(user=executive, area=plan_a.area, role=Role.ASSURANCE_EXECUTIVE)
    target = OutcomeTarget.objects.filter(plan=plan_a).order_by("pk").first()
    action = Action.objects.filter(plan=plan_a, due_month__isnull=False).order_by("pk").first()
    with _on(dt.date(2023, 5, 10)):
        change = propose_target_change(
            target=target,
            user=lead_a,
            reason="The survey changed its question",
            effective_month=dt.date(2023, 6, 1),
            text="85% of parents say the plan works for them",
        )
        decide_target_change(request=change, user=executive, approve=True)
        move = propose_due_date_change(
            action=action,
            user=lead_a,
            due_month=dt.date(2024, 3, 1),
            reason="Funding moved to next year",
            effective_month=dt.date(2023, 6, 1),
        )
        decide_due_date_change(request=move, user=executive, approve=True)
    return target, action


def _pages(plan, period: str) -> list[str]:
    forum = quarterly_forum(plan.area, plan)
    with _on(dt.date(2023, 7, 3)):
        built = build_report(plan=plan, forum=forum, period=parse_period(period), isolated=False)
    return pdf_pages(built.pdf.content)


def test_the_quarterly_statement_logs_each_approved_change_with_was_now_and_approver(
    plan_a, approved
):
    pages = _pages(plan_a, "2023-Q2")
    text = " ".join(pages)
    log = text[text.rindex("Change log: changes to what the plan promised") :]
    assert "85% of parents say the plan works for them" in log
    assert "The survey changed its question" in log
    assert "Funding moved to next year" in log
    assert "Due March 2024" in log
    assert "Erin Exec, 10 May 2023" in log
    assert "Change log" in pages[1]  # listed in the contents
    # The target's own row in its priority says it was revised.
    body = text[: text.rindex("Change log: changes to what the plan promised")]
    assert "Revised on 10 May 2023, approved by Erin Exec, was: Wording" in body


def test_a_statement_for_a_quarter_without_approvals_says_so(plan_a, approved):
    text = " ".join(_pages(plan_a, "2023-Q1"))
    assert "No change to what the plan promised was approved in the period." in text
