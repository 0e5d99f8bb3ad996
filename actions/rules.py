"""When an action counts as done and when as overdue: written once, for every page, the
dashboard, the PDF packs and the reminders.

An action is **done** at the end of a month when it was completed by that month's last day
or its latest submitted status up to that month is Blue (completed, embedded, sustained).
It is **overdue** in a month when it has a due month before that month, is not ongoing and
is not done.
"""

from __future__ import annotations

import datetime as dt

from sendplan.months import month_end
from sendplan.ratings import BRAGG


def is_done(*, completed_on: dt.date | None, latest_status: str | None, month: dt.date) -> bool:
    return bool((completed_on and completed_on <= month_end(month)) or latest_status == BRAGG.BLUE)


def is_overdue(
    *,
    due_month: dt.date | None,
    is_ongoing: bool,
    completed_on: dt.date | None,
    latest_status: str | None,
    month: dt.date,
) -> bool:
    if is_ongoing or not due_month or due_month >= month.replace(day=1):
        return False
    return not is_done(completed_on=completed_on, latest_status=latest_status, month=month)
