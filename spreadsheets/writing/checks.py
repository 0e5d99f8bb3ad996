"""Checking a row of the plan sheet against the rows above it and the plan's rules.

A row may leave the priority's title and the issue's text blank when a row above gives
them; a row that gives them differently is refused. What the sheet declares is noted
whether or not the row imports, since later rows may leave the cell blank.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from actions.models import check_bragg_rules

from ..columns import ACTION_COLUMNS, TARGET_COLUMNS
from .actions import note_for
from .rows import PlanRow, add_error, same_text

_PRIORITY_PREFIX = re.compile(
    r"^(?:priority\s+)?(\d{1,4})(?:\s*[.:)]\s*|\s+(?=[^\d\s]))(.*)$", re.IGNORECASE | re.DOTALL
)
_PRIORITY_NUMBER_ONLY = re.compile(r"^(?:priority\s+)?(\d{1,4})\.?$", re.IGNORECASE)

# The columns that belong to another: (the column, what it holds, the columns under it).
_DEPENDENT_COLUMNS = (
    ("action", "action", ACTION_COLUMNS),
    ("outcome_target", "outcome target", TARGET_COLUMNS),
)


def split_priority_title(text: str) -> tuple[int | None, str]:
    """ "1. The effectiveness of…" → (1, "The effectiveness of…"); "1" → (1, "")."""
    text = " ".join(text.split())
    if m := _PRIORITY_NUMBER_ONLY.match(text):
        return int(m[1]), ""
    if m := _PRIORITY_PREFIX.match(text):
        return int(m[1]), m[2].strip()
    return None, text


def _check_bragg(row: PlanRow, errors: dict) -> None:
    """The BRAGG status against the plan's rules, with the note the import would give."""
    try:
        check_bragg_rules(row.bragg, note_for(row.bragg, ""), row.completed)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            for message in messages:
                add_error(errors, "completed" if key == "completed_on" else "bragg", message)


_PRIORITY_ROW_BLANKS = ("issue", "strategy_links", "action", "outcome_target")


def _check_priority_only(row: PlanRow, errors: dict, skip: set[str]) -> None:
    """A row whose ref is a priority's holds the priority alone."""
    for column in _PRIORITY_ROW_BLANKS:
        if column not in skip and getattr(row, column):
            add_error(
                errors,
                column,
                f"The ref {row.ref} is a priority's, so this row gives the priority alone: "
                f"give the issue's ref (such as {row.ref}.1) or leave {column} blank.",
            )


class RowChecks:
    """``check_row``: the problems of one plan row, added to ``errors`` by column; the
    columns in ``skip`` already have a problem and are not checked again."""

    def check_row(self, row: PlanRow, errors: dict, skip: set[str]) -> None:
        if "ref" not in skip and not row.ref:
            add_error(
                errors,
                "ref",
                "Enter the issue's reference, such as 1.2. A blank ref means "
                '"as the row above", and no row above gives one.',
            )
        if row.ref and "ref" not in skip:
            self._check_priority(row, errors, skip)
            if row.is_priority_only:
                _check_priority_only(row, errors, skip)
            else:
                self._check_issue(row, errors, skip)
        for owner, what, columns in _DEPENDENT_COLUMNS:
            if owner in skip:
                continue
            for column in columns:
                if column not in skip and not getattr(row, owner) and getattr(row, column):
                    add_error(
                        errors,
                        column,
                        f"Enter the {what} this {column} belongs to in the {owner} column, "
                        f"or leave {column} blank.",
                    )
        if row.action and row.bragg and not ({"bragg", "completed"} & skip):
            _check_bragg(row, errors)

    def _check_priority(self, row: PlanRow, errors: dict, skip: set[str]) -> None:
        """The priority cell against the ref and the rows above; sets ``priority_title``."""
        number = int(row.ref.split(".")[0])
        written_number, title = split_priority_title(row.priority)
        declared = self.declared_priority.get(number)
        if "priority" in skip:
            pass
        elif written_number is not None and written_number != number:
            add_error(
                errors,
                "priority",
                f"The ref {row.ref} puts this issue under priority {number}, but this "
                f"cell names priority {written_number}.",
            )
        elif title and declared and not same_text(title, declared[0]):
            add_error(
                errors,
                "priority",
                f"Priority {number} is named differently on row {declared[1]} "
                f'("{declared[0][:60]}"). Leave the cell blank or repeat that title.',
            )
        elif not title and not declared and written_number is not None:
            # The cell names the priority only by its number ("2", "Priority 2") and
            # no row gives its title: the number is the best title there is.
            title = f"Priority {number}"
        elif not title and not declared and number not in self.priorities:
            add_error(
                errors,
                "priority",
                f"Enter the title of priority {number}: this is the first row that names it.",
            )
        if title and not declared:
            # What the sheet says, whether or not this row imports: later rows may
            # leave the cell blank.
            self.declared_priority[number] = (title, row.number)
        row.priority_title = title or (declared[0] if declared else "")

    def _check_issue(self, row: PlanRow, errors: dict, skip: set[str]) -> None:
        """The issue cell against the rows above; a blank one takes their text."""
        declared_issue = self.declared_issue.get(row.ref)
        if row.issue and not declared_issue:
            self.declared_issue[row.ref] = (row.issue, row.number)
        if (
            "issue" not in skip
            and row.issue
            and declared_issue
            and not same_text(row.issue, declared_issue[0])
        ):
            add_error(
                errors,
                "issue",
                f"Issue {row.ref} is described differently on row {declared_issue[1]} "
                f'("{declared_issue[0][:60]}"). Leave the cell blank or repeat the same '
                f"text.",
            )
        elif not row.issue and declared_issue:
            row.issue = declared_issue[0]
