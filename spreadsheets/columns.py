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
    # What makes the export whole (issue 17): each may be left out of a sheet, and a
    # column left out leaves what the plan holds as it is.
    "priority_description",
    "gap",
    "originally_due",
    "due_revised_reason",
    "unit",
    "baseline",
    "baseline_date",
    "target_value",
    "direction",
    "latest_figure",
)
# What each column holds, in the words the pages use: the preview's column chooser.
FIELD_LABELS = {
    "ref": "Reference",
    "priority": "Priority",
    "issue": "Issue to be addressed",
    "strategy_links": "Strategy links",
    "action": "Action",
    "actioned_by": "Actioned by (leads)",
    "by_when": "By when (due)",
    "completed": "Completed on",
    "bragg": "BRAGG status",
    "outcome_target": "Outcome target",
    "target_date": "Target date",
    "impact_rag": "RAG impact rating",
    "priority_ref": "Priority's reference",
    "priority_description": "Priority's description",
    "gap": "Gap in the source",
    "originally_due": "Originally due",
    "due_revised_reason": "Reason the due date was revised",
    "unit": "Unit",
    "baseline": "Baseline",
    "baseline_date": "Baseline date",
    "target_value": "Target figure",
    "direction": "Direction (which way is better)",
    "latest_figure": "Latest measured figure",
}
assert set(FIELD_LABELS) == set(PLAN_HEADERS)  # noqa: S101
# A story so far row names its issue by ``ref``, or its priority by ``priority`` (the
# priority's reference as the plan writes it, or its title when it has none).
UPDATES_HEADERS = ("ref", "date", "text", "priority")
# Columns a sheet may leave out (sheets written before they existed have none).
OPTIONAL_HEADERS = {
    "plan": frozenset(PLAN_HEADERS[PLAN_HEADERS.index("priority_ref") :]),
    "updates": frozenset({"priority"}),
}
# The plan as a whole, on sheets of their own in the workbook: the plan's own fields (one
# row per field), the inspection's findings, and the milestones with the priorities they
# serve (named as the updates sheet names them: by reference, else by title).
ABOUT_HEADERS = ("field", "value")
ABOUT_FIELDS = (
    "title",
    "kind",
    "inspection_date",
    "publication_date",
    "source",
    "introduction",
    "vision",
    "monitoring",
)
FINDINGS_HEADERS = ("kind", "text")
MILESTONES_HEADERS = ("period", "due", "text", "priorities")
# Sheet name → its headers, in the order the export writes them.
PLAN_PART_SHEETS = {
    "about": ABOUT_HEADERS,
    "findings": FINDINGS_HEADERS,
    "milestones": MILESTONES_HEADERS,
}

ACTION_COLUMNS = (
    "actioned_by",
    "by_when",
    "completed",
    "bragg",
    "originally_due",
    "due_revised_reason",
)
TARGET_COLUMNS = (
    "target_date",
    "impact_rag",
    "unit",
    "baseline",
    "baseline_date",
    "target_value",
    "direction",
    "latest_figure",
)
# Columns whose cells are numbers: the export writes them as numbers.
FIGURE_COLUMNS = frozenset({"baseline", "target_value", "latest_figure"})

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
            sheet = "Row" if self.sheet == "plan" else f"{self.sheet.capitalize()} row"
            where.append(f"{sheet} {self.row}")
        elif self.sheet != "plan" and self.column:
            where.append(self.sheet.capitalize())
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message
