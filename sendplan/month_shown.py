"""The month a page opens on, one rule for every page that shows a plan for a month.

A page opened without a month in its address shows the plan's **latest closed reporting
month**, whose figures are final; when no month has closed yet, the open month; when the
plan has no reporting months, the calendar month. Seen "as at" a date, never a month after
that date. The plan page, the issue and item pages, the dashboard and the bar-click lists
all ask ``month_shown``; only a lead's own update page works on the open month, because
that is the month their task is in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from .models import MonthStatus


class _Month(Protocol):
    month: dt.date
    status: str


def month_shown(
    months: Iterable[_Month], *, today: dt.date, as_at_date: dt.date | None = None
) -> dt.date:
    """The month a plan page opens on (see the module's docstring)."""
    months = sorted(months, key=lambda m: m.month, reverse=True)
    closed = [m.month for m in months if m.status == MonthStatus.CLOSED]
    open_ = [m.month for m in months if m.status == MonthStatus.OPEN]
    month = (closed or open_ or [today.replace(day=1)])[0]
    if as_at_date:
        month = min(month, as_at_date.replace(day=1))
    return month
