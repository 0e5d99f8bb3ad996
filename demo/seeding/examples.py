"""Example monthly ratings for a plan's actions (BRAGG) and outcome targets (RAG).

Shared by every seeded plan. Each item takes its draws from the ``random.Random`` it is
given, in plan order and whatever is already in the database, so the same example data
comes out on every run and a second run finds it all in place. Every row written is marked
``is_example`` and every note begins "Example data:".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model

from actions.models import Action, ActionStatus, EntryState, StoryEntry, check_bragg_rules
from outcomes.models import Direction, ImpactRating, OutcomeTarget
from sendplan.models import Person, Plan
from sendplan.months import add_months
from sendplan.ratings import BRAGG, RAG

from .months import CLOSED_MONTHS, OPEN_MONTH, at_nine, rated_at
from .plan_fixture import month_end_noon
from .writer import HistoryWriter

AMBER_NOTES = (
    "Example data: on track, but capacity in the team is stretched this month.",
    "Example data: on track; waiting for partners to confirm their part.",
    "Example data: a planning meeting slipped; still expected by the due date.",
    "Example data: on track, but this month's data arrived late.",
)
RED_NOTES = (
    "Example data: recruitment to a key post is paused, so the work has stopped.",
    "Example data: partners have not agreed the approach; escalated to the Assurance Executive.",
    "Example data: the supplier has delayed delivery by three months.",
)
LATE_NOTE = "Example data: past its due date of {due}; a revised date goes to the SEND "
LATE_NOTE += "Implementation Group."


@dataclass
class Raters:
    """Who rates what: each linked person's login, and the programme manager otherwise."""

    by_person: dict[int, object]
    manager: object

    @classmethod
    def of(cls, plan: Plan, manager_username: str) -> Raters:
        people = Person.objects.filter(area=plan.area, user__isnull=False)
        manager = get_user_model().objects.get(username=manager_username)
        return cls({p.pk: p.user for p in people}, manager)

    def for_action(self, action: Action | None):
        for lead in action.lead_rows.all() if action else ():
            if lead.person_id in self.by_person:
                return self.by_person[lead.person_id]
        return self.manager


def open_month_state(roll: float) -> str | None:
    """In the open month some updates are in, some are drafts, some are still missing."""
    if roll < 0.5:
        return EntryState.SUBMITTED
    if roll < 0.75:
        return EntryState.DRAFT
    return None


@dataclass(frozen=True)
class ActionDraw:
    """An action's draws, taken in this order."""

    completes: bool
    completion_lag: int
    completion_day: int
    start_offset: int
    open_roll: float
    monthly: list[tuple[float, int, int]]  # (roll, pick, day) for each closed month
    open_month: tuple[float, int, int]

    @classmethod
    def take(cls, rng) -> ActionDraw:
        completes = rng.random() < 0.65
        completion_lag = rng.choice((0, 0, 1, 2))
        completion_day = rng.randint(3, 14)
        start_offset = rng.choice((0, 1, 1, 2, 3))
        open_roll = rng.random()
        monthly = [(rng.random(), rng.randrange(12), rng.randint(16, 24)) for _ in CLOSED_MONTHS]
        open_month = (rng.random(), rng.randrange(12), rng.randint(8, 19))
        return cls(
            completes, completion_lag, completion_day, start_offset, open_roll, monthly, open_month
        )


def example_action_statuses(writer: HistoryWriter, plan: Plan, rng, raters: Raters) -> None:
    """A BRAGG status for every action in each closed month, and some in the open month."""
    actions = (
        Action.objects.filter(plan=plan)
        .select_related("issue")
        .prefetch_related("lead_rows")
        .order_by("issue__order", "order", "pk")
    )
    have = set(ActionStatus.objects.filter(plan=plan).values_list("action_id", "month"))
    for action in actions:
        draw = ActionDraw.take(rng)
        _complete(writer, action, draw)
        for month, status, note, state, carried, at in action_months(action, draw):
            if state is None or (action.pk, month) in have:
                continue
            check_bragg_rules(status, note, action.completed_on)
            writer.save(
                ActionStatus(
                    plan=plan,
                    action=action,
                    month=month,
                    status=status,
                    note=note,
                    state=state,
                    rated_by=raters.manager if carried else raters.for_action(action),
                    rated_at=at,
                    is_example=True,
                    carried_forward=carried,
                ),
                at=at,
            )


def _complete(writer: HistoryWriter, action: Action, draw: ActionDraw) -> None:
    """Give an action that completes in the closed months the completion date Blue needs."""
    due = action.due_month
    if not (draw.completes and due and not action.is_ongoing) or action.completed_on:
        return
    month_done = add_months(due, draw.completion_lag)
    if month_done <= CLOSED_MONTHS[-1]:
        action.completed_on = month_done.replace(day=draw.completion_day)
        writer.save(action, at=at_nine(action.completed_on))


def action_months(action: Action, draw: ActionDraw):
    """(month, status, note, state, carried, dated) for each month, oldest first; state is
    None for an open-month update still missing."""
    start = add_months(CLOSED_MONTHS[0], draw.start_offset)
    if action.due_month:
        start = min(start, add_months(action.due_month, -1))
    months = [
        (m, d, EntryState.SUBMITTED) for m, d in zip(CLOSED_MONTHS, draw.monthly, strict=True)
    ]
    months.append((OPEN_MONTH, draw.open_month, open_month_state(draw.open_roll)))
    before = (None, "")
    for month, (roll, pick, day), state in months:
        status, note = _bragg_for(action, month, start, action.completed_on, roll, pick)
        carried = month == OPEN_MONTH and before[0] == BRAGG.BLUE
        if carried:
            # A completed action carries itself into the month when it opens, as
            # progress.carry does when the programme manager opens a month.
            status, note, state = (*before, EntryState.SUBMITTED)
        before = (status, note)
        yield (
            month,
            status,
            note,
            state,
            carried,
            at_nine(month) if carried else rated_at(month, day),
        )


