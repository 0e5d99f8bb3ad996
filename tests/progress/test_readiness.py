"""Inspection readiness (progress.readiness) on the readiness plan of tests/builders.py:
each check passing and failing, the score per priority and its trend by month."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from outcomes.models import OutcomeTarget
from progress import readiness as readiness_module
from progress.readiness import plan_readiness
from sendplan.models import StoryLevel
from tests import factories
from tests.builders import APRIL, FEBRUARY, MARCH, build_readiness_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(plan_a):
    build_readiness_plan(plan_a)
    return plan_a


def _found(section) -> list[tuple[str, str, str]]:
    return [(f.check, f.text, f.words) for f in section.findings]


def test_a_priority_that_keeps_every_rule_passes_every_check(built):
    found = plan_readiness(built)
    assert found.month == APRIL  # the month the plan's pages open on: the latest closed
    first = found.priorities[0]
    assert first.priority.number == 1
    assert first.findings == []
    assert first.score.words == "12 of 12 checks passed (100%)"


def test_each_rule_broken_once_is_listed_under_its_priority_with_what_is_weak(built):
    second = plan_readiness(built).priorities[1]
    assert _found(second) == [
        ("target_baseline", "Nothing to measure by (1)", "No baseline."),
        ("target_unit", "Nothing to measure by (1)", "No unit."),
        ("target_figure", "Nothing to measure by (1)", "Never measured."),
        ("green_figure", "Nothing to measure by (1)", "Rated Green in April 2023 with no figure."),
        ("target_figure", "Measured long ago (1)", "Last measured January 2023."),
        ("action_overdue", "Late action (1)", "Due February 2023 and not Blue."),
        ("action_lead", "Late action (1)", "No lead named."),
        ("blue_completion", "Blue without a date (1)", "Blue with no completion date."),
        ("story_updated", "Story so far of 2.1", "Last updated February 2023."),
        (
            "milestone_done",
            "Spring 2023: Spring 2023 milestone",
            "1 of 2 actions done; due March 2023.",
        ),
    ]
    assert second.score.words == "4 of 14 checks passed (29%)"
    # Each line says which issue it is under, so that the page can link to the item.
    assert {f.issue_ref for f in second.findings if f.kind in ("action", "target")} == {"2.1"}


def test_a_priority_with_no_outcome_target_is_listed(built):
    third = plan_readiness(built).priorities[2]
    assert _found(third) == [
        ("priority_target", "Priority 3", "No outcome target under this priority.")
    ]
    assert third.score.words == "2 of 3 checks passed (67%)"


def test_the_whole_plan_scores_the_sum_of_its_priorities(built):
    found = plan_readiness(built)
    assert (found.score.passed, found.score.applicable) == (18, 29)
    assert found.score.words == "18 of 29 checks passed (62%)"


def test_the_trend_scores_each_month_from_the_ratings_recorded_up_to_it(built):
    found = plan_readiness(built)
    assert found.trend_months[0] == dt.date(2023, 1, 1)  # the plan's first month
    assert found.trend_months[-1] == APRIL
    first, second, _ = found.priorities
    by_month = {s.month: (s.passed, s.applicable) for s in second.trend}
    # In March the old figure was recent, the story fresh, the milestone not yet due and
    # the Green without a figure not yet given.
    assert by_month[MARCH] == (6, 11)
    assert by_month[APRIL] == (4, 14)
    # Priority 1 in March: its target not yet measured, its story not yet written, and one
    # action of its February milestone not yet done.
    assert {s.month: (s.passed, s.applicable) for s in first.trend}[MARCH] == (7, 10)
    assert found.trend[-1].passed == found.score.passed


def test_a_month_earlier_reads_the_plan_at_that_months_end(built):
    found = plan_readiness(built, month=MARCH)
    assert found.month == MARCH
    assert found.priorities[1].score.words == "6 of 11 checks passed (55%)"
    assert found.trend_months == [dt.date(2023, 1, 1), FEBRUARY, MARCH]


def test_putting_a_weakness_right_removes_it_and_as_at_shows_it_as_it_stood(built):
    before = timezone.now()
    target = OutcomeTarget.objects.get(text="Nothing to measure by (1)")
    target.baseline = Decimal("3")
    target.unit = "%"
    target.save()

    now = plan_readiness(built).priorities[1]
    assert "target_baseline" not in {f.check for f in now.findings}
    assert now.score.words == "6 of 14 checks passed (43%)"

    then = plan_readiness(built, as_at=before).priorities[1]
    assert "target_baseline" in {f.check for f in then.findings}
    assert then.score.words == "4 of 14 checks passed (29%)"


def test_a_story_carried_forward_unchanged_is_not_an_update(built):
    factories.StoryEntryFactory(
        issue=built.issues.get(ref="2.1"), month=APRIL, carried_forward=True
    )
    second = plan_readiness(built).priorities[1]
    assert ("story_updated", "Story so far of 2.1", "Last updated February 2023.") in _found(second)


def test_where_the_plan_reports_by_priority_the_priority_has_the_story_so_far(built):
    built.story_level = StoryLevel.PRIORITY
    built.save()
    priority = built.priorities.get(number=3)
    factories.StoryEntryFactory(issue=None, priority=priority, plan=built, month=MARCH)
    found = plan_readiness(built)
    third = found.priorities[2]
    assert ("story_updated", "Priority 3 story so far", "Last updated March 2023.") not in (
        _found(third)
    )
    first = found.priorities[0]
    assert ("story_updated", "Priority 1 story so far", "No story so far written.") in _found(first)


def test_an_evidence_check_once_registered_applies_to_blue_actions(built, monkeypatch):
    monkeypatch.setattr(readiness_module, "_blue_evidence_checks", [])
    assert "blue_evidence" not in readiness_module.checks_in_use()

    def lacking(state, month):
        return {a.id for a in state.actions if a.text == "Done early (1)"}

    readiness_module.add_blue_evidence_check(lacking)
    assert "blue_evidence" in readiness_module.checks_in_use()
    # Only a plan that requires evidence for Blue is checked for it.
    assert plan_readiness(built).priorities[0].findings == []
    built.evidence_required_for_blue = True
    built.save()
    first = plan_readiness(built).priorities[0]
    assert _found(first) == [
        (
            "blue_evidence",
            "Done early (1)",
            "Blue with no evidence, which the plan requires.",
        )
    ]
    assert first.score.words == "13 of 14 checks passed (93%)"
