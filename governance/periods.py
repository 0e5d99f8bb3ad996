"""The period a report covers: a month ("2023-04"), a quarter ("2023-Q1") or a year ("2023").

Quarters and years are **calendar** ones: Q1 is January to March, Q2 April to June, Q3 July
to September, Q4 October to December, and "2023" is January to December 2023. The plans
write their own due dates in financial-year quarters ("Q3 2023/24", see
``sendplan.months``), but the forums meet by calendar quarter, and a code such as
"2023-Q1" names one. No forum records another convention yet; a forum that reports by
financial year would need a field on ``Forum`` saying so (ask the lead engineer).

Each forum reports on the periods of its cadence: the SEND Implementation Group monthly,
the SEND Assurance Executive quarterly and the Health and Wellbeing Board annually.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from sendplan.months import add_months

MONTH = "month"
QUARTER = "quarter"
YEAR = "year"

# The period kind each forum cadence reports on (governance.models.Cadence values).
KIND_FOR_CADENCE = {"monthly": MONTH, "quarterly": QUARTER, "annually": YEAR}
EXAMPLE_FOR_KIND = {MONTH: "2023-04", QUARTER: "2023-Q1", YEAR: "2023"}
KIND_WORD = {MONTH: "a month", QUARTER: "a quarter", YEAR: "a year"}

_MONTH_CODE = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER_CODE = re.compile(r"^(\d{4})-?q([1-4])$", re.IGNORECASE)
_YEAR_CODE = re.compile(r"^(\d{4})$")

EXAMPLE = 'Enter a period such as "2023-04" (a month), "2023-Q1" (a quarter) or "2023" (a year)'


@dataclass(frozen=True)
class Period:
    """A run of whole months: ``start`` and ``end`` are the first days of its first and
    last months."""

    kind: str
    start: dt.date
    end: dt.date

    @property
    def code(self) -> str:
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"

    @property
    def label(self) -> str:
        """As a reader says it: "April 2023", "January to March 2023", "2023"."""
        if self.kind == MONTH:
            return f"{self.start:%B %Y}"
        if self.kind == QUARTER:
            return f"{self.start:%B} to {self.end:%B %Y}"
        return f"January to December {self.start.year}"

    @property
    def short_label(self) -> str:
        """For running headers and file names: "April 2023", "Q1 2023", "2023"."""
        if self.kind == QUARTER:
            return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"
        if self.kind == YEAR:
            return str(self.start.year)
        return self.label

    @property
    def last_day(self) -> dt.date:
        return self.end.replace(day=calendar.monthrange(self.end.year, self.end.month)[1])

    @property
    def months(self) -> list[dt.date]:
        months, month = [], self.start
        while month <= self.end:
            months.append(month)
            month = add_months(month, 1)
        return months

    def contains(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.last_day

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        length = len(self.months)
        return Period(self.kind, add_months(self.start, -length), add_months(self.start, -1))

    def __str__(self) -> str:
        return self.code


def parse_period(text: str) -> Period:
    """Read a period code. Raises ``ValueError`` with a message to show as it is."""
    code = (text or "").strip()
    if m := _MONTH_CODE.match(code):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(f'{EXAMPLE}; "{code}" has no month {month}.')
        start = dt.date(year, month, 1)
        return Period(MONTH, start, start)
    if m := _QUARTER_CODE.match(code):
        year, quarter = int(m[1]), int(m[2])
        start = dt.date(year, 3 * quarter - 2, 1)
        return Period(QUARTER, start, add_months(start, 2))
    if m := _YEAR_CODE.match(code):
        year = int(m[1])
        return Period(YEAR, dt.date(year, 1, 1), dt.date(year, 12, 1))
    raise ValueError(f'{EXAMPLE}; "{code}" is not one of these.' if code else f"{EXAMPLE}.")


def period_containing(day: dt.date, kind: str) -> Period:
    """The period of ``kind`` that ``day`` falls in."""
    if kind == MONTH:
        start = day.replace(day=1)
        return Period(MONTH, start, start)
    if kind == QUARTER:
        start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period(QUARTER, start, add_months(start, 2))
    return Period(YEAR, dt.date(day.year, 1, 1), dt.date(day.year, 12, 1))


def period_between(first_day: dt.date, last_day: dt.date) -> Period | None:
    """The month, calendar quarter or calendar year that runs from ``first_day`` to
    ``last_day`` exactly (a meeting's period, say), or None for any other run of days."""
    for kind in (MONTH, QUARTER, YEAR):
        period = period_containing(first_day, kind)
        if period.start == first_day and period.last_day == last_day:
            return period
    return None


def parse_period_for_cadence(text: str, cadence: str, forum_name: str = "This forum") -> Period:
    """Read a period for a forum, refusing one that does not match how often it meets."""
    period = parse_period(text)
    kind = KIND_FOR_CADENCE.get(cadence)
    if kind and period.kind != kind:
        raise ValueError(
            f"{forum_name} reports {cadence.replace('annually', 'annually (by calendar year)')}: "
            f'enter {KIND_WORD[kind]} such as "{EXAMPLE_FOR_KIND[kind]}", not "{period.code}".'
        )
    return period


def recent_periods(kind: str, *, first: dt.date, last: dt.date) -> list[Period]:
    """Periods of ``kind`` from the one holding ``last`` back to the one holding ``first``,
    newest first."""
    periods = []
    period = period_containing(last, kind)
    while period.last_day >= first:
        periods.append(period)
        period = period.previous()
    return periods