def example_impact_ratings(writer: HistoryWriter, plan: Plan, rng, raters: Raters) -> None:
    """A RAG rating for every target in each closed month, and some in the open month."""
    targets = (
        OutcomeTarget.objects.filter(plan=plan)
        .select_related("action")
        .prefetch_related("action__lead_rows")
        .order_by("issue__order", "order", "pk")
    )
    have = set(ImpactRating.objects.filter(plan=plan).values_list("target_id", "month"))
    for target in targets:
        quality = rng.random()
        open_roll = rng.random()
        monthly = [(rng.random(), rng.random(), rng.randint(16, 24)) for _ in CLOSED_MONTHS]
        open_draw = (rng.random(), rng.random(), rng.randint(8, 19))
        rater = raters.for_action(target.action)
        months = [(m, d, EntryState.SUBMITTED) for m, d in zip(CLOSED_MONTHS, monthly, strict=True)]
        open_state = open_month_state(open_roll)
        if open_state:
            months.append((OPEN_MONTH, open_draw, open_state))
        for index, (month, (roll, spread, day), state) in enumerate(months):
            rag, note = _rag_for(target, month, index, quality, roll)
            if (target.pk, month) in have:
                continue
            writer.save(
                ImpactRating(
                    plan=plan,
                    target=target,
                    month=month,
                    rag=rag,
                    measured_value=_measured(target, month, index, spread),
                    note=note,
                    state=state,
                    rated_by=rater,
                    rated_at=rated_at(month, day),
                    is_example=True,
                ),
                at=rated_at(month, day),
            )


def _bragg_for(action, month, start, completed_on, roll, pick) -> tuple[str, str]:
    if completed_on and month >= completed_on.replace(day=1):
        return BRAGG.BLUE, f"Example data: completed on {completed_on:%d %B %Y}."
    if month < start:
        return BRAGG.GREY, ""
    if action.due_month and not action.is_ongoing and month > action.due_month:
        status = BRAGG.RED if roll < 0.3 else BRAGG.AMBER
        return status, LATE_NOTE.format(due=action.due_as_written or f"{action.due_month:%b %Y}")
    if roll < 0.72:
        return BRAGG.GREEN, ""
    if roll < 0.93:
        return BRAGG.AMBER, AMBER_NOTES[pick % len(AMBER_NOTES)]
    return BRAGG.RED, RED_NOTES[pick % len(RED_NOTES)]


def _rag_for(target, month, index, quality, roll) -> tuple[str, str]:
    if month < dt.date(2022, 12, 1):
        return RAG.AMBER, "Example data: impact not yet measured."
    if target.target_month and month > target.target_month:
        if quality > 0.5:
            return RAG.GREEN, "Example data: target date passed; impact shown in the data."
        if quality > 0.25:
            return RAG.AMBER, "Example data: target date passed; impact still being measured."
        return RAG.RED, "Example data: target date passed without the impact being measured."
    # Impact shows slowly: the chance of Green grows month by month.
    if roll < 0.05 * index + 0.35 * quality:
        return RAG.GREEN, "Example data: early signs of positive impact."
    if roll < 0.93:
        return RAG.AMBER, "Example data: impact being measured; no change yet."
    return RAG.RED, "Example data: figures moved the wrong way this month."


def _measured(target, month, index, spread) -> Decimal | None:
    """A made-up measured figure for quantified targets, moving towards the target."""
    if target.target_value is None or month < dt.date(2023, 1, 1):
        return None
    progress = min(1.0, 0.45 + 0.09 * index + 0.1 * spread)
    value = float(target.target_value)
    if target.direction == Direction.DECREASE:
        figure = value * (1.8 - 0.8 * progress)
    else:
        figure = value * progress
    return Decimal(str(round(figure)))


STORY_SENTENCES = (
    "Partners met this month and agreed the next steps; the lead will report back to the "
    "SEND Implementation Group.",
    "Work continues as planned. Feedback from the Parent Carer Forum has been taken into account.",
    "Progress was slower this month because of staff absence; no change to the due dates "
    "is expected.",
    "A task and finish group has drafted proposals, to be shared with families for comment "
    "next month.",
)


def example_stories(writer: HistoryWriter, plan: Plan, wanted, rng, raters: Raters) -> None:
    """Story so far for each (issue, priority, month, state) wanted, one of the two given,
    never beside an entry the plan itself has for that issue or priority and month."""
    have = set(StoryEntry.objects.filter(plan=plan).values_list("issue_id", "priority_id", "month"))
    for issue, priority, month, state in wanted:
        sentence = STORY_SENTENCES[rng.randrange(len(STORY_SENTENCES))]
        if (issue and issue.pk, priority and priority.pk, month) in have:
            continue
        first_action = (
            min(issue.actions.all(), key=lambda a: a.order, default=None) if issue else None
        )
        written_at = month_end_noon(month) if month != OPEN_MONTH else rated_at(month, 12)
        writer.save(
            StoryEntry(
                plan=plan,
                issue=issue,
                priority=priority,
                month=month,
                date_as_written=f"{month:%B %Y}",
                narrative=(
                    "<p>Example update: this is example data added by seed_demo, not part "
                    f"of the plan. {sentence}</p>"
                ),
                state=state,
                author=raters.for_action(first_action),
                written_at=written_at,
                is_example=True,
            ),
            at=written_at,
        )
