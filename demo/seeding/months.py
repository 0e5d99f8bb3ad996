"""The demo's reporting calendar: seven closed months, October 2022 to April 2023, and May
2023 open, the same for every seeded plan, and the times example rows are dated."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sendplan.models import MonthStatus, Plan, ReportingMonth
from sendplan.months import add_months

from .writer import HistoryWriter

CLOSED_MONTHS = tuple(add_months(dt.date(2022, 10, 1), n) for n in range(7))  # Oct-Apr
OPEN_MONTH = dt.date(2023, 5, 1)
OPEN_MONTH_DEADLINE = dt.date(2023, 5, 25)


def at_nine(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def rated_at(month: dt.date, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(month.year, month.month, day, 10, 30))


def reporting_months(writer: HistoryWriter, plan: Plan) -> None:
    """The closed months and the open one, where the plan lacks them."""
    existing = set(ReportingMonth.objects.filter(plan=plan).values_list("month", flat=True))
    # Closed months first: a plan may have only one open month at a time.
    for month in (*CLOSED_MONTHS, OPEN_MONTH):
        if month in existing:
            continue
        is_open = month == OPEN_MONTH
        writer.save(
            ReportingMonth(
                plan=plan,
                month=month,
                status=MonthStatus.OPEN if is_open else MonthStatus.CLOSED,
                deadline=OPEN_MONTH_DEADLINE if is_open else month.replace(day=25),
            ),
            at=at_nine(month),
        )
