"""A row of each sheet as the widgets read it, and how the writer compares cells."""

from __future__ import annotations

import datetime as dt


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
        self.priority_title = ""

    @property
    def is_priority_only(self) -> bool:
        """A row whose ref is a priority's ("1"): it gives the priority and nothing else."""
        return bool(self.ref) and "." not in self.ref


class StoryRow:
    """One row of the updates sheet."""

    def __init__(self):
        self.number = 0
        self.is_blank = False
        self.ref = ""
        self.date = None
        self.text = ""


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def same_text(a: str, b: str) -> bool:
    return text_key(a) == text_key(b)


def add_error(errors: dict, column: str, message: str) -> None:
    """Report ``message`` against ``column`` of the row ``errors`` belongs to."""
    errors.setdefault(column, []).append(message)
