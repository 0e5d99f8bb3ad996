"""Writing the sheets of the plan as a whole: "about" (the plan's own fields), "findings"
(what the inspection found) and "milestones" (with the priorities each serves).

A workbook without one of these sheets leaves that part of the plan as it is (a council's
own workbook has none). A workbook with one makes that part of the plan exactly what the
sheet says: its rows are matched to the plan's records in order, a changed row changes
its record, a new row adds one and a record the sheet no longer has is deleted, each with
its history row. The plan's title is the one the import is given, not the sheet's.
"""

from __future__ import annotations

from sendplan.models import (
    Finding,
    FindingKind,
    Milestone,
    MilestonePriority,
    PlanKind,
    Priority,
)

from ..columns import ABOUT_FIELDS, Problem
from ..layout import BEYOND
from ..widgets import LIST_SEPARATORS, ChoiceWidget, CompletedWidget, MonthWidget, TextWidget
from .checks import priority_key
from .rows import blank, text_key

_PLAN_TEXT_LIMITS = {"source": 200}
_KIND = ChoiceWidget(PlanKind.choices, "kind of plan")
_FINDING_KIND = ChoiceWidget(FindingKind.choices, "kind of finding")
_DATE = CompletedWidget()
_TEXT = TextWidget()
_PERIOD = TextWidget(max_length=60, what="period")
_DUE = MonthWidget(allow_ongoing=False)


class PlanPartsWriting:
    def write_parts(self, parts: dict) -> list[Problem]:
        """Work out what the sheets of the plan as a whole change; every problem is
        returned, by sheet, row and column."""
        problems: list[Problem] = []
        if (about := parts.get("about")) is not None:
            self._about(about, problems)
        if (findings := parts.get("findings")) is not None:
            self._findings(findings, problems)
        if (milestones := parts.get("milestones")) is not None:
            self._milestones(milestones, problems)
        return problems

    # --- about ---------------------------------------------------------------------------

    def _about(self, dataset, problems: list[Problem]) -> None:
        values = {}
        named: dict[str, int] = {}
        for number, row in _rows(dataset, "about", problems):
            name = str(row.get("field") or "").strip().lower()
            if name not in ABOUT_FIELDS:
                problems.append(
                    Problem(
                        f'"{name[:40]}" is not one of the plan\'s fields: '
                        f"{', '.join(ABOUT_FIELDS)}.",
                        row=number,
                        column="field",
                        sheet="about",
                    )
                )
                continue
            if name in named:
                problems.append(
                    Problem(
                        f"The field {name} is given on row {named[name]} already.",
                        row=number,
                        column="field",
                        sheet="about",
                    )
                )
                continue
            named[name] = number
            if name == "title":
                continue  # the title is the one the import is given
            try:
                values[name] = self._about_value(name, row.get("value"))
            except ValueError as exc:
                problems.append(Problem(str(exc), row=number, column="value", sheet="about"))
        self._update(self.plan, values)

    @staticmethod
    def _about_value(name: str, value):
        if name == "kind":
            kind = _KIND.clean(value)
            if not kind:
                raise ValueError("Enter the kind of plan.")
            return kind
        if name.endswith("_date"):
            return _DATE.clean(value)
        text = _TEXT.clean(value)
        limit = _PLAN_TEXT_LIMITS.get(name)
        if limit and len(text) > limit:
            raise ValueError(f"The {name} must be {limit} characters or fewer.")
        return text

    # --- findings ------------------------------------------------------------------------

    def _findings(self, dataset, problems: list[Problem]) -> None:
        old = {}
        if self.plan.pk is not None:
            for finding in Finding.objects.filter(plan=self.plan).order_by("kind", "order", "pk"):
                old.setdefault(finding.kind, []).append(finding)
        position: dict[str, int] = {}
        placed: dict[str, int] = {}
        for number, row in _rows(dataset, "findings", problems):
            try:
                kind = _FINDING_KIND.clean(row.get("kind"))
                if not kind:
                    raise ValueError("Enter the kind of finding.")
            except ValueError as exc:
                problems.append(Problem(str(exc), row=number, column="kind", sheet="findings"))
                continue
            text = _required_text(row, "text", "the finding", number, "findings", problems)
            if text is None:
                continue
            index = position.get(kind, 0)
            position[kind] = index + 1
            existing = old.get(kind, [])
            finding = existing[index] if index < len(existing) else None
            order = self._place(placed, kind, finding)
            if finding is not None:
                self._update(finding, {"text": text, "order": order})
                self._seen(finding)
            else:
                self._create(Finding(plan=self.plan, kind=kind, text=text, order=order))
        for kind, findings in old.items():
            for finding in findings[position.get(kind, 0) :]:
                self._delete(finding)

    # --- milestones ----------------------------------------------------------------------

    def _milestones(self, dataset, problems: list[Problem]) -> None:
        old: list[Milestone] = []
        old_links: dict[int, dict[int, MilestonePriority]] = {}
        if self.plan.pk is not None:
            milestones = Milestone.objects.filter(plan=self.plan)
            old = list(milestones.order_by("due_month", "order", "pk"))
            for link in MilestonePriority.objects.filter(plan=self.plan):
                old_links.setdefault(link.milestone_id, {})[link.priority_id] = link
        index = 0
        placed: dict[str, int] = {}
        for number, row in _rows(dataset, "milestones", problems):
            period = _cell(row, "period", _PERIOD, number, problems)
            due = _cell(row, "due", _DUE, number, problems)
            text = _required_text(row, "text", "the milestone", number, "milestones", problems)
            served = self._served(row.get("priorities"), number, problems)
            if period is None or due is None or text is None or served is None:
                continue
            if not period:
                problems.append(
                    Problem(
                        'Enter the period as the plan writes it, such as "Spring 2025".',
                        row=number,
                        column="period",
                        sheet="milestones",
                    )
                )
                continue
            milestone = old[index] if index < len(old) else None
            values = {
                "period": period,
                "due_month": due.month if due else None,
                "text": text,
                "order": self._place(placed, "", milestone),
            }
            if milestone is not None:
                self._update(milestone, values)
                self._seen(milestone)
                links = old_links.get(milestone.pk, {})
            else:
                milestone = self._create(Milestone(plan=self.plan, **values))
                links = {}
            index += 1
            for priority in served:
                link = links.get(priority.pk) if priority.pk is not None else None
                if link is None:
                    self._create(
                        MilestonePriority(plan=self.plan, milestone=milestone, priority=priority)
                    )
            wanted = {p.pk for p in served}
            for priority_id, link in links.items():
                if priority_id not in wanted:
                    self._delete(link)
        for milestone in old[index:]:
            for link in old_links.get(milestone.pk, {}).values():
                self._delete(link)
            self._delete(milestone)

    def _served(self, cell, number: int, problems: list[Problem]) -> list[Priority] | None:
        """The priorities a milestone names, by reference or title; None if one is not
        the plan's."""
        try:
            text = _TEXT.clean(cell)
        except ValueError as exc:
            problems.append(Problem(str(exc), row=number, column="priorities", sheet="milestones"))
            return None
        served: list[Priority] = []
        for part in LIST_SEPARATORS.split(text):
            name = " ".join(part.split())
            if not name:
                continue
            priority = self._priority_named(name)
            if priority is None:
                problems.append(
                    Problem(
                        f'The plan sheet has no priority "{name[:60]}"; name each priority by '
                        f"its reference, or by its title when it has none, separated by ;.",
                        row=number,
                        column="priorities",
                        sheet="milestones",
                    )
                )
                return None
            if priority not in served:
                served.append(priority)
        return served

    def _priority_named(self, name: str) -> Priority | None:
        for key in (priority_key(name, ""), priority_key("", name)):
            priority = self.priorities.get(key)
            if priority is not None:
                break
        else:
            priority = self.priorities_by_title.get(text_key(name))
        if priority is None:
            return None
        if priority.pk is not None and priority.pk not in self.seen[Priority]:
            return None  # the import deletes it
        return priority


