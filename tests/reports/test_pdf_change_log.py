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
            text="85% of parents say the plan works for them",
            # From April, the statement's month (its latest with updates).
            effective_month=dt.date(2023, 4, 1),
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
    forum = plan.area.forums.filter(slug="send-assurance-executive").first()
    forum = forum or quarterly_forum(plan.area, plan)
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


@pytest.fixture
def dissent(plan_a, programme_manager_a):
    """A parent carer forum's dissent on the second priority of the Q2 statement, recorded
    on 2 July 2023 (after the quarter, before the pack); a dissent on the first priority
    changed to a sign-off the same day; a dissent on a 2022 statement."""
    from reports import reviews
    from reports.models import ReviewDecision

    build_readiness_plan(plan_a)
    forum = quarterly_forum(plan_a.area, plan_a)
    pcf = factories.UserFactory(username="pcf", first_name="Alex", last_name="Morgan")
    factories.MembershipFactory(
        user=pcf, area=plan_a.area, role=Role.PARTNER_REVIEWER, organisation="Example PCF"
    )
    first, second = plan_a.priorities.order_by("number")[:2]

    def answer(review, priority, decision, words):
        reviews.record_response(
            review=review, reviewer=pcf, priority=priority, decision=decision, words=words
        )

    with _on(dt.date(2022, 11, 2)):
        old = reviews.send_for_review(
            plan=plan_a,
            forum=forum,
            period=parse_period("2022-Q3"),
            closes_on=dt.date(2022, 11, 30),
            user=programme_manager_a,
        )
        answer(old, second, ReviewDecision.DISSENT, "A dissent from last year.")
    with _on(dt.date(2023, 7, 2)):
        review = reviews.send_for_review(
            plan=plan_a,
            forum=forum,
            period=parse_period("2023-Q2"),
            closes_on=dt.date(2023, 7, 20),
            user=programme_manager_a,
        )
        answer(review, second, ReviewDecision.DISSENT, "Families still wait\nfar too long.")
        answer(review, first, ReviewDecision.DISSENT, "Not yet.")
        answer(review, first, ReviewDecision.SIGNED_OFF, "On reflection, yes.")
    return second


def test_the_change_log_holds_each_partner_dissent_verbatim_with_name_organisation_and_date(
    plan_a, dissent
):
    text = " ".join(_pages(plan_a, "2023-Q2"))
    log = text[text.rindex("Change log: changes to what the plan promised") :]
    assert "Partners' dissent" in log
    assert "Families still wait far too long." in log
    assert dissent.label in log
    assert "Alex Morgan, Example PCF, 2 July 2023" in log
    assert "Not yet." not in log  # changed to a sign-off before the pack
    assert "A dissent from last year." not in log  # another period


def test_a_pack_as_at_a_moment_before_the_dissent_does_not_log_it(plan_a, dissent):
    from reports.pdf.change_log import dissent_log

    before = timezone.make_aware(dt.datetime(2023, 7, 1, 12))
    later = timezone.make_aware(dt.datetime(2023, 7, 2, 23))
    quarter = parse_period("2023-Q2")
    assert dissent_log(plan_a, quarter, before) == []
    logged = dissent_log(plan_a, quarter, later)
    assert [d.words for d in logged] == ["Families still wait\nfar too long."]
    assert [d.words for d in dissent_log(plan_a, parse_period("2022"), None)] == [
        "A dissent from last year."
    ]
    assert dissent_log(plan_a, parse_period("2023-06"), None) is None  # a monthly report


def test_a_statement_without_dissent_says_so(plan_a, approved):
    text = " ".join(_pages(plan_a, "2023-Q2"))
    assert "No partner recorded dissent in the period." in text
