"""When an outcome target counts as past its date: written once, for every page, the
dashboard and the PDF packs.

A target is **past its date without Green** in a month when its target month is before that
month, it is not ongoing, and its latest submitted RAG rating up to that month is not Green
(positive impact, measured and demonstrable).
"""

from __future__ import annotations

import datetime as dt

from sendplan.ratings import RAG


def is_past_date_without_green(
    *, target_month: dt.date | None, is_ongoing: bool, latest_rag: str | None, month: dt.date
) -> bool:
    if is_ongoing or not target_month or target_month >= month.replace(day=1):
        return False
    return latest_rag != RAG.GREEN
