"""Which column of a council's own plan fills which field of ours.

Councils head their columns in their own words ("Ref", "What we will do", "Lead officer",
"RAG rating"), put title or super-header rows above the header row, and put each
priority as a heading row of its own above its actions. ``HEADER_WORDS`` is the table of
the words they use, one entry per field (add a field's words here when a field is added);
headers are compared without case, punctuation or extra spaces. ``NOT_IMPORTED_WORDS``
are columns a plan often has that no field holds: they are listed as not imported, with
why, never dropped silently.

A choice of columns (``choices``) maps a header, as ``normalise`` gives it, to a field or
to "" (not imported); it overrides the table, comes from the preview page, the command's
``--columns`` or the area's remembered mapping, and travels as JSON to the child process
that reads the file. ``HEADING`` in it says what a heading row starts: a priority
(the default) or an issue to be addressed.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from .columns import FIELD_LABELS, OPTIONAL_HEADERS, PLAN_HEADERS

# Field → the headers councils write for it (normalised). Our own header names are in it.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "ref": (
        "ref",
        "reference",
        "no",
        "number",
        "ref no",
        "action ref",
        "action no",
        "action number",
        "action reference",
        "id",
    ),
    "priority": (
        "priority",
        "priority area",
        "pillar",
        "theme",
        "area for improvement",
        "areas for improvement",
        "recommendation",
        "workstream",
    ),
    "issue": (
        "issue",
        "issue to be addressed",
        "issues to be addressed",
        "area of weakness",
        "areas of weakness",
        "identified need",
        "what needs to improve",
        "what we need to improve",
        "finding",
    ),
    "strategy_links": (
        "strategy links",
        "strategic links",
        "link to strategy",
        "links to strategy",
        "links to other strategies",
    ),
    "action": (
        "action",
        "actions",
        "what we will do",
        "what will we do",
        "action to be taken",
        "actions to be taken",
        "key actions",
        "activity",
    ),
    "actioned_by": (
        "actioned by",
        "lead officer",
        "responsible officer",
        "responsible officer action lead",
        "senior responsible officer",
        "action lead",
        "action owner",
        "lead",
        "leads",
        "lead person",
        "owner",
        "who",
        "responsibility",
    ),
    "by_when": (
        "by when",
        "timescale",
        "timescales",
        "deadline",
        "due date",
        "due by",
        "when",
    ),
    "completed": ("completed", "date completed", "completion date", "completed on"),
    "bragg": (
        "bragg",
        "bragg rating",
        "bragg status",
        "rag rating",
        "rag status",
        "rag",
        "status",
        "progress rating",
    ),
    "outcome_target": (
        "outcome target",
        "outcome targets",
        "success criteria",
        "key measures of success",
        "measures of success",
        "measure of success",
        "outcome",
        "outcomes",
        "impact measure",
        "how will we know",
    ),
    "target_date": ("target date", "outcome date", "target by"),
    "impact_rag": ("impact rag", "impact rating", "rag impact rating", "impact"),
    "priority_ref": (
        "priority ref",
        "priority reference",
        "priority no",
        "priority number",
        "pillar no",
        "pillar number",
        "theme no",
        "theme number",
        "afi no",
        "area for improvement no",
    ),
    "priority_description": ("priority description", "about this priority", "pillar description"),
    "gap": ("gap", "gap in the source", "illegible"),
    "originally_due": ("originally due", "original due date", "original timescale"),
    "due_revised_reason": (
        "due revised reason",
        "reason for revised date",
        "reason for revised timescale",
        "reason for change of date",
    ),
    "unit": ("unit", "units", "unit of measure"),
    "baseline": ("baseline", "baseline figure", "starting point"),
    "baseline_date": ("baseline date", "baseline as at", "date of baseline"),
    "target_value": ("target value", "target figure", "target level"),
    "direction": ("direction", "better is", "polarity"),
    "latest_figure": (
        "latest figure",
        "latest measured figure",
        "current figure",
        "current performance",
        "latest data",
        "measured figure",
    ),
}

# Words of columns no field holds → why they are not imported.
NOT_IMPORTED_WORDS: dict[str, str] = {
    "progress": "a progress update has no month; give the story so far as the updates sheet",
    "update": "a progress update has no month; give the story so far as the updates sheet",
    "comment": "no field holds comments",
    "notes": "no field holds notes",
}

HEADING = "_heading"
HEADING_FIELDS = ("priority", "issue")
# How far down the header row may be.
HEADER_SEARCH_ROWS = 30

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_KNOWN = {word: field for field, words in HEADER_WORDS.items() for word in words}
assert set(HEADER_WORDS) == set(PLAN_HEADERS)  # noqa: S101
assert len(_KNOWN) == sum(len(w) for w in HEADER_WORDS.values())  # noqa: S101


def normalise(header) -> str:
    """ "Responsible officer (action lead)" → "responsible officer action lead"."""
    if header is None:
        return ""
    return " ".join(_NOT_WORD.sub(" ", str(header).casefold().replace("_", " ")).split())


def guess(header) -> tuple[str | None, str]:
    """The field the table gives ``header``, or None and why not."""
    words = normalise(header)
    if not words:
        return None, "it has no header"
    if words in _KNOWN:
        return _KNOWN[words], ""
    for word, why in NOT_IMPORTED_WORDS.items():
        if re.search(rf"\b{word}", words):
            return None, why
    # "Lead officer (named)": the longest phrase of the table the header starts with.
    starts = [w for w in _KNOWN if " " in w and words.startswith(w + " ")]
    if starts:
        return _KNOWN[max(starts, key=len)], ""
    return None, "its header is not one the import knows"


@dataclass(frozen=True)
class Column:
    """One column of the file: its letter, its header as written, the field it fills
    (None: not imported) and, when not imported, why."""

    letter: str
    header: str
    field: str | None
    why: str = ""

    def as_json(self) -> dict:
        return asdict(self)


def map_header_row(header_row, choices: dict[str, str] | None = None) -> list[Column]:
    """Each filled cell of ``header_row`` with the field it fills: ``choices`` first, then
    the table; a field goes to the first column that claims it."""
    choices = choices or {}
    columns: list[Column] = []
    taken: dict[str, str] = {}
    for index, cell in enumerate(header_row):
        text = "" if cell is None else " ".join(str(cell).split())
        if not text:
            continue
        key = normalise(text)
        field, why = guess(text)
        if key in choices and (choices[key] or None) != field:
            field, why = (choices[key] or None), "chosen not to import"
        elif key in choices and field is None:
            # Left as the table leaves it: the table's reason still says why.
            why = why or "chosen not to import"
        if field is not None and field in taken:
            field, why = None, f"column {taken[field]} already fills {FIELD_LABELS[field]}"
        letter = column_letter(index)
        if field is not None:
            taken[field] = letter
            why = ""
        columns.append(Column(letter, text, field, why))
    return columns


def score(header_row, choices: dict[str, str] | None = None) -> int:
    return sum(1 for c in map_header_row(header_row, choices) if c.field)


def find_header_row(rows: list, choices: dict[str, str] | None = None) -> int | None:
    """The index of the header row among the first rows: the one that fills most fields
    (at least two), the first of equals. Title and super-header rows above it fill fewer."""
    best, best_score = None, 1
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = score(row, choices)
        if found > best_score:
            best, best_score = index, found
    return best


def is_own_header_row(header_row) -> bool:
    """The row is our own headers (in any order and case): the twelve every sheet of ours
    has, and any of the optional ones, each once. It is read as always."""
    found = [str(h).strip().lower() for h in header_row if h is not None and str(h).strip()]
    required = {h for h in PLAN_HEADERS if h not in OPTIONAL_HEADERS["plan"]}
    return len(set(found)) == len(found) and required <= set(found) <= set(PLAN_HEADERS)


def heading_text(row, first: int = 0) -> str | None:
    """A row holding only a heading gives its text: one filled cell in the table's first
    column (a merged cell keeps its value there), or, in a Word table, one merged cell
    repeated across the row."""
    filled = [(i, c) for i, c in enumerate(row) if c is not None and str(c).strip()]
    if not filled or filled[0][0] != first:
        return None
    if len({str(c) for _, c in filled}) > 1:
        return None
    text = " ".join(str(filled[0][1]).split())
    if len(filled) == 1 and _HEADING_REF.fullmatch(text + " "):
        return None  # a reference alone is a row with its other cells left blank
    return text


_HEADING_REF = re.compile(
    r"^(?:priority|pillar|theme|area for improvement|recommendation|issue|section)?\s*"
    r"([A-Za-z]?\d+(?:\.\d+)*[a-z]?)\s*(?:[.:)\-–—]|\s)",
    re.IGNORECASE,
)


def heading_ref(text: str) -> str:
    """The reference a heading starts with ("1.2 Joint working" → "1.2"), or ""."""
    match = _HEADING_REF.match(text + " ")
    return match[1] if match else ""


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def choices_from_fields(columns_map: dict[str, str]) -> dict[str, str]:
    """``--columns``' JSON (field → header as written) as choices (header → field)."""
    return {normalise(header): field for field, header in columns_map.items()}


def check_fields_map(data) -> list[str]:
    """What is wrong with ``--columns``' JSON: it must be an object from our field names
    to headers."""
    if not isinstance(data, dict):
        return [
            "--columns must be a JSON object from field name to header, such as "
            '{"ref": "No.", "action": "What we will do"}.'
        ]
    problems = []
    for field, header in data.items():
        if field not in PLAN_HEADERS:
            problems.append(
                f'--columns names the field "{field}", which is not one of: '
                f"{', '.join(PLAN_HEADERS)}."
            )
        elif not isinstance(header, str) or not header.strip():
            problems.append(f'--columns must give the header of "{field}" as text.')
    return problems
