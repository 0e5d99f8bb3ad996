"""Reading months the way plans write them: "Dec 2022", "Sept 2023", "Q3 2023/24", "Ongoing".

Plans give due dates and target dates as months, written every way a spreadsheet allows.
``parse_month`` turns one cell into a ``MonthValue``: the first day of the month it means
(or "ongoing"), and the text as the plan wrote it, which pages show beside the date.

Periods longer than a month become their **last** month, because a plan that says
"by Q3" means "by the end of Q3":

- Financial-year quarters: Q1 is April to June, Q2 July to September, Q3 October to
  December and Q4 January to March, so "Q3 2023/24" is December 2023 and "Q4 2023/24"
  is March 2024. A quarter without its financial year ("Q3 2023") is refused rather
  than guessed: it could be a calendar or a financial quarter.
- "Year End 2023/24" (also "Year-end", "YE") is March 2024, the end of the financial year.
- Seasons are meteorological: "Spring 2025" is May 2025, "Summer 2025" August, "Autumn
  2025" November, and "Winter 2025/26" February 2026 ("Winter 2025" alone is refused).
- A real date ("31/03/2023", a date cell, an Excel serial number) becomes its month.
  Numeric dates are read day first, as in the UK.

Pages write months and days in their own links and fields one way only, "2023-04" and
"2023-04-30", and read them back with ``parse_iso_month``, ``parse_iso_date`` and
``parse_year``: the single way a month, a day or a year comes in from a query string or a
hidden field. Anything else (a typo, a month 13, a 30 February, a year outside 2000 to
2099) raises ``BadMonthOrDate`` with a message to show. A form field turns it into the
field's error; a view that lets it escape answers the 400 page with that message.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import html
import re
from dataclasses import dataclass

from django.core.exceptions import BadRequest
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

ONGOING_WORDS = {"ongoing", "on going", "on-going", "continuous", "continual"}

MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "febuary": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}

# The last month of each season, and whether that month falls in the next calendar year.
SEASON_END = {"spring": (5, 0), "summer": (8, 0), "autumn": (11, 0), "fall": (11, 0)}

# Excel's serial day numbers for 1 January 2000 and 31 December 2099: a number outside
# these is far more likely a typing slip ("2023", "12") than a date.
EXCEL_SERIAL_MIN = 36526
EXCEL_SERIAL_MAX = 73415

EXAMPLE = 'Enter a month such as "Dec 2022" or "2023-03"'

_YEAR = r"(\d{4}|\d{2})"
_FY = r"(?:fy\s*)?(\d{4}|\d{2})\s*[/-]\s*(\d{4}|\d{2})"
_NAMED_MONTH = re.compile(
    r"^(?:(\d{1,2})(?:st|nd|rd|th)?[\s./-]+)?([a-z]+)\.?[\s,./-]*'?" + _YEAR + r"$"
)
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$")
_NUMERIC_MONTH = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{4})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*" + _YEAR + r"$")
_QUARTER = re.compile(r"^q(?:uarter)?\s*(\d+)\s*(?:of\s+)?" + _FY + r"$")
_QUARTER_NO_FY = re.compile(r"^q(?:uarter)?\s*(\d+)\s*(?:of\s+)?(\d{4}|\d{2})$")
_YEAR_END = re.compile(
    r"^(?:financial\s+)?(?:year[\s-]*end|ye|end\s+of(?:\s+year)?)\s+" + _FY + r"$"
)
_SEASON = re.compile(r"^([a-z]+)(?:\s+term)?\s+" + _YEAR + r"$")
_WINTER = re.compile(r"^winter\s+" + _FY + r"$")
_TAGS = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class MonthValue:
    """A month as a plan gives it: ``month`` is the first day of the month it means, or
    None when the plan says the work is ongoing; ``as_written`` keeps the plan's words."""

    month: dt.date | None
    is_ongoing: bool
    as_written: str

    def __str__(self) -> str:
        return self.as_written or format_month(self.month)


# --- Month arithmetic and words ---------------------------------------------------------
# A month is the date of its first day. Every page, chart, PDF and e-mail counts months and
# writes them with these.


def this_month() -> dt.date:
    """The calendar month today, in the site's time zone."""
    return timezone.localdate().replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    """The first of the month ``count`` months after ``month`` (before, if negative)."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def next_month(month: dt.date) -> dt.date:
    return add_months(month, 1)


def month_end(month: dt.date) -> dt.date:
    """The last day of the month."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@functools.lru_cache(maxsize=1024)
def _month_text(month: dt.date, pattern: str, language: str) -> str:
    return date_format(month, pattern)


