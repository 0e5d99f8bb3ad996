"""The columns of the plan spreadsheet, and how a cell's text is escaped for spreadsheets.

The plan sheet has one row per line of the plan table; the updates sheet (or file) one
row per story-so-far entry. These headers are the contract of the import and the export.
References (``ref``, ``priority_ref``) are text as the plan writes them ("1.2", "2", "A2",
"Action 1.1", "Pillar 2"), up to 20 characters; a priority's title is as written too.
"""

from __future__ import annotations

from dataclasses import dataclass

PLAN_HEADERS = (
    "ref",
    "priority",
    "issue",
    "strategy_links",
    "action",
    "actioned_by",
    "by_when",
    "completed",
    "bragg",
    "outcome_target",
    "target_date",
    "impact_rag",
    "priority_ref",
)
# A story so far row names its issue by ``ref``, or its priority by ``priority`` (the
# priority's reference as the plan writes it, or its title when it has none).
UPDATES_HEADERS = ("ref", "date", "text", "priority")
# Columns a sheet may leave out (sheets written before they existed have none).
OPTIONAL_HEADERS = {"plan": frozenset({"priority_ref"}), "updates": frozenset({"priority"})}

ACTION_COLUMNS = ("actioned_by", "by_when", "completed", "bragg")
TARGET_COLUMNS = ("target_date", "impact_rag")

# A spreadsheet runs a cell beginning with one of these as a formula (OWASP "CSV
# injection"), so the export puts an apostrophe before them and the import takes exactly
# one apostrophe off again, which keeps the round trip exact.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")


def escape_cell(value):
    """The export's form of a cell: strings that a spreadsheet would run get a "'";
    numbers and dates are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unescape_text(text: str) -> str:
    """Undo ``escape_cell``: remove exactly one "'" before a formula trigger."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
        return text[1:]
    return text


class FormulaCell(str):
    """A workbook cell holding a formula rather than a value; the import refuses it."""


@dataclass(frozen=True)
class Problem:
    """Something that stops an import, with where it is as the user sees the sheet."""

    message: str
    row: int | None = None
    column: str | None = None
    sheet: str = "plan"
    # A Word document's table (from 1): ``row`` is then the table's row.
    table: int | None = None

    def __str__(self) -> str:
        where = []
        if self.table is not None:
            where.append(f"Table {self.table}, row {self.row}")
        elif self.row is not None:
            where.append(f"{'Updates row' if self.sheet == 'updates' else 'Row'} {self.row}")
        elif self.sheet == "updates" and self.column:
            where.append("Updates")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message
