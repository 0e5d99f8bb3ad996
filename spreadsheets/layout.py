"""Rows in a council's own layout → the plan dataset with our twelve columns.

``mapping`` says which column fills which field; this finds the header row of each table
(below any title or super-header rows), turns heading rows into the priority (or issue)
of the rows below them, and builds the dataset the import reads. A sheet's rows keep
their numbers (rows above the header and heading rows become blank rows, which the
import skips); the rows of a Word document's tables are numbered by table
(``Sheets.places``).
"""

from __future__ import annotations

import tablib

from .columns import PLAN_HEADERS, Problem
from .mapping import (
    HEADING,
    HEADING_FIELDS,
    Column,
    find_header_row,
    heading_ref,
    heading_text,
    map_header_row,
    normalise,
)
from .upload import Limits, SpreadsheetError

# The dataset's column for the first cell beyond the last header (its column letter).
BEYOND = "_beyond_last_header"
# At least one of these must be read, or the file is not a plan table.
CONTENT_FIELDS = ("action", "outcome_target", "issue")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class MappedTables:
    """Rows of one or several tables read through a choice of columns into one dataset."""

    def __init__(self, *, choices: dict[str, str], limits: Limits, source: str, sheet: str):
        self.choices = {k: v for k, v in (choices or {}).items() if k != HEADING}
        heading = (choices or {}).get(HEADING) or "priority"
        self.heading_field = heading if heading in HEADING_FIELDS else "priority"
        self.limits = limits
        self.source = source
        self.sheet = sheet
        self.columns: list[Column] = []
        self.data: list[list] = []
        self.places: list[list] = []
        self.skipped: list[str] = []
        self.first_headers: list[str] = []
        # The heading above the rows (and the reference it starts with), carried into
        # the next table: a document's table often continues after a page break.
        self.heading, self.heading_ref = "", ""

    def add_table(self, rows, *, table: int | None = None) -> bool:
        """Read one table (a sheet, or a table of a document); False if it has no header
        row. ``table`` numbers the rows by table rather than by the dataset's position."""
        rows = iter(rows)
        head = []
        for row in rows:
            head.append(list(row))
            if len(head) >= 30:
                break
        if not self.first_headers and head:
            self.first_headers = [" ".join(str(c).split()) for c in head[0] if not _blank(c)]
        at = find_header_row(head, self.choices)
        if at is None:
            if table is not None and self.columns and head:
                # A table continued from the one before, without its header row.
                at = -1
            else:
                return False
        columns = self.columns if at == -1 else map_header_row(head[at], self.choices)
        if not self.columns:
            self.columns = columns
        positions = {c.field: _index(c.letter) for c in columns if c.field}
        width = max((_index(c.letter) for c in columns), default=-1) + 1
        first = min((_index(c.letter) for c in columns), default=0)
        sheet_row = at + 1  # 0-based index of the header row + 1: the header's number
        if table is None:
            # Rows above the header row and the header row stand in the dataset as blank
            # rows, so a data row keeps its number in the sheet.
            self._blank_rows(at)
        pending_blank = 0
        for row in _chain(head[at + 1 :], rows):
            sheet_row += 1
            values = list(row)
            text = heading_text(values[:width] if width else values, first)
            if text is not None and not (
                table is None and any(not _blank(v) for v in values[width:])
            ):
                self.heading, self.heading_ref = text, heading_ref(text)
                pending_blank += 1
                continue
            picked = [
                values[positions[h]] if h in positions and positions[h] < len(values) else None
                for h in PLAN_HEADERS
            ]
            beyond = next((i for i in range(width, len(values)) if not _blank(values[i])), None)
            if all(_blank(v) for v in picked) and beyond is None:
                pending_blank += 1
                if pending_blank > self.limits.max_rows:
                    break
                continue
            if self.heading:
                where = PLAN_HEADERS.index(self.heading_field)
                if _blank(picked[where]):
                    picked[where] = self.heading
                if "ref" not in positions and self.heading_ref:
                    picked[0] = self.heading_ref
            picked.append(_letter(beyond) if beyond is not None else None)
            if table is None:
                self.data.extend([None] * len(picked) for _ in range(pending_blank))
            pending_blank = 0
            self.data.append(picked)
            self.places.append([table, sheet_row])
            if len(self.data) > self.limits.max_rows:
                raise SpreadsheetError(
                    [
                        Problem(
                            f"The {self.sheet} in {self.source} has more than "
                            f"{self.limits.max_rows:,} rows; the largest plan that can be "
                            f"imported has {self.limits.max_rows:,}. Split it, or remove "
                            f"empty rows.",
                            sheet="plan",
                        )
                    ]
                )
        return True

    def _blank_rows(self, count: int) -> None:
        self.data.extend([None] * (len(PLAN_HEADERS) + 1) for _ in range(count))
        self.places.extend([None, None] for _ in range(count))

    def check(self) -> None:
        """Refuse a file in which nothing says which column is which."""
        fields = {c.field for c in self.columns if c.field}
        if fields & set(CONTENT_FIELDS):
            return
        found = ", ".join(self.first_headers) or "(none)"
        if not self.columns and self.first_headers:
            # No row looked like a header row: the first row's columns, to be chosen.
            self.columns = map_header_row(self.first_headers)
        raise SpreadsheetError(
            [
                Problem(
                    f"No header row of a plan table was found in {self.source}: no column is "
                    f"headed as actions, outcome targets or issues to be addressed (the first "
                    f"row has: {found}). Give the columns with --columns, such as "
                    '{"ref": "No.", "action": "What we will do"}, or choose them on the '
                    f"preview page."
                )
            ],
            columns=self.columns_json() if self.columns else None,
        )

    def dataset(self) -> tablib.Dataset:
        dataset = tablib.Dataset(headers=[*PLAN_HEADERS, BEYOND])
        for values in self.data:
            dataset.append(values)
        return dataset

    def columns_json(self) -> dict:
        return {
            "columns": [c.as_json() for c in self.columns],
            "heading": self.heading_field,
        }


def missing_chosen_headers(columns: list[Column], wanted: dict[str, str]) -> list[str]:
    """The headers ``wanted`` (field → header as written) that no column of the file has."""
    found = {normalise(c.header) for c in columns}
    return [h for h in wanted.values() if normalise(h) not in found]


def _chain(first, rest):
    yield from first
    yield from rest


def _index(letter: str) -> int:
    number = 0
    for char in letter:
        number = number * 26 + ord(char) - 64
    return number - 1


def _letter(index: int) -> str:
    from .mapping import column_letter

    return column_letter(index)
