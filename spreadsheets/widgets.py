"""django-import-export widgets for the plan sheet's cells.

Each widget turns one cell (text from a CSV, or a str, number or datetime from a
workbook) into a Python value, or raises ``ValueError`` with a plain-English message;
import-export then reports it against the row and the column.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from import_export import widgets

from sendplan.models import Issue
from sendplan.months import MonthValue, parse_date_or_month, parse_month

from .columns import FormulaCell, unescape_text
from .ratings import parse_bragg, parse_rag

# The longest ref the database keeps. It is checked here, against the row and column,
# because the import writes nothing until every row has passed its checks.
REF_MAX_LENGTH = Issue._meta.get_field("ref").max_length
# Leads are separated by ";" or new lines only: "and", "&" and "/" appear inside the
# names of teams and posts ("SEND and Inclusion team", "Head of SEN/Inclusion").
LIST_SEPARATORS = re.compile(r"[;\n\r]+")
# A figure the database keeps has at most 12 digits, two of them after the point.
FIGURE_LIMIT = Decimal(10) ** 10


# A plan writes the same few months in thousands of cells, and reading one is pure (the
# value is frozen, a refusal is raised again each time). Text only: 1, 1.0 and True are
# equal as keys but not as cells.
_parse_month_text = functools.lru_cache(maxsize=1024)(parse_month)


def cell_text(value) -> str:
    """A cell as text: numbers without a spurious ".0", dates in ISO form, one
    apostrophe taken off before a formula trigger, and surrounding space removed."""
    if isinstance(value, FormulaCell):
        shown = value if len(value) <= 80 else value[:79] + "…"
        raise ValueError(f"The cell holds a formula ({shown}); enter its value as text instead.")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    # Space around the cell goes first, so that a tab or return the export escaped
    # ("'\tx") is kept once the apostrophe is off.
    text = unescape_text(str(value).strip())
    if "\x00" in text:
        raise ValueError("The cell contains a NUL character; remove it.")
    return text


class TextWidget(widgets.Widget):
    def __init__(self, max_length: int | None = None, what: str = "text"):
        super().__init__()
        self.max_length = max_length
        self.what = what

    def clean(self, value, row=None, **kwargs) -> str:
        text = cell_text(value)
        if self.max_length and len(text) > self.max_length:
            raise ValueError(
                f"The {self.what} must be {self.max_length:,} characters or fewer; it has "
                f"{len(text):,}."
            )
        return text


class RefWidget(widgets.Widget):
    """A reference as the plan writes it, at any level: "1.2", "2", "A2", "4.1.7",
    "Action 1.1", "Pillar 2". Any text up to ``REF_MAX_LENGTH`` characters is kept as it
    is; nothing is read into it (what it belongs to comes from the other columns)."""

    def __init__(self, what: str = "reference"):
        super().__init__()
        self.what = what

    def clean(self, value, row=None, **kwargs) -> str:
        if isinstance(value, float) and not value.is_integer():
            # Excel turns a typed 1.2 into a number; 1.10 cannot be told from 1.1.
            value = f"{value:g}"
        text = " ".join(cell_text(value).split())
        if len(text) > REF_MAX_LENGTH:
            raise ValueError(
                f"The {self.what} must be {REF_MAX_LENGTH} characters or fewer, as the plan "
                f'writes it; "{text[:40]}" has {len(text)}. Put longer words in the title.'
            )
        return text


class MonthWidget(widgets.Widget):
    def __init__(self, allow_ongoing: bool = True):
        super().__init__()
        self.allow_ongoing = allow_ongoing

    def clean(self, value, row=None, **kwargs) -> MonthValue | None:
        if isinstance(value, FormulaCell):
            cell_text(value)
        if isinstance(value, str):
            value = unescape_text(value.strip())
        if value is None or value == "":
            return None
        parsed = _parse_month_text(value) if isinstance(value, str) else parse_month(value)
        if len(parsed.as_written) > 60:
            raise ValueError("The month must be 60 characters or fewer.")
        if parsed.is_ongoing and not self.allow_ongoing:
            raise ValueError('Enter the month the entry was written, such as "Dec 2022".')
        return parsed


class CompletedWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> dt.date | None:
        if isinstance(value, FormulaCell):
            cell_text(value)
        if isinstance(value, str):
            value = unescape_text(value.strip())
        if value is None or value == "":
            return None
        return parse_date_or_month(value)


class RatingWidget(widgets.Widget):
    def __init__(self, kind: str):
        super().__init__()
        self.parse = parse_bragg if kind == "bragg" else parse_rag

    def clean(self, value, row=None, **kwargs) -> str:
        return self.parse(cell_text(value))


class ListWidget(widgets.Widget):
    """Names separated by ";" or new lines, in order, without repeats."""

    def __init__(self, max_length: int, what: str):
        super().__init__()
        self.max_length = max_length
        self.what = what

    def clean(self, value, row=None, **kwargs) -> list[str]:
        names: list[str] = []
        seen: set[str] = set()
        for part in LIST_SEPARATORS.split(cell_text(value)):
            name = " ".join(part.split())
            if not name or name.casefold() in seen:
                continue
            if len(name) > self.max_length:
                raise ValueError(
                    f"Each {self.what} must be {self.max_length} characters or fewer; "
                    f'"{name[:40]}…" is longer. Separate names with ";" or new lines.'
                )
            seen.add(name.casefold())
            names.append(name)
        return names


class FigureWidget(widgets.Widget):
    """A measured or target figure: "56", "56.5", "56%", "1,200". Kept to two decimal
    places, as the plan keeps it."""

    def __init__(self, what: str):
        super().__init__()
        self.what = what

    def clean(self, value, row=None, **kwargs) -> Decimal | None:
        text = cell_text(value).replace(",", "").removesuffix("%").strip()
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(
                f'Enter the {self.what} as a number, such as 56 or 56.5; "{text[:40]}" is not '
                f"one. Put its unit in the unit column."
            ) from None
        if not number.is_finite() or abs(number) >= FIGURE_LIMIT:
            raise ValueError(f"The {self.what} must be a number below 10,000,000,000.")
        rounded = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if rounded != number:
            raise ValueError(
                f"The {self.what} may have up to two decimal places; {text[:40]} has more."
            )
        return rounded


class YesNoWidget(widgets.Widget):
    """ "Yes" (or "Y", "True", "1", "x") or blank."""

    def __init__(self, what: str):
        super().__init__()
        self.what = what

    def clean(self, value, row=None, **kwargs) -> bool:
        text = cell_text(value).casefold()
        if text in {"", "no", "n", "false", "0"}:
            return False
        if text in {"yes", "y", "true", "1", "x"}:
            return True
        raise ValueError(f'Enter "Yes" if {self.what}, or leave the cell blank.')


class ChoiceWidget(widgets.Widget):
    """One of a model field's choices, by its words or its code, in any case."""

    def __init__(self, choices, what: str):
        super().__init__()
        self.what = what
        self.labels = [str(label) for _, label in choices]
        self.by_text = {}
        for code, label in choices:
            self.by_text[str(code).casefold()] = code
            self.by_text[str(label).casefold()] = code

    def clean(self, value, row=None, **kwargs) -> str:
        text = " ".join(cell_text(value).split())
        if not text:
            return ""
        try:
            return self.by_text[text.casefold()]
        except KeyError:
            raise ValueError(
                f"Enter the {self.what} as one of: {', '.join(self.labels)}; "
                f'"{text[:40]}" is not one.'
            ) from None
