"""Example work for Durham's plan, so its example months have something to rate.

Durham's overview lists four areas for improvement (its priorities) and seven dated
milestones, but no issues, actions or targets (``fixtures/README.md``). For the demo each
area for improvement gets one example issue holding an example action to start the work,
an example action towards each milestone the area serves (due in the milestone's month,
so the dashboard's milestones take their status from it) and one example target. Every one
of them says "Example" in its text; the ratings, story so far and months written for them
are marked ``is_example`` like Darlington's (``demo.seeding.examples``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from actions.models import Action, EntryState
from outcomes.models import Direction, OutcomeTarget
from sendplan.models import Issue, Plan, Priority

from .months import OPEN_MONTH
from .writer import HistoryWriter

DURHAM_PLAN = "durham-lap-2024"
DURHAM_MANAGER = "durham-pm"
EXAMPLE_ISSUE = (
    "Example data: added by seed_demo so the demo shows a working plan. Durham's plan lists "
    "no issues, actions or targets under this area for improvement."
)
FIRST_ACTION = (
    "Example action: agree the partnership's plan for this area for improvement and who "
    "leads each part.",
    dt.date(2023, 1, 1),
    "January 2023",
)
TARGET = "Example target: 90% of families and practitioners surveyed say this area has improved."
OPEN_MONTH_DRAFT_STORY_PRIORITIES = (1, 3)


def example_work(writer: HistoryWriter, plan: Plan) -> None:
    """An example issue, actions and a target for each area for improvement, unless the
    plan has issues already (then it needs no example work)."""
    if Issue.objects.filter(plan=plan).exists():
        return
    for priority in plan.priorities.order_by("number"):
        issue = writer.save(
            Issue(
                plan=plan,
                priority=priority,
                ref=f"{priority.number}.1",
                description=EXAMPLE_ISSUE,
                order=priority.number,
            )
        )
        actions = [FIRST_ACTION]
        actions += [
            (f"Example action towards the {m.period} milestone: {m.text}", m.due_month, m.period)
            for m in priority.milestones.order_by("due_month", "order")
        ]
        for order, (text, due, as_written) in enumerate(actions, start=1):
            writer.save(
                Action(
                    plan=plan,
                    issue=issue,
                    text=text,
                    order=order,
                    due_month=due,
                    due_as_written=as_written,
                )
            )
        writer.save(
            OutcomeTarget(
                plan=plan,
                issue=issue,
                text=TARGET,
                order=1,
                target_month=dt.date(2026, 5, 1),
                target_as_written="Spring 2026",
                unit="%",
                target_value=Decimal(90),
                direction=Direction.INCREASE,
            )
        )


def durham_stories(plan: Plan, months) -> list[tuple[None, Priority, dt.date, str]]:
    """The story so far wanted for each area for improvement (Durham reports by priority):
    each of ``months`` submitted, and a draft in the open month for some."""
    priorities = list(plan.priorities.order_by("number"))
    wanted = [(None, p, month, EntryState.SUBMITTED) for p in priorities for month in months]
    wanted += [
        (None, p, OPEN_MONTH, EntryState.DRAFT)
        for p in priorities
        if p.number in OPEN_MONTH_DRAFT_STORY_PRIORITIES
    ]
    return wanted