def month_words(month: dt.date | None) -> str:
    """ "April 2023" ("" for no month). Cached: a page names the same few months again and
    again, and each date_format call costs as much as printing a whole row."""
    return _month_text(month, "F Y", translation.get_language()) if month else ""


def month_label(month: dt.date) -> str:
    """ "Apr 2023", for a chart's axis."""
    return _month_text(month, "M Y", translation.get_language())


def day_words(day: dt.date | None) -> str:
    """ "12 May 2023" ("" for no day)."""
    return f"{day.day} {month_words(day.replace(day=1))}" if day else ""


def format_month(month: dt.date | None) -> str:
    """The short form the export writes and ``parse_month`` reads back: "Mar 2023"."""
    return "Ongoing" if month is None else f"{month:%b %Y}"


def _full_year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def _financial_year(start_text: str, end_text: str, original: str) -> int:
    """The calendar year a financial year such as 2023/24 starts in, checking its end."""
    start = _full_year(start_text)
    end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
    if end != start + 1:
        raise ValueError(
            f'{EXAMPLE}; "{original}" is not a financial year: it must run from one year '
            f'to the next, such as "2023/24".'
        )
    return start


def _month(year: int, month: int, original: str) -> dt.date:
    try:
        return dt.date(year, month, 1)
    except ValueError:
        raise ValueError(f'{EXAMPLE}; "{original}" is not a date.') from None


def _date_month(year: int, month: int, day: int, original: str) -> dt.date:
    try:
        return dt.date(year, month, day).replace(day=1)
    except ValueError:
        raise ValueError(f'{EXAMPLE}; "{original}" is not a date.') from None


def excel_serial_to_date(value: float, original: str) -> dt.date:
    if not EXCEL_SERIAL_MIN <= value <= EXCEL_SERIAL_MAX:
        raise ValueError(f'{EXAMPLE}; "{original}" is not a date.')
    # Excel's day 1 is 1 January 1900 and it counts a 29 February 1900 that never was,
    # so for every serial after 60 the epoch is 30 December 1899.
    return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))


