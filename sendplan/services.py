"""Running a plan's reporting months: open one, close it, re-open it.

A plan has at most one open month (a database constraint says so too). Leads update the
open month; the programme manager closes it, after which its entries are read-only, and
may re-open it with a reason. Each step is a saved ``ReportingMonth`` row, so its history
records who did it, when, and why (the change reason).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from .history import save_with_history
from .models import MonthStatus, Plan, ReportingMonth
from .months import month_words, next_month, this_month


class UpdateRefused(Exception):
    """A monthly update that cannot be saved at all: the month is closed, not open, or
    has not started. The message says so in plain words."""


class ConflictError(Exception):
    """Someone else saved the item since this form read it (its ``version`` moved on).

    It carries what the other person saved, so the page can show it beside the user's own
    text, and the version now stored, so that saving again after reading it is possible.
    """

    def __init__(
        self,
        *,
        key: str,
        label: str,
        saved: list[tuple[str, str]],
        by: str,
        at: dt.datetime | None,
        version: int,
        version_field: str = "version",
    ):
        self.key = key
        self.label = label
        self.saved = saved
        self.by = by
        self.at = at
        self.version = version
        self.version_field = version_field
        super().__init__(f"{label} was changed by {by or 'someone else'} since you opened it.")


def lock_open_month(plan: Plan, month: dt.date) -> ReportingMonth:
    """The plan's reporting month ``month``, locked, if updates to it may be saved.

    Callers take this lock before writing any entry of the month, and closing the month
    takes it too, so an update and a close cannot interleave.
    """
    words = month_words(month)
    if month > this_month():
        raise UpdateRefused(f"You cannot update {words} yet: it has not started.")
    reporting_month = (
        ReportingMonth.objects.select_for_update().filter(plan=plan, month=month).first()
    )
    if reporting_month is None:
        raise UpdateRefused(f"{words} is not open for updates.")
    if not reporting_month.is_open:
        raise UpdateRefused(
            f"{words} is closed, so its updates are read-only. Ask the programme manager "
            "to re-open it if something must change."
        )
    return reporting_month


def open_month_of(plan: Plan) -> ReportingMonth | None:
    """The plan's open month, if it has one."""
    return ReportingMonth.objects.filter(plan=plan, status=MonthStatus.OPEN).first()


def month_to_open(plan: Plan) -> dt.date:
    """The month the programme manager would open next: after the latest, else this one."""
    latest = ReportingMonth.objects.filter(plan=plan).order_by("-month").first()
    return next_month(latest.month) if latest else this_month()


def _lock_plan(plan: Plan) -> Plan:
    # Every change to a plan's months takes this lock first, so two programme managers
    # opening or re-opening months at once are served one after the other.
    return Plan.objects.select_for_update().get(pk=plan.pk)


def open_month(
    *, plan: Plan, month: dt.date, user, deadline: dt.date | None = None
) -> ReportingMonth:
    """Open ``month`` for updates. It must be later than every month the plan has had,
    not later than the current month, and no other month may be open."""
    month = month.replace(day=1)
    if month > this_month():
        raise ValidationError(
            {"month": f"You cannot open {month_words(month)} yet: it has not started."}
        )
    if deadline is not None and deadline < month:
        raise ValidationError(
            {"deadline": f"The deadline must be in or after {month_words(month)}."}
        )
    with transaction.atomic():
        _lock_plan(plan)
        current = open_month_of(plan)
        if current is not None:
            raise ValidationError(
                {
                    "month": f"Close {month_words(current.month)} before opening "
                    f"{month_words(month)}."
                }
            )
        latest = ReportingMonth.objects.filter(plan=plan).order_by("-month").first()
        if latest is not None and month <= latest.month:
            raise ValidationError(
                {
                    "month": f"{month_words(month)} is not after {month_words(latest.month)}, "
                    "the latest month. Re-open a closed month instead."
                }
            )
        reporting_month = ReportingMonth(
            plan=plan, month=month, status=MonthStatus.OPEN, deadline=deadline
        )
        save_with_history(
            reporting_month, user=user, reason=f"Opened {month_words(month)}", clean=True
        )
        return reporting_month


def close_month(*, plan: Plan, month: dt.date, user) -> ReportingMonth:
    """Close the open ``month``: its entries become read-only."""
    with transaction.atomic():
        _lock_plan(plan)
        reporting_month = _get(plan, month)
        if not reporting_month.is_open:
            raise ValidationError(f"{month_words(month)} is already closed.")
        reporting_month.status = MonthStatus.CLOSED
        save_with_history(
            reporting_month, user=user, reason=f"Closed {month_words(month)}", clean=True
        )
        return reporting_month


def reopen_month(*, plan: Plan, month: dt.date, user, reason: str) -> ReportingMonth:
    """Re-open a closed ``month`` so its entries can be corrected; the reason is recorded."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Enter the reason for re-opening the month."})
    with transaction.atomic():
        _lock_plan(plan)
        reporting_month = _get(plan, month)
        if reporting_month.is_open:
            raise ValidationError(f"{month_words(month)} is already open.")
        current = open_month_of(plan)
        if current is not None:
            raise ValidationError(
                f"Close {month_words(current.month)} before re-opening {month_words(month)}."
            )
        reporting_month.status = MonthStatus.OPEN
        save_with_history(
            reporting_month,
            user=user,
            reason=f"Re-opened {month_words(month)}: {reason}",
            clean=True,
        )
        return reporting_month


def _get(plan: Plan, month: dt.date) -> ReportingMonth:
    reporting_month = (
        ReportingMonth.objects.select_for_update().filter(plan=plan, month=month).first()
    )
    if reporting_month is None:
        raise ValidationError(f"{month_words(month)} is not a reporting month of this plan.")
    return reporting_month