def _rows(dataset, sheet: str, problems: list[Problem]):
    """The dataset's filled rows as (the sheet's row number, {header: value}); a row with
    a cell beyond the last header is a problem, not read."""
    headers = list(dataset.headers)
    for index, values in enumerate(dataset):
        row = dict(zip(headers, values, strict=False))
        if all(blank(v) for v in row.values()):
            continue
        if beyond := row.pop(BEYOND, None):
            problems.append(
                Problem(
                    f"The cell in column {beyond} has no header above it; move its value "
                    f"into a column with a header or remove it.",
                    row=index + 2,
                    sheet=sheet,
                )
            )
            continue
        yield index + 2, row


def _cell(row: dict, column: str, widget, number: int, problems: list[Problem]):
    """The cell as ``widget`` reads it; None with a problem when it cannot (a blank month
    is False, so that it can be told from a problem)."""
    try:
        value = widget.clean(row.get(column))
    except ValueError as exc:
        problems.append(Problem(str(exc), row=number, column=column, sheet="milestones"))
        return None
    return False if value is None else value


def _required_text(row, column, what, number, sheet, problems) -> str | None:
    try:
        text = _TEXT.clean(row.get(column))
    except ValueError as exc:
        problems.append(Problem(str(exc), row=number, column=column, sheet=sheet))
        return None
    if not text:
        problems.append(Problem(f"Enter {what}.", row=number, column=column, sheet=sheet))
        return None
    return text
