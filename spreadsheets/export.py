"""Writing a whole plan as the spreadsheet the import reads.

Each issue's rows come in a fixed order: outcome targets tied to no action first, then
each action on its own row with its first outcome target beside it and its other targets
on the rows below (which the import ties back to the action above). The BRAGG and RAG
columns give each action's and target's latest submitted rating. Every string cell that
a spreadsheet would run as a formula is escaped with a leading apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from actions.models import Action, ActionLead, ActionStatus, EntryState, StoryEntry
from outcomes.models import Direction, ImpactRating, OutcomeTarget
from sendplan.models import (
    Finding,
    FindingKind,
    Issue,
    IssueStrategyLink,
    Milestone,
    MilestonePriority,
    Plan,
    PlanKind,
    Priority,
)
from sendplan.months import format_month, parse_month
from sendplan.ratings import BRAGG, RAG

from .columns import ABOUT_FIELDS, PLAN_HEADERS, PLAN_PART_SHEETS, UPDATES_HEADERS, escape_cell


def _month_text(as_written: str, month: dt.date | None, is_ongoing: bool) -> str:
    """The plan's own words when they still say the same month, else our short form."""
    if as_written:
        try:
            parsed = parse_month(as_written)
        except ValueError:
            parsed = None
        if parsed and parsed.month == month and parsed.is_ongoing == is_ongoing:
            return as_written
    if month is not None:
        return format_month(month)
    return "Ongoing" if is_ongoing else ""


def _latest(rows, key: str) -> dict[int, object]:
    latest = {}
    for row in rows:
        latest.setdefault(getattr(row, key), row)
    return latest


def plan_rows(plan: Plan) -> list[list]:
    issues = list(
        Issue.objects.filter(plan=plan)
        .select_related("priority")
        .order_by("priority__number", "order", "ref", "pk")
    )
    links = defaultdict(list)
    for row in (
        IssueStrategyLink.objects.filter(plan=plan)
        .select_related("strategy_link")
        .order_by("strategy_link__name")
    ):
        links[row.issue_id].append(row.strategy_link.name)
    actions = defaultdict(list)
    for action in Action.objects.filter(plan=plan).order_by("order", "pk"):
        actions[action.issue_id].append(action)
    leads = defaultdict(list)
    for lead in (
        ActionLead.objects.filter(plan=plan).select_related("person").order_by("order", "pk")
    ):
        leads[lead.action_id].append(lead.person.name)
    targets = defaultdict(list)
    for target in OutcomeTarget.objects.filter(plan=plan).order_by("order", "pk"):
        targets[target.issue_id].append(target)
    statuses = _latest(
        ActionStatus.objects.filter(plan=plan, state=EntryState.SUBMITTED).order_by(
            "action_id", "-month", "-rated_at"
        ),
        "action_id",
    )
    ratings = _latest(
        ImpactRating.objects.filter(plan=plan, state=EntryState.SUBMITTED).order_by(
            "target_id", "-month", "-rated_at"
        ),
        "target_id",
    )

    def action_cells(action: Action | None) -> list:
        if action is None:
            return ["", "", "", "", ""], ["", ""]
        status = statuses.get(action.pk)
        return [
            action.text,
            "; ".join(leads[action.pk]),
            _month_text(action.due_as_written, action.due_month, action.is_ongoing),
            action.completed_on,
            BRAGG(status.status).word if status else "",
        ], [
            format_month(action.original_due_month) if action.original_due_month else "",
            action.due_revised_reason,
        ]

    def target_cells(target: OutcomeTarget | None) -> list:
        if target is None:
            return ["", "", ""], ["", "", "", "", "", ""]
        rating = ratings.get(target.pk)
        return [
            target.text,
            _month_text(target.target_as_written, target.target_month, target.is_ongoing),
            RAG(rating.rag).word if rating else "",
        ], [
            target.unit,
            target.baseline,
            format_month(target.baseline_month) if target.baseline_month else "",
            target.target_value,
            Direction(target.direction).label if target.direction else "",
            rating.measured_value if rating else None,
        ]

    def line(action: Action | None, target: OutcomeTarget | None) -> tuple[list, list]:
        """The action and target cells of one row, in the order of the columns: the
        twelve of every sheet, then the ones that make the export whole."""
        action_main, action_more = action_cells(action)
        target_main, target_more = target_cells(target)
        return action_main + target_main, action_more + target_more

    def issue_rows(issue: Issue) -> list[list]:
        issue_actions = actions[issue.pk]
        action_ids = {a.pk for a in issue_actions}
        by_action = defaultdict(list)
        for target in targets[issue.pk]:
            by_action[target.action_id if target.action_id in action_ids else None].append(target)
        lines = [line(None, t) for t in by_action[None]]
        for action in issue_actions:
            linked = by_action[action.pk]
            lines.append(line(action, linked[0] if linked else None))
            lines.extend(line(None, t) for t in linked[1:])
        if not lines:
            lines.append(line(None, None))
        priority = issue.priority
        return [
            [
                issue.ref,
                priority.title,
                issue.description,
                "; ".join(links[issue.pk]) if index == 0 else "",
                *main,
                priority.ref,
                priority.description,
                "Yes" if issue.is_gap else "",
                *more,
            ]
            for index, (main, more) in enumerate(lines)
        ]

    by_priority = defaultdict(list)
    for issue in issues:
        by_priority[issue.priority_id].append(issue)
    rows = []
    for priority in Priority.objects.filter(plan=plan).order_by("number"):
        if not by_priority[priority.pk]:
            # A priority with no issues (Durham's areas for improvement) is a row of its
            # own: its reference (in both columns) and its title, nothing else.
            main, more = line(None, None)
            rows.append(
                [
                    priority.ref,
                    priority.title,
                    "",
                    "",
                    *main,
                    priority.ref,
                    priority.description,
                    "",
                    *more,
                ]
            )
        for issue in by_priority[priority.pk]:
            rows.extend(issue_rows(issue))
    return rows


