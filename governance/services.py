"""Governance writes and the meeting calendar.

The calendar rule is deliberately simple, so a programme manager can predict it and then
correct the real dates by hand:

- a forum meets on the **second Tuesday** of its meeting months;
- monthly forums meet every month; quarterly forums in January, April, July and October
  (the first month of each calendar quarter); annual forums in June;
- each meeting reviews the whole months before its own: the month before (monthly), the
  three months before (quarterly) or the twelve months before (annually). A quarterly
  meeting in April 2023 reviews January to March 2023.

A scheduled date from the rule becomes a ``Meeting`` when the programme manager adds it;
its actual date (``held_on``) is then edited on the meeting's page. A meeting whose date
is not on the rule (the seeded mid-month meetings) still takes its slot: a slot is the
month, quarter or year the meeting falls in.

Every write goes through one function here: keyword-only arguments, one transaction, and
the acting user recorded on each saved row's history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce

from actions.models import Action
from outcomes.models import OutcomeTarget
from sendplan.history import save_with_history
from sendplan.models import Issue, Person
from sendplan.months import add_months

from .models import (
    Attendance,
    AttendanceStatus,
    Cadence,
    Decision,
    DecisionKind,
    DecisionLink,
    DecisionStatus,
    Forum,
    Meeting,
)

MEETING_WEEKDAY = 1  # Tuesday (Monday is 0)
MEETING_WEEK = 2  # the second one in the month
MEETING_MONTHS = {
    Cadence.MONTHLY: tuple(range(1, 13)),
    Cadence.QUARTERLY: (1, 4, 7, 10),
    Cadence.ANNUALLY: (6,),
}
MONTHS_REVIEWED = {Cadence.MONTHLY: 1, Cadence.QUARTERLY: 3, Cadence.ANNUALLY: 12}


def nth_weekday(month: dt.date, weekday: int = MEETING_WEEKDAY, n: int = MEETING_WEEK):
    first = month.replace(day=1)
    offset = (weekday - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (n - 1))


def review_period(cadence: str, meeting_day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the months a meeting on ``meeting_day`` reviews."""
    this_month = meeting_day.replace(day=1)
    start = add_months(this_month, -MONTHS_REVIEWED[Cadence(cadence)])
    return start, this_month - dt.timedelta(days=1)


