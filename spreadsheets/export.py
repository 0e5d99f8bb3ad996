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

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from actions.models import Action, ActionLead, ActionStatus, EntryState, StoryEntry
from outcomes.models import ImpactRating, OutcomeTarget
from sendplan.models import Issue, IssueStrategyLink, Plan, Priority
from sendplan.months import format_month, parse_month
from sendplan.ratings import BRAGG, RAG

from .columns import PLAN_HEADERS, UPDATES_HEADERS, escape_cell


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
            return ["", "", "", "", ""]
        status = statuses.get(action.pk)
        return [
            action.text,
            "; ".join(leads[action.pk]),
            _month_text(action.due_as_written, action.due_month, action.is_ongoing),
            action.completed_on,
            BRAGG(status.status).word if status else "",
        ]

    def target_cells(target: OutcomeTarget | None) -> list:
        if target is None:
            return ["", "", ""]
        rating = ratings.get(target.pk)
        return [
            target.text,
            _month_text(target.target_as_written, target.target_month, target.is_ongoing),
            RAG(rating.rag).word if rating else "",
        ]

    def issue_rows(issue: Issue) -> list[list]:
        issue_actions = actions[issue.pk]
        action_ids = {a.pk for a in issue_actions}
        by_action = defaultdict(list)
        for target in targets[issue.pk]:
            by_action[target.action_id if target.action_id in action_ids else None].append(target)
        lines = [action_cells(None) + target_cells(t) for t in by_action[None]]
        for action in issue_actions:
            linked = by_action[action.pk]
            lines.append(action_cells(action) + target_cells(linked[0] if linked else None))
            lines.extend(action_cells(None) + target_cells(t) for t in linked[1:])
        if not lines:
            lines.append(action_cells(None) + target_cells(None))
        return [
            [
                issue.ref,
                issue.priority.title,
                issue.description,
                "; ".join(links[issue.pk]) if index == 0 else "",
                *line,
                issue.priority.ref,
            ]
            for index, line in enumerate(lines)
        ]

    by_priority = defaultdict(list)
    for issue in issues:
        by_priority[issue.priority_id].append(issue)
    rows = []
    for priority in Priority.objects.filter(plan=plan).order_by("number"):
        if not by_priority[priority.pk]:
            # A priority with no issues (Durham's areas for improvement) is a row of its
            # own: its reference (in both columns) and its title, nothing else.
            empty = action_cells(None) + target_cells(None)
            rows.append([priority.ref, priority.title, "", "", *empty, priority.ref])
        for issue in by_priority[priority.pk]:
            rows.extend(issue_rows(issue))
    return rows


def update_rows(plan: Plan) -> list[list]:
    priorities = list(Priority.objects.filter(plan=plan).order_by("number"))
    issues = defaultdict(list)
    for issue in Issue.objects.filter(plan=plan).order_by("order", "ref", "pk"):
        issues[issue.priority_id].append(issue)
    entries = defaultdict(list)
    for entry in StoryEntry.objects.filter(plan=plan).order_by("order", "pk"):
        entries[
            ("issue", entry.issue_id) if entry.issue_id else ("priority", entry.priority_id)
        ].append(entry)

    def line(ref, entry: StoryEntry, priority: str = "") -> list:
        when = _month_text(entry.date_as_written, entry.month, False)
        return [ref, when, entry.narrative, priority]

    rows = []
    for priority in priorities:
        # A priority's story names it in the priority column: by its reference, or by its
        # title when it has none.
        named = priority.ref or priority.title
        rows.extend(line("", e, named) for e in entries[("priority", priority.pk)])
        for issue in issues[priority.pk]:
            rows.extend(line(issue.ref, e) for e in entries[("issue", issue.pk)])
    return rows


def _clean(value):
    if isinstance(value, str):
        # Control characters other than tab and new lines cannot be stored in XLSX.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
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
    return to_xlsx(
        {"plan": (PLAN_HEADERS, plan_rows(plan)), "updates": (UPDATES_HEADERS, update_rows(plan))}
    )