def update_rows(plan: Plan) -> list[list]:
    priorities = list(Priority.objects.filter(plan=plan).order_by("number"))
    issues = defaultdict(list)
    for issue in Issue.objects.filter(plan=plan).order_by("order", "ref", "pk"):
        issues[issue.priority_id].append(issue)
    entries = defaultdict(list)
    # The story so far as readers see it: a lead's draft is not yet the plan's word.
    submitted = StoryEntry.objects.filter(plan=plan, state=EntryState.SUBMITTED)
    for entry in submitted.order_by("order", "pk"):
        entries[
            ("issue", entry.issue_id) if entry.issue_id else ("priority", entry.priority_id)
        ].append(entry)

    def line(ref, entry: StoryEntry, priority: str = "") -> list:
        when = _month_text(entry.date_as_written, entry.month, False)
        return [ref, when, entry.narrative, priority]

    rows = []
    for priority in priorities:
        # A priority's story names it in the priority column.
        named = priority_name(priority)
        rows.extend(line("", e, named) for e in entries[("priority", priority.pk)])
        for issue in issues[priority.pk]:
            rows.extend(line(issue.ref, e) for e in entries[("issue", issue.pk)])
    return rows


def priority_name(priority: Priority) -> str:
    """How the updates and milestones sheets name a priority: by its reference, or by its
    title when it has none."""
    return priority.ref or priority.title


def plan_part_rows(plan: Plan) -> dict[str, list[list]]:
    """The rows of the sheets that hold the plan as a whole: its own fields, the
    inspection's findings and the milestones."""
    about = {
        "title": plan.title,
        "kind": PlanKind(plan.kind).label if plan.kind else "",
        "inspection_date": plan.inspection_date,
        "publication_date": plan.publication_date,
        "source": plan.source,
        "introduction": plan.introduction,
        "vision": plan.vision,
        "monitoring": plan.monitoring,
    }
    findings = [
        [FindingKind(f.kind).label, f.text]
        for f in Finding.objects.filter(plan=plan).order_by("kind", "order", "pk")
    ]
    served = defaultdict(list)
    for row in (
        MilestonePriority.objects.filter(plan=plan)
        .select_related("priority")
        .order_by("priority__number", "pk")
    ):
        served[row.milestone_id].append(priority_name(row.priority))
    milestones = [
        [
            m.period,
            format_month(m.due_month) if m.due_month else "",
            m.text,
            "; ".join(served[m.pk]),
        ]
        for m in Milestone.objects.filter(plan=plan).order_by("due_month", "order", "pk")
    ]
    return {
        "about": [[name, about[name]] for name in ABOUT_FIELDS],
        "findings": findings,
        "milestones": milestones,
    }


def _number(value: Decimal):
    """A figure as a workbook's number: 56.5, 100."""
    return int(value) if value == value.to_integral_value() else float(value)


def _clean(value):
    if isinstance(value, str):
        # Control characters other than tab and new lines cannot be stored in XLSX.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, Decimal):
        return _number(value)
    return escape_cell(value)


def to_csv(headers, rows) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else _csv_value(v) for v in row])
    # With a byte-order mark Excel opens the file as UTF-8 instead of guessing.
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # "56.5", "100": as the plan writes a figure, without the database's trailing zeros.
        return f"{value.normalize():f}" if value else "0"
    return escape_cell(value)


def to_xlsx(sheets: dict[str, tuple[tuple, list[list]]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (headers, rows) in sheets.items():
        sheet = workbook.create_sheet(title)
        sheet.append(list(headers))
        for row in rows:
            sheet.append([_clean(v) for v in row])
        for cell in sheet[1]:
            sheet.column_dimensions[cell.column_letter].width = 24
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif headers[cell.column - 1] in ("ref", "priority_ref", "priority"):
                    # Text, so that a spreadsheet keeps 1.10 as 1.10 rather than 1.1.
                    cell.number_format = "@"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_to_csv(plan: Plan) -> bytes:
    return to_csv(PLAN_HEADERS, plan_rows(plan))


def updates_to_csv(plan: Plan) -> bytes:
    return to_csv(UPDATES_HEADERS, update_rows(plan))


def plan_to_xlsx(plan: Plan) -> bytes:
    """The whole plan: the plan table, the story so far, and the sheets of the plan as a
    whole (``PLAN_PART_SHEETS``)."""
    parts = plan_part_rows(plan)
    return to_xlsx(
        {
            "plan": (PLAN_HEADERS, plan_rows(plan)),
            "updates": (UPDATES_HEADERS, update_rows(plan)),
            **{name: (headers, parts[name]) for name, headers in PLAN_PART_SHEETS.items()},
        }
    )
