"""A milestone's status at the end of a month: written once, for the dashboard and the
inspection readiness check.

A milestone's status comes from the actions of the priorities it serves, at the end of
the month: **Achieved** when every one is done (see actions.rules: Blue, or a completion
date); else **Missed** when the milestone's month has passed; else **At risk** when any
is Red; else **On track**. A milestone linked to no actions is **Not assessed**.
"""

from __future__ import annotations

import datetime as dt

ACHIEVED, ON_TRACK, AT_RISK, MISSED, NOT_ASSESSED = (
    "Achieved",
    "On track",
    "At risk",
    "Missed",
    "Not assessed",
)


def milestone_status(
    *, due_month: dt.date | None, month: dt.date, total: int, done: int, red: int
) -> tuple[str, str]:
    """The status and the reason in words, from the counts of its actions."""
    if not total:
        return NOT_ASSESSED, "No actions under its priorities."
    if done == total:
        return ACHIEVED, f"All {total} actions completed."
    if is_past_with_items_not_done(due_month=due_month, month=month, total=total, done=done):
        return MISSED, f"{done} of {total} actions completed by its date."
    if red:
        return AT_RISK, f"{red} of {total} actions Red."
    return ON_TRACK, f"{done} of {total} actions completed, none Red."


def is_past_with_items_not_done(
    *, due_month: dt.date | None, month: dt.date, total: int, done: int
) -> bool:
    """Its month has passed and some of its actions are not done (Missed)."""
    return bool(total and done < total and due_month and due_month < month.replace(day=1))
