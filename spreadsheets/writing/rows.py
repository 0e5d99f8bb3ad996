"""A row of each sheet as the widgets read it, and how the writer compares cells."""

from __future__ import annotations

import datetime as dt

from ..columns import ACTION_COLUMNS, TARGET_COLUMNS


class PlanRow:
    """One row of the plan sheet, as the widgets read it."""

    def __init__(self):
        self.number = 0
        self.is_blank = False
        self.ref = ""
        self.priority = ""
        self.issue = ""
        self.strategy_links: list[str] = []
        self.action = ""
        self.actioned_by: list[str] = []
        self.by_when = None
        self.completed: dt.date | None = None
        self.bragg = ""
        self.outcome_target = ""
        self.target_date = None
        self.impact_rag = ""
        self.priority_ref = ""
        self.priority_description = ""
        self.gap = False
        self.originally_due = None
        self.due_revised_reason = ""
        self.unit = ""
        self.baseline = None
        self.baseline_date = None
        self.target_value = None
        self.direction = ""
        self.latest_figure = None
        # Worked out by the checks: the priority's key, title and reference as written,
        # and the key of the issue the row belongs to.
        self.priority_key: tuple | None = None
        self.priority_title = ""
        self.written_priority_ref = ""
        self.key: tuple | None = None

    @property
    def is_priority_only(self) -> bool:
        """A row that gives a priority and nothing under it (Durham's areas for
        improvement, a heading row): its ref, if any, is the priority's own (the same as
        priority_ref, or with no priority_ref, one without a "." as in "2")."""
        if any(getattr(self, column) for column in ISSUE_CONTENT):
            return False
        if not (self.priority or self.priority_ref):
            return False
        return (
            not self.ref
            or self.ref == self.priority_ref
            or (not self.priority_ref and "." not in self.ref)
        )


# The cells that put something under a priority: a row with any of them is an issue's.
ISSUE_CONTENT = (
    "issue",
    "strategy_links",
    "gap",
    "action",
    *ACTION_COLUMNS,
    "outcome_target",
    *TARGET_COLUMNS,
)


class StoryRow:
    """One row of the updates sheet."""

    def __init__(self):
        self.number = 0
        self.is_blank = False
        self.ref = ""
        self.date = None
        self.text = ""
        self.priority = ""


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def same_text(a: str, b: str) -> bool:
    return text_key(a) == text_key(b)


def add_error(errors: dict, column: str, message: str) -> None:
    """Report ``message`` against ``column`` of the row ``errors`` belongs to."""
    errors.setdefault(column, []).append(message)
