"""Helpers for the spreadsheet import and export tests."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from django.apps import apps
from openpyxl import Workbook

from actions.models import ActionStatus, EntryState, StoryEntry
from outcomes.models import ImpactRating
from sendplan.months import format_month
from spreadsheets.services import confirm_plan_import

FILES = "tests/files"
MONTH = dt.date(2024, 3, 1)
GOOD = f"{FILES}/plan_good.csv"
GOOD_UPDATES = f"{FILES}/updates_good.csv"
MESSY = f"{FILES}/plan_messy.csv"
BAD = f"{FILES}/plan_bad.csv"
BAD_UPDATES = f"{FILES}/updates_bad.csv"
# What the import says of the bad sheet and its bad updates, in order.
BAD_PROBLEMS = [
    'Row 2, column by_when: Enter a month such as "Dec 2022" or "2023-03"; "31/02/2023" is '
    "not a date.",
    "Row 3, column bragg: Enter a BRAGG status: Blue, Red, Amber, Green or Grey (or B, R, A, "
    'G); "Purple" is not one.',
    'Row 3, column target_date: Enter a month such as "Dec 2022" or "2023-03"; "Q5 2023" is '
    'not a quarter: financial-year quarters run from Q1 to Q4, such as "Q3 2023/24".',
    "Row 5, column completed: Enter the date the action was completed, as it is Blue.",
    "Row 6, column priority: Enter the title of priority 2: this is the first row that names it.",
    "Row 6, column actioned_by: Enter the action this actioned_by belongs to in the action "
    "column, or leave actioned_by blank.",
    'Row 6, column by_when: Enter a month such as "Dec 2022" or "2023-03"; "Smarch 2023" is '
    "not a month we can read.",
    "Updates row 3, column ref: There is no issue or priority 1.9 in the plan.",
    'Updates row 4, column date: Enter the month the entry was written, such as "Dec 2022".',
    "Updates row 4, column text: Enter the story so far.",
]

SHARED_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
SHEET_START = (
    b'<?xml version="1.0"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def workbook_with_part(
    headers: Iterable[str], part: str, chunks: Iterable[bytes], content_type: str = ""
) -> bytes:
    """A workbook whose plan sheet has ``headers``, with ``part`` (a path in the zip)
    added or replaced by the bytes of ``chunks``, streamed so that a part of a hundred
    megabytes costs no memory; ``content_type`` is added to [Content_Types].xml."""
    workbook = Workbook()
    workbook.active.title = "plan"
    workbook.active.append(list(headers))
    plain = io.BytesIO()
    workbook.save(plain)
    source, target = zipfile.ZipFile(plain), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            if item.filename == part:
                continue
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", content_type.encode() + b"</Types>")
            archive.writestr(item, data)
        with archive.open(part, "w", force_zip64=True) as written:
            for chunk in chunks:
                written.write(chunk)
    return target.getvalue()


def shared_strings_workbook(headers: Iterable[str], megabytes: int) -> bytes:
    """A workbook of a few hundred kilobytes whose shared strings unpack to ``megabytes``
    of one-letter strings, each of which openpyxl would keep in memory."""
    string = b"<si><t>x</t></si>"
    block = string * (1024 * 1024 // len(string))

    def chunks():
        yield b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
        yield b'spreadsheetml/2006/main">'
        for _ in range(megabytes):
            yield block
        yield b"</sst>"

    return workbook_with_part(headers, "xl/sharedStrings.xml", chunks(), SHARED_STRINGS_TYPE)


def wide_row_workbook(headers: Iterable[str], cells: int) -> bytes:
    """A workbook whose second row holds ``cells`` numbers: a few kilobytes, and a part
    of about 16 bytes a cell, but a Python object for every cell once read."""
    headers = list(headers)
    header_cells = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in headers)

    def chunks():
        yield SHEET_START
        yield f'<sheetData><row r="1">{header_cells}</row><row r="2">'.encode()
        block = b"<c><v>1</v></c>" * 10_000
        for _ in range(cells // 10_000):
            yield block
        yield b"</row></sheetData></worksheet>"

    return workbook_with_part(headers, "xl/worksheets/sheet1.xml", chunks())


def import_plan(user, source=GOOD, updates=GOOD_UPDATES, **kwargs):
    """The whole-plan import of ``source`` (the good sheet unless told) into Darlington."""
    arguments = {
        "source": source,
        "updates": updates,
        "area_name": "Darlington",
        "plan_title": "Darlington WSoA",
        "user": user,
        "month": MONTH,
        **kwargs,
    }
    return confirm_plan_import(**arguments)


def write_file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def row_counts() -> dict[str, int]:
    """Rows in every table, history tables included."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def history_models():
    return [m for m in apps.get_models() if m.__name__.startswith("Historical")]


