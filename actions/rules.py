"""When an action counts as done and when as overdue: written once, for every page, the
dashboard, the PDF packs and the reminders.

An action is **done** at the end of a month when it was completed by that month's last day
or its latest submitted status up to that month is Blue (completed, embedded, sustained).
It is **overdue** in a month when it has a due month before that month, is not ongoing and
is not done.

For inspection readiness: an action rated **Blue without a completion date** cannot show
when it was done; an action with **no lead** has nobody to answer for it; and a **story so
far** (an issue's, or a priority's where the plan reports at that level) is **stale** in a
month when none of its entries was written for that month or the month before: an entry
carried forward unchanged is not an update.
"""

from __future__ import annotations

import datetime as dt

from sendplan.months import add_months, month_end
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


def is_blue_without_completion(*, latest_status: str | None, completed_on: dt.date | None) -> bool:
    return latest_status == BRAGG.BLUE and completed_on is None


def has_no_lead(*, lead_count: int) -> bool:
    return lead_count == 0


# A story so far not updated for this many months is stale.
STORY_STALE_MONTHS = 2


def is_story_stale(*, last_updated: dt.date | None, month: dt.date) -> bool:
    """``last_updated``: the newest month with an entry written (not carried forward)."""
    if last_updated is None:
        return True
    return last_updated < add_months(month.replace(day=1), -(STORY_STALE_MONTHS - 1))
