"""When an outcome target counts as past its date: written once, for every page, the
dashboard and the PDF packs.

A target is **past its date without Green** in a month when its target month is before that
month, it is not ongoing, and its latest submitted RAG rating up to that month is not Green
(positive impact, measured and demonstrable).

A quantified target's **movement** compares its latest measured figure with the target and
the baseline, the way the target's direction says is better (a target without a direction
is better lower when its target is below its baseline): **met** when the figure has reached
the target; else **towards**, **away** or **unchanged** against the baseline; nothing when
there is no figure, or no baseline to compare it with. Movement is not the RAG impact
rating: the lead's rating says whether the impact is demonstrable, and pages show both.

For inspection readiness: a priority needs at least one outcome target; a target needs a
**baseline**, a **unit** and a **recent figure** (a measured figure submitted, not carried
forward, in the month or the two before it); and a **Green** rating needs a measured
figure of its own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sendplan.months import add_months
from sendplan.ratings import RAG


def is_past_date_without_green(
    *, target_month: dt.date | None, is_ongoing: bool, latest_rag: str | None, month: dt.date
) -> bool:
    if is_ongoing or not target_month or target_month >= month.replace(day=1):
        return False
    return latest_rag != RAG.GREEN


MET, TOWARDS, AWAY, UNCHANGED = "met", "towards", "away", "unchanged"


def better_is_lower(*, direction: str, baseline, target) -> bool:
    if direction == "decrease":
        return True
    if direction in ("increase", "maintain"):
        return False
    return baseline is not None and target is not None and target < baseline


def movement(
    *, measured: Decimal | None, baseline: Decimal | None, target: Decimal | None, direction: str
) -> str | None:
    """MET, TOWARDS, AWAY, UNCHANGED or None (no figure, or nothing to compare it with)."""
    if measured is None:
        return None
    sign = -1 if better_is_lower(direction=direction, baseline=baseline, target=target) else 1
    if target is not None and sign * (measured - target) >= 0:
        return MET
    if baseline is None:
        return None
    change = sign * (measured - baseline)
    return TOWARDS if change > 0 else AWAY if change < 0 else UNCHANGED


def priority_lacks_target(*, target_count: int) -> bool:
    return target_count == 0


def lacks_baseline(*, baseline: Decimal | None) -> bool:
    return baseline is None


def lacks_unit(*, unit: str) -> bool:
    return not (unit or "").strip()


# A figure measured within this many months (the month and the ones before it) is recent.
RECENT_FIGURE_MONTHS = 3


def has_recent_figure(*, measured_months, month: dt.date) -> bool:
    """``measured_months``: the months with a measured figure submitted (not carried)."""
    month = month.replace(day=1)
    since = add_months(month, -(RECENT_FIGURE_MONTHS - 1))
    return any(since <= m <= month for m in measured_months)


def is_green_without_figure(*, rag: str | None, measured: Decimal | None) -> bool:
    return rag == RAG.GREEN and measured is None