def slot_key(cadence: str, day: dt.date) -> tuple[int, int]:
    """The month, quarter or year ``day`` falls in: one meeting per slot."""
    cadence = Cadence(cadence)
    if cadence == Cadence.MONTHLY:
        return (day.year, day.month)
    if cadence == Cadence.QUARTERLY:
        return (day.year, (day.month - 1) // 3)
    return (day.year, 0)


@dataclass
class CalendarSlot:
    scheduled_for: dt.date
    period_start: dt.date
    period_end: dt.date
    meeting: Meeting | None = None

    @property
    def date(self) -> dt.date:
        return self.meeting.date if self.meeting else self.scheduled_for


def meeting_calendar(forum: Forum, start: dt.date, end: dt.date) -> list[dt.date]:
    """The dates the cadence schedules between ``start`` and ``end`` (both included)."""
    months = MEETING_MONTHS[Cadence(forum.cadence)]
    dates = []
    month = start.replace(day=1)
    while month <= end:
        if month.month in months:
            day = nth_weekday(month)
            if start <= day <= end:
                dates.append(day)
        month = add_months(month, 1)
    return dates


def calendar_slots(
    forum: Forum, start: dt.date, end: dt.date, meetings: Iterable[Meeting]
) -> list[CalendarSlot]:
    """The cadence's dates with the forum's meetings in their slots, oldest first.

    ``meetings`` are the forum's meetings already read (the page reads them once); a
    meeting in a slot replaces the scheduled date, and a meeting outside any scheduled
    slot in the range is listed too.
    """
    by_slot: dict[tuple[int, int], list[Meeting]] = {}
    for meeting in sorted(meetings, key=lambda m: m.scheduled_for):
        if start <= meeting.scheduled_for <= end:
            by_slot.setdefault(slot_key(forum.cadence, meeting.scheduled_for), []).append(meeting)
    slots = []
    for day in meeting_calendar(forum, start, end):
        period_start, period_end = review_period(forum.cadence, day)
        in_slot = by_slot.get(slot_key(forum.cadence, day))
        if in_slot:  # the slot's meeting, with the date and period it was given
            meeting = in_slot.pop(0)
            slots.append(
                CalendarSlot(
                    meeting.scheduled_for, meeting.period_start, meeting.period_end, meeting
                )
            )
        else:
            slots.append(CalendarSlot(day, period_start, period_end))
    for extra in by_slot.values():
        for meeting in extra:
            slots.append(
                CalendarSlot(
                    meeting.scheduled_for, meeting.period_start, meeting.period_end, meeting
                )
            )
    return sorted(slots, key=lambda s: s.scheduled_for)


# --- Reads used by the meeting page ----------------------------------------------------


def meetings_by_date(forum: Forum) -> QuerySet[Meeting]:
    """The forum's meetings ordered by the day they were (or will be) held."""
    return forum.meetings.annotate(day=Coalesce("held_on", "scheduled_for")).order_by("day", "pk")


def carried_decisions(meeting: Meeting) -> QuerySet[Decision]:
    """Open decisions from the forum's earlier meetings: they carry to this one.

    "Open" is judged at the end of this meeting's day, so a decision done later still
    shows as carried on this meeting's page, as it stood then.
    """
    return (
        Decision.objects.for_forum(meeting.forum)
        .annotate(raised_on=Coalesce(F("meeting__held_on"), F("meeting__scheduled_for")))
        .filter(raised_on__lt=meeting.date)
        .open_on(meeting.date)
        .select_related("owner", "meeting")
        .order_by("raised_on", "order", "pk")
    )


# --- Writes ----------------------------------------------------------------------------


def add_meeting(*, forum: Forum, scheduled_for: dt.date, user) -> Meeting:
    """Add the meeting the calendar schedules for ``scheduled_for`` (safe to repeat)."""
    with transaction.atomic():
        existing = [
            m
            for m in forum.meetings.select_for_update()
            if slot_key(forum.cadence, m.scheduled_for) == slot_key(forum.cadence, scheduled_for)
        ]
        if existing:
            return existing[0]
        period_start, period_end = review_period(forum.cadence, scheduled_for)
        meeting = Meeting(
            forum=forum,
            scheduled_for=scheduled_for,
            period_start=period_start,
            period_end=period_end,
        )
        save_with_history(meeting, user=user, clean=True)
        return meeting


def record_meeting_date(*, meeting: Meeting, held_on: dt.date | None, user) -> Meeting:
    """Record the day the meeting was actually held (None: as scheduled, not yet held)."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.held_on != held_on:
            meeting.held_on = held_on
            save_with_history(meeting, user=user, clean=True)
        return meeting


def record_attendance(*, meeting: Meeting, statuses: dict[int, str | None], user) -> dict[str, int]:
    """Set who was present or sent apologies; None removes a person's row.

    ``statuses`` maps person ids to an ``AttendanceStatus`` value. The people must be
    of the forum's area. Returns how many rows were added, changed and removed.
    """
    area_people = set(
        Person.objects.filter(area_id=meeting.forum.area_id, id__in=statuses).values_list(
            "id", flat=True
        )
    )
    if unknown := set(statuses) - area_people:
        raise ValidationError(f"Select people of this area (unknown: {sorted(unknown)}).")
    counts = {"added": 0, "changed": 0, "removed": 0}
    with transaction.atomic():
        rows = {
            row.person_id: row
            for row in Attendance.objects.select_for_update().filter(meeting=meeting)
        }
        for person_id, status in statuses.items():
            row = rows.get(person_id)
            if status in (None, ""):
                if row:
                    row._history_user = user
                    row.delete()
                    counts["removed"] += 1
                continue
            if status not in AttendanceStatus.values:
                raise ValidationError("Select present or sent apologies.")
            if row is None:
                save_with_history(
                    Attendance(meeting=meeting, person_id=person_id, status=status),
                    user=user,
                    clean=True,
                )
                counts["added"] += 1
            elif row.status != status:
                row.status = status
                save_with_history(row, user=user, clean=True)
                counts["changed"] += 1
    return counts


def _check_items(meeting: Meeting, actions, targets, issues) -> None:
    plan_id = meeting.forum.plan_id
    for item in [*actions, *targets, *issues]:
        if plan_id is None or item.plan_id != plan_id:
            raise ValidationError("Select items of the plan this forum monitors.")


def record_decision(
    *,
    meeting: Meeting,
    kind: str,
    text: str,
    owner: Person | None,
    due_date: dt.date | None,
    actions: Iterable[Action] = (),
    targets: Iterable[OutcomeTarget] = (),
    issues: Iterable[Issue] = (),
    user,
) -> Decision:
    """Record a decision or challenge raised at ``meeting``, linked to the plan items it
    concerns (which must belong to the plan the forum monitors)."""
    actions, targets, issues = list(actions), list(targets), list(issues)
    if owner is not None and owner.area_id != meeting.forum.area_id:
        raise ValidationError("Select an owner from this area.")
    _check_items(meeting, actions, targets, issues)
    with transaction.atomic():
        order = meeting.decisions.count()
        decision = Decision(
            meeting=meeting,
            kind=DecisionKind(kind),
            text=text.strip(),
            owner=owner,
            due_date=due_date,
            order=order,
        )
        save_with_history(decision, user=user, clean=True)
        for field, items in (("action", actions), ("target", targets), ("issue", issues)):
            for item in items:
                save_with_history(
                    DecisionLink(decision=decision, **{field: item}), user=user, clean=True
                )
    return decision


def complete_decision(*, decision: Decision, done_on: dt.date, user) -> Decision:
    """Mark a decision or challenge done on ``done_on``; it stops carrying forward."""
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if decision.status != DecisionStatus.DONE or decision.done_on != done_on:
            decision.status = DecisionStatus.DONE
            decision.done_on = done_on
            save_with_history(decision, user=user, clean=True)
        return decision


def reopen_decision(*, decision: Decision, user) -> Decision:
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if decision.status != DecisionStatus.OPEN:
            decision.status = DecisionStatus.OPEN
            decision.done_on = None
            save_with_history(decision, user=user, clean=True)
        return decision