def history_marks() -> dict:
    marks = {}
    for model in history_models():
        last = model._default_manager.order_by("-history_id").values_list("history_id", flat=True)
        marks[model] = last.first() or 0
    return marks


def new_history_rows(marks: dict) -> list:
    rows = []
    for model, mark in marks.items():
        rows.extend(model._default_manager.filter(history_id__gt=mark))
    return rows


def canonical(plan) -> dict:
    """The plan's content without database ids, orders or notes: two plans that say the
    same thing give the same dump."""

    def as_written(text, month, ongoing):
        return text or (format_month(month) if month else ("Ongoing" if ongoing else ""))

    latest_status = {}
    for s in ActionStatus.objects.filter(plan=plan, state=EntryState.SUBMITTED).order_by(
        "action_id", "-month"
    ):
        latest_status.setdefault(s.action_id, s.status)
    latest_rag = {}
    for r in ImpactRating.objects.filter(plan=plan, state=EntryState.SUBMITTED).order_by(
        "target_id", "-month"
    ):
        latest_rag.setdefault(r.target_id, r.rag)
    issues = {}
    for issue in plan.issues.select_related("priority").order_by("ref"):
        actions = []
        for a in issue.actions.order_by("order", "pk"):
            actions.append(
                (
                    a.text,
                    a.due_month,
                    a.is_ongoing,
                    as_written(a.due_as_written, a.due_month, a.is_ongoing),
                    a.completed_on,
                    tuple(lead.person.name for lead in a.lead_rows.order_by("order", "pk")),
                    latest_status.get(a.pk),
                )
            )
        targets = sorted(
            (
                t.text,
                t.target_month,
                t.is_ongoing,
                as_written(t.target_as_written, t.target_month, t.is_ongoing),
                t.action.text if t.action_id else None,
                latest_rag.get(t.pk),
            )
            for t in issue.outcome_targets.select_related("action")
        )
        issues[issue.ref] = {
            "priority": (issue.priority.number, issue.priority.title),
            "description": issue.description,
            "links": sorted(s.name for s in issue.strategy_links.all()),
            "actions": actions,
            "targets": targets,
        }
    story = {}
    for e in (
        StoryEntry.objects.filter(plan=plan)
        .select_related("issue", "priority")
        .order_by("order", "pk")
    ):
        owner = e.issue.ref if e.issue_id else f"priority {e.priority.number}"
        story.setdefault(owner, []).append((e.month, e.narrative))
    return {
        "priorities": sorted(plan.priorities.values_list("number", "title")),
        "issues": issues,
        "story": story,
    }


def pending_upload(*, user, plan, path: str = GOOD):
    """An upload of ``path`` into ``plan`` by ``user``, read and waiting to be confirmed,
    as the import and export page leaves it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from spreadsheets.pending import store_upload

    return store_upload(
        user=user,
        plan_file=SimpleUploadedFile(Path(path).name, Path(path).read_bytes()),
        area_name=plan.area.name,
        plan_title=plan.title,
        slug=plan.slug,
        month=MONTH,
        replace=True,
    )
