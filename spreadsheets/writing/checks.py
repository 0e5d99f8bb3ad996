"""Checking a row of the plan sheet against the rows above it and the plan's rules.

A row may leave the priority's title and the issue's text blank when a row above gives
them; a priority's reference given with two titles is refused. What the sheet declares is
noted whether or not the row imports, since later rows may leave the cell blank.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from actions.models import check_bragg_rules
from outcomes.figures import figure_problem
from sendplan.models import priority_short_label

from ..columns import ACTION_COLUMNS, TARGET_COLUMNS
from .actions import note_for
from .rows import PlanRow, add_error, same_text, text_key

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


def priority_key(ref: str, title: str) -> tuple[str, str]:
    """What names a priority within a plan: its reference as written when it has one
    (compared without case), else its title (without case or extra spaces)."""
    return ("ref", ref.casefold()) if ref else ("title", text_key(title))


# An issue ref that begins with a number and a dot ("2.1") in a sheet that leaves the
# priority cell blank: older sheets of ours named the priority by that number alone.
_NUMBERED_REF = re.compile(r"^(\d{1,4})\.")
# A title that begins with its own reference: "Pillar 4 - …", "Area for improvement 1".
_TITLE_WITH_REF = re.compile(r"^(?:[^\W\d_]+\s+){1,3}\d+[A-Za-z]?\b")


class RowChecks:
    """``check_row``: the problems of one plan row, added to ``errors`` by column; the
    columns in ``skip`` already have a problem and are not checked again. It also works
    out which priority and which issue the row belongs to (``priority_key``, ``key``).

    A row belongs to the priority its priority cells name (``priority_ref`` and the title
    in ``priority``, "2. Title" or "Priority 2" giving the reference 2), else to the
    priority of the row above. It belongs to the issue of the row above when it has the
    same ref, the same priority and the same (or a blank) issue text; otherwise it starts
    a new issue, even with a ref written before: a plan may write the same reference
    twice, and both are kept, in the sheet's order."""

    def check_row(self, row: PlanRow, errors: dict, skip: set[str]) -> None:
        priority_only = row.is_priority_only
        if not priority_only and "ref" not in skip and not row.ref:
            add_error(
                errors,
                "ref",
                "Enter the reference as the plan writes it, such as 1.2, 2 or A2. A blank "
                'ref means "as the row above", and no row above gives one.',
            )
        if not ({"priority", "priority_ref"} & skip):
            self._check_priority(row, errors, priority_only)
        if not priority_only and row.ref and "ref" not in skip and row.priority_key:
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
        if row.outcome_target and row.latest_figure is not None:
            self._check_figure(row, errors, skip)

    def _check_figure(self, row: PlanRow, errors: dict, skip: set[str]) -> None:
        """A measured figure by the rules the monthly update applies (``outcomes.figures``);
        one far beyond both the baseline and the target is imported, with a note in the
        preview to check it."""
        if "latest_figure" in skip:
            return
        if not row.impact_rag and "impact_rag" not in skip:
            add_error(
                errors,
                "latest_figure",
                "Enter the RAG impact rating this figure was measured with in impact_rag, "
                "or leave latest_figure blank.",
            )
            return
        if {"unit", "baseline", "target_value"} & skip:
            return
        problem = figure_problem(
            row.latest_figure, unit=row.unit, baseline=row.baseline, target=row.target_value
        )
        if problem is None:
            return
        if problem.can_confirm:
            self.figure_notes.append(
                f"Row {row.number}, column latest_figure: {row.latest_figure.normalize():f} "
                f"is far beyond both the baseline and the target. Check it before importing: "
                f"it is imported as the sheet gives it."
            )
        else:
            add_error(errors, "latest_figure", f"{problem.message}.")

    def _known_priority(self, key: tuple) -> bool:
        return key in self.declared_priority or key in self.priorities

    def _check_priority(self, row: PlanRow, errors: dict, priority_only: bool) -> None:
        """The priority cells against the rows above; sets the row's ``priority_key``,
        ``priority_title`` and ``written_priority_ref``."""
        ref = row.priority_ref
        title = " ".join(row.priority.split())
        if not ref and title:
            written_number, rest = split_priority_title(title)
            if written_number is not None:
                # "2. Inclusion", "Priority 2: Inclusion", "Priority 2": the reference 2.
                ref, title = str(written_number), rest
        if priority_only and not ref and row.ref:
            ref = row.ref
        elif (
            not ref
            and title
            and not _TITLE_WITH_REF.match(title)
            and (numbered := _NUMBERED_REF.match(row.ref or ""))
        ):
            # "1.2" under a title with no reference of its own: the plan numbers the
            # priority 1 (our own sheets always have). A title that carries its own
            # ("Pillar 4 - Inclusion" above "4.1.7") is left as written.
            ref = numbered[1]
        if not ref and not title:
            numbered = _NUMBERED_REF.match(row.ref or "")
            key = ("ref", numbered[1]) if numbered else None
            above = self.current_priority
            if key is not None and not self._known_priority(key):
                if above is None or (above[0] == "ref" and above[1].isdigit()):
                    # "2.1" below priority 1 of a plan that numbers its priorities.
                    add_error(
                        errors,
                        "priority",
                        f"Enter the title of priority {numbered[1]}: this is the first row "
                        f"that names it.",
                    )
                    return
                key = above
            elif key is None:
                key = above
            if key is None:
                add_error(
                    errors,
                    "priority",
                    "Enter the priority this row comes under: no row above names one.",
                )
                return
            row.priority_key = key
            declared = self.declared_priority.get(key)
            row.priority_title = declared[0] if declared else ""
            row.written_priority_ref = declared[1] if declared else ""
            self.current_priority = key
            return
        key = priority_key(ref, title)
        declared = self.declared_priority.get(key)
        if declared and title and declared[0] and not same_text(title, declared[0]):
            add_error(
                errors,
                "priority",
                f"Priority {ref} is named differently on row {declared[2]} "
                f'("{declared[0][:60]}"). Leave the cell blank or repeat that title.',
            )
        elif not declared:
            if not title:
                existing = self.priorities.get(key)
                # Named by its reference alone ("2", "Pillar 2") and no row gives its
                # title: the reference is the best title there is.
                title = existing.title if existing else priority_short_label(ref, "")
            # What the sheet says, whether or not this row imports: later rows may
            # leave the cell blank.
            self.declared_priority[key] = (title, ref, row.number)
            declared = self.declared_priority[key]
        row.priority_key = key
        row.priority_title = title or declared[0]
        row.written_priority_ref = ref or declared[1]
        self.current_priority = key

    def _check_issue(self, row: PlanRow, errors: dict, skip: set[str]) -> None:
        """Which issue the row belongs to (``key``): the row above's, or a new one."""
        above = self.current_issue
        if (
            above is not None
            and above[0] == row.ref
            and above[1] == row.priority_key
            and ("issue" in skip or not row.issue or same_text(row.issue, above[2]))
        ):
            row.key = above[3]
            if not row.issue:
                row.issue = above[2]
            return
        seen = self.ref_count.get(row.ref, 0)
        self.ref_count[row.ref] = seen + 1
        row.key = (row.ref, seen)
        self.current_issue = (row.ref, row.priority_key, row.issue, row.key)