def parse_month(value: object) -> MonthValue:
    """Read one cell as a month. Raises ``ValueError`` with a plain-English message."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        month = value.replace(day=1)
        return MonthValue(month, False, format_month(month))
    if isinstance(value, bool):
        raise ValueError(f'{EXAMPLE}; "{value}" is not a month.')
    if isinstance(value, int | float):
        shown = f"{value:g}"
        month = excel_serial_to_date(value, shown).replace(day=1)
        return MonthValue(month, False, format_month(month))

    written = " ".join(html.unescape(_TAGS.sub(" ", str(value or ""))).split())
    if not written:
        raise ValueError(f"{EXAMPLE}, or Ongoing.")
    text = written.lower().rstrip(".")
    month = _parse_text(text, written)
    if month is None:
        return MonthValue(None, True, written)
    return MonthValue(month, False, written)


def _parse_text(text: str, written: str) -> dt.date | None:
    if text in ONGOING_WORDS:
        return None

    if m := _ISO_MONTH.match(text):
        return _month(int(m[1]), int(m[2]), written)
    if m := _ISO_DATE.match(text):
        return _date_month(int(m[1]), int(m[2]), int(m[3]), written)
    if m := _NUMERIC_MONTH.match(text):
        return _month(int(m[2]), int(m[1]), written)
    if m := _NUMERIC_DATE.match(text):
        return _date_month(_full_year(m[3]), int(m[2]), int(m[1]), written)

    if m := _QUARTER.match(text):
        quarter = int(m[1])
        start = _financial_year(m[2], m[3], written)
        if not 1 <= quarter <= 4:
            raise ValueError(
                f'{EXAMPLE}; "{written}" is not a quarter: financial-year quarters run from '
                f'Q1 to Q4, such as "Q3 2023/24".'
            )
        # Q1 ends in June, Q2 in September, Q3 in December (all in the starting year),
        # Q4 in March of the next year.
        end_month = {1: 6, 2: 9, 3: 12, 4: 3}[quarter]
        return dt.date(start + (quarter == 4), end_month, 1)
    if m := _QUARTER_NO_FY.match(text):
        quarter = int(m[1])
        if not 1 <= quarter <= 4:
            raise ValueError(
                f'{EXAMPLE}; "{written}" is not a quarter: financial-year quarters run from '
                f'Q1 to Q4, such as "Q3 2023/24".'
            )
        raise ValueError(
            f'{EXAMPLE}; for "{written}" write the financial year in full, such as '
            f'"Q{quarter} {m[2]}/{(int(_full_year(m[2])) + 1) % 100:02d}".'
        )
    if m := _YEAR_END.match(text):
        start = _financial_year(m[1], m[2], written)
        return dt.date(start + 1, 3, 1)
    if m := _WINTER.match(text):
        start = _financial_year(m[1], m[2], written)
        return dt.date(start + 1, 2, 1)

    if m := _NAMED_MONTH.match(text):
        day, name, year = m[1], m[2], m[3]
        if name in MONTHS:
            if day:
                return _date_month(_full_year(year), MONTHS[name], int(day), written)
            return _month(_full_year(year), MONTHS[name], written)
    if m := _SEASON.match(text):
        season, year = m[1], m[2]
        if season in SEASON_END:
            end_month, _ = SEASON_END[season]
            return dt.date(_full_year(year), end_month, 1)
        if season == "winter":
            raise ValueError(
                f'{EXAMPLE}; winter runs over two years, so write "{written}" with both, '
                f'such as "Winter {_full_year(year)}/{(_full_year(year) + 1) % 100:02d}".'
            )
    raise ValueError(f'{EXAMPLE}; "{written}" is not a month we can read.')


def parse_date_or_month(value: object) -> dt.date:
    """A day when the cell gives one (a completion date), else the first of its month."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return excel_serial_to_date(value, f"{value:g}")
    text = " ".join(str(value or "").split())
    lowered = text.lower()
    if m := _ISO_DATE.match(lowered):
        return _exact_date(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _NUMERIC_DATE.match(lowered):
        return _exact_date(_full_year(m[3]), int(m[2]), int(m[1]), text)
    if (m := _NAMED_MONTH.match(lowered.rstrip("."))) and m[1] and m[2] in MONTHS:
        return _exact_date(_full_year(m[3]), MONTHS[m[2]], int(m[1]), text)
    parsed = parse_month(value)
    if parsed.month is None:
        raise ValueError(f'Enter the date the action was completed; "{text}" is not a date.')
    return parsed.month


def _exact_date(year: int, month: int, day: int, original: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(
            f'Enter a date such as "31/03/2023"; "{original}" is not a date.'
        ) from None


# --- Months and days in the app's own links and fields --------------------------------------

# The years a page may be asked about. A plan's months fall well inside them (as do Excel
# serials we read, EXCEL_SERIAL_MIN to MAX), and every month a page works out from one
# (a trend's year before, the end of a quarter after) is still a real date.
FIRST_YEAR = 2000
LAST_YEAR = 2099

# ASCII digits only: "\d" would also take Arabic-Indic or full-width digits.
_LINK_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_LINK_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_LINK_YEAR = re.compile(r"[0-9]{4}")


class BadMonthOrDate(ValueError, BadRequest):
    """A month, a day or a year given to a page that it cannot use. The message says what
    to enter instead and never repeats the value. Django answers it, when a view lets it
    escape, with the 400 page (``sendplan.views.bad_request``)."""


def parse_iso_month(text: str, *, name: str = "a month") -> dt.date:
    """ "2023-04" as 1 April 2023. ``name`` is what the message calls the month."""
    match = _LINK_MONTH.fullmatch(text.strip())
    if match and not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        raise BadMonthOrDate(f"Enter {name} between January {FIRST_YEAR} and December {LAST_YEAR}.")
    month = match and _real_date(int(match[1]), int(match[2]), 1)
    if not month:
        raise BadMonthOrDate(f"Enter {name} as year and month, like 2023-04.")
    return month


def parse_iso_date(text: str) -> dt.date:
    """ "2023-04-30" as 30 April 2023."""
    match = _LINK_DATE.fullmatch(text.strip())
    if not match:
        raise BadMonthOrDate("Enter a date as year, month and day, like 2023-04-30.")
    if not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        raise BadMonthOrDate(
            f"Enter a date between 1 January {FIRST_YEAR} and 31 December {LAST_YEAR}."
        )
    day = _real_date(int(match[1]), int(match[2]), int(match[3]))
    if not day:
        raise BadMonthOrDate("Enter a real date, like 2023-04-30.")
    return day


def parse_year(text: str) -> int:
    """ "2024" as 2024."""
    text = text.strip()
    if not _LINK_YEAR.fullmatch(text):
        raise BadMonthOrDate("Enter a year as four digits, like 2024.")
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadMonthOrDate(f"Enter a year between {FIRST_YEAR} and {LAST_YEAR}.")
    return year


def _real_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:  # month 13, 30 February
        return None
