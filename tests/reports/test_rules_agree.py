"""Overdue, done and past-date are one rule: the plan page, the dashboard's exceptions and
milestones, and the PDF pack agree item by item on the edge cases."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from governance.periods import parse_period
from reports.dashboard import Filters, build_dashboard
from reports.pdf.context import build_report_data
from sendplan.models import MonthStatus
from tests import factories
from tests.builders import (
    APRIL,
    MARCH,
    MAY,
    ActionSpec,
    IssueSpec,
    PlanSpec,
    TargetSpec,
    build_rated_plan,
)
from tests.reports.pdf_support import quarterly_forum

# (text, due month, original due month, completed on, {month: BRAGG}), and whether it is
# overdue in May and done by the end of May.
ACTIONS = [
    ("Completed late in its due month", MAY, None, dt.date(2023, 5, 31), {}, False, True),
    ("Due in March, Blue in May", MARCH, None, None, {APRIL: "amber", MAY: "blue"}, False, True),
    ("Due in March, Amber in May", MARCH, None, None, {MAY: "amber"}, True, False),
    ("Due date revised to July", dt.date(2023, 7, 1), MARCH, None, {MAY: "amber"}, False, False),
    ("Due in April, never rated", APRIL, None, None, {}, True, False),
    ("Completed in June, after May", APRIL, None, dt.date(2023, 6, 2), {MAY: "green"}, True, False),
    ("Ongoing", None, None, None, {MAY: "green"}, False, False),
]
# (text, target month, {month: RAG}), and whether it is past its date without Green in May.
TARGETS = [
    ("Past its date, Amber", MARCH, {MAY: "amber"}, True),
    ("Past its date, Green in April only", MARCH, {APRIL: "green"}, False),
    ("Past its date, never rated", APRIL, {}, True),
    ("Due in May itself", MAY, {MAY: "red"}, False),
]


def _edge_issues(n: int) -> list[IssueSpec]:
    actions = tuple(
        ActionSpec(
            text, due, ratings, completed=completed, original_due=original, ongoing=due is None
        )
        for text, due, original, completed, ratings, _, _ in ACTIONS
    )
    targets = tuple(TargetSpec(text, ratings, when) for text, when, ratings, _ in TARGETS)
    return [IssueSpec(priority=1, ref="1.1", actions=actions, targets=targets)]


EDGE_PLAN = PlanSpec(
    months={month: MonthStatus.CLOSED for month in (MARCH, APRIL, MAY)},
    priorities={1: "Edge cases"},
    issues=_edge_issues,
)


@pytest.fixture
def edge_plan(plan_a):
    (priority,) = build_rated_plan(plan_a, EDGE_PLAN)
    milestone = factories.MilestoneFactory(plan=plan_a, due_month=dt.date(2023, 12, 1))
    factories.MilestonePriorityFactory(milestone=milestone, priority=priority)
    return plan_a


OVERDUE = sorted(a[0] for a in ACTIONS if a[5])
DONE = sum(a[6] for a in ACTIONS)
PAST_DATE = sorted(t[0] for t in TARGETS if t[3])


def _overdue_on_the_plan_page(html: str) -> list[str]:
    rows = re.findall(r'<tr class="govuk-table__row"[^>]*>(.*?)</tr>', html, re.S)
    names = [a[0] for a in ACTIONS]
    return sorted(name for row in rows if ">Overdue<" in row for name in names if name in row)


def test_plan_page_dashboard_and_pdf_agree_on_overdue_done_and_past_date(
    client, edge_plan, viewer_a
):
    client.force_login(viewer_a)
    page = client.get(
        reverse("reports:issue_detail", args=[edge_plan.slug, "1.1"]) + "?month=2023-05"
    )
    assert page.status_code == 200
    assert _overdue_on_the_plan_page(page.content.decode()) == OVERDUE

    board = build_dashboard(edge_plan, month=MAY, as_at=None, filters=Filters())
    found = {e.html_id: sorted(i.text for i in e.items) for e in board.exceptions}
    assert found["overdue-actions"] == OVERDUE
    assert found["targets-past-date"] == PAST_DATE
    (milestone,) = board.milestones
    assert milestone.reason == f"{DONE} of {len(ACTIONS)} actions completed, none Red."

    report = build_report_data(
        plan=edge_plan,
        forum=quarterly_forum(edge_plan.area, edge_plan),
        period=parse_period("2023-Q2"),
    )
    assert report.status_month == MAY
    assert sorted(r.action.text for r in report.overdue) == OVERDUE
    past = {r.target.text for r in report.targets_at_risk}
    assert set(PAST_DATE) <= past
    assert "Past its date, Green in April only" not in past
    assert report.priorities[0].off_track["overdue"] == len(OVERDUE)
