"""Plans in a council's own layout: its own headers, title and super-header rows above the
header row, priorities as merged heading rows, Word tables with merged cells, and the
mapping chosen with --columns and remembered for the area's next import."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document

from actions.models import Action
from sendplan.models import Area, Issue, Plan, Priority
from spreadsheets.models import ColumnMapping
from spreadsheets.reading import Upload
from spreadsheets.services import import_user, preview_plan_import

from .layouts import county_csv, super_header_workbook, word_plan

pytestmark = pytest.mark.django_db


def _command(*args, **options):
    out, err = StringIO(), StringIO()
    call_command("import_plan", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def _write(tmp_path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return str(path)


def test_a_countys_own_headers_are_recognised_and_the_progress_column_listed(tmp_path):
    source = _write(tmp_path, "county.csv", county_csv())

    out, _ = _command(source, area="Shire", plan="Shire WSoA", show_columns=True)

    assert out.splitlines() == [
        "Columns and the fields they fill:",
        "  A  Ref -> ref",
        "  B  Area for improvement -> priority",
        "  C  Area of weakness -> issue",
        "  D  What we will do -> action",
        "  E  Responsible officer (action lead) -> actioned_by",
        "  F  Timescale -> by_when",
        "  G  RAG rating -> bragg",
        "  H  Key measures of success -> outcome_target",
        "Columns not imported:",
        "  I  November progress update from action lead (a progress update has no month; "
        "give the story so far as the updates sheet)",
        "A row holding only a heading starts a priority.",
        "Nothing was written.",
    ]
    assert not Plan.objects.exists()


def test_a_countys_own_headers_import_every_action(tmp_path):
    source = _write(tmp_path, "county.csv", county_csv())

    _command(source, area="Shire", plan="Shire WSoA")

    plan = Plan.objects.get(slug="shire-wsoa")
    assert list(Priority.objects.filter(plan=plan).values_list("title", flat=True)) == [
        "Identifying needs early",
        "Working together",
    ]
    assert sorted(Action.objects.filter(plan=plan).values_list("text", flat=True)) == [
        "Review the assessment pathway",
        "Set up a shared record",
        "Train SENCOs in the new pathway",
    ]


def test_a_header_row_below_title_rows_and_merged_priority_headings_are_read(tmp_path):
    source = _write(tmp_path, "lap.xlsx", super_header_workbook())

    preview = preview_plan_import(
        source=Upload("lap.xlsx", super_header_workbook()),
        area_name="City",
        plan_title="City LAP plan",
        user=import_user(),
    )
    _command(source, area="City", plan="City LAP plan")

    # Three action rows, each carrying the heading above it: the title, super-header and
    # heading rows are not counted as rows read of their own.
    assert preview.plan_rows == 3
    plan = Plan.objects.get(slug="city-lap-plan")
    assert list(
        Priority.objects.filter(plan=plan).order_by("number").values_list("number", "title")
    ) == [(1, "Inclusion"), (2, "Transitions")]
    assert list(
        Issue.objects.filter(plan=plan).order_by("ref").values_list("ref", "description")
    ) == [("1.1", "Too many exclusions"), ("2.1", "Moves to adulthood are late")]
    assert Action.objects.filter(plan=plan).count() == 3


def test_a_problem_in_a_sheet_below_title_rows_names_the_sheets_own_row(tmp_path):
    data = super_header_workbook()
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    workbook.active["E8"] = "Smarch 2025"
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = _write(tmp_path, "lap.xlsx", buffer.getvalue())

    with pytest.raises(CommandError) as error:
        _command(source, area="City", plan="City LAP plan")

    assert str(error.value) == (
        'Row 8, column by_when: Enter a month such as "Dec 2022" or "2023-03"; "Smarch 2025" '
        "is not a month we can read."
    )
    assert not Plan.objects.exists()


def test_pillar_only_and_letter_references_are_kept_as_the_plan_writes_them(tmp_path):
    # A plan numbering issues by pillar alone ("2") and actions by letter ("A2").
    text = (
        "Theme,Ref,Identified need,Actions,Owner,Deadline\n"
        "Theme 2 - Inclusion,2,Too many exclusions,Launch the charter,Jo,Jan 2025\n"
        "Theme 2 - Inclusion,A2,Too many exclusions,Audit timetables,Jo,Mar 2025\n"
    )
    source = _write(tmp_path, "pillars.csv", text)

    _command(source, area="Borough", plan="Borough plan")

    plan = Plan.objects.get(slug="borough-plan")
    priority = plan.priorities.get()
    assert (priority.ref, priority.title, priority.label) == (
        "",
        "Theme 2 - Inclusion",
        "Theme 2 - Inclusion",
    )
    assert list(plan.issues.order_by("order").values_list("ref", flat=True)) == ["2", "A2"]


def test_the_same_reference_on_two_actions_keeps_both(tmp_path):
    text = (
        "Ref,Priority,Issue,Action,Lead\n"
        "1.1,1. Early help,Help comes late,Open a helpline,Jo\n"
        "1.1,,,Open a helpline for schools,Sam\n"
    )
    source = _write(tmp_path, "dup.csv", text)

    _command(source, area="Borough", plan="Borough plan")

    assert Action.objects.filter(plan__slug="borough-plan", issue__ref="1.1").count() == 2


# --- --columns and the remembered mapping ----------------------------------------------

OWN_WORDS_CSV = (
    "Action ID,Workstream,Need,Task,Owner name,Month due\n"
    "1.1,1. Early help,Help comes late,Open a helpline,Jo Bloggs,Jan 2025\n"
)


def test_columns_names_what_the_table_does_not_know_and_the_area_remembers_it(tmp_path):
    source = _write(tmp_path, "own.csv", OWN_WORDS_CSV)
    columns = _write(
        tmp_path,
        "map.json",
        json.dumps({"ref": "Action ID", "issue": "Need", "action": "Task", "by_when": "Month due"}),
    )

    _command(source, area="Borough", plan="Borough plan", columns=columns)

    action = Action.objects.get(plan__slug="borough-plan")
    assert action.text == "Open a helpline"
    assert action.issue.ref == "1.1"
    assert ColumnMapping.objects.get(area__name="Borough").choices["task"] == "action"
    out, _ = _command(source, area="Borough", plan="Borough plan two", show_columns=True)
    assert "  D  Task -> action" in out.splitlines()
    assert "  A  Action ID -> ref" in out.splitlines()


def test_our_own_headers_leave_a_remembered_mapping_as_it_was(tmp_path):
    area = Area.objects.create(name="Borough", slug="borough")
    ColumnMapping.objects.create(area=area, choices={"task": "action"})

    _command("tests/files/plan_good.csv", area="Borough", plan="Borough plan")

    assert ColumnMapping.objects.get(area=area).choices == {"task": "action"}
    assert Action.objects.filter(plan__slug="borough-plan").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "--columns {path} is not a JSON file that can be read"),
        ('["ref"]', "--columns must be a JSON object from field name to header"),
        (
            '{"reference": "Ref"}',
            '--columns names the field "reference", which is not one of: ref, priority,',
        ),
        (
            '{"action": "Task", "by_when": "Due month"}',
            "--columns names header the file does not have: 'Due month'. Its headers "
            'are: "Action ID", "Workstream", "Need", "Task", "Owner name", "Month due".',
        ),
    ],
)
def test_a_bad_columns_map_is_refused_with_a_clear_message(tmp_path, content, message):
    source = _write(tmp_path, "own.csv", OWN_WORDS_CSV)
    columns = _write(tmp_path, "map.json", content)

    with pytest.raises(CommandError) as error:
        _command(source, area="Borough", plan="Borough plan", columns=columns)

    assert message.format(path=columns) in str(error.value)
    assert not Plan.objects.exists()


# --- Word ------------------------------------------------------------------------------


def test_a_word_plan_with_merged_cells_imports_as_the_document_reads(tmp_path):
    source = _write(tmp_path, "wsoa.docx", word_plan())

    _command(source, area="County", plan="County WSoA")

    plan = Plan.objects.get(slug="county-wsoa")
    assert list(
        Priority.objects.filter(plan=plan).order_by("number").values_list("number", "title")
    ) == [(1, "Inclusion"), (2, "Transitions")]
    issue = Issue.objects.get(plan=plan, ref="1.1")
    assert issue.description == "Too many exclusions"
    assert list(issue.actions.order_by("pk").values_list("text", flat=True)) == [
        "Launch the charter",
        "Audit timetables",
    ]
    first = issue.actions.order_by("pk").first()
    assert sorted(first.leads.values_list("name", flat=True)) == [
        "Head of inclusion",
        "Virtual school head",
    ]
    # The timescale merged down over both actions is the second's too.
    assert [a.due_month for a in issue.actions.order_by("pk")] == [dt.date(2025, 1, 1)] * 2
    assert Issue.objects.get(plan=plan, ref="2.1").actions.count() == 1
    # The history says the figures came from a Word document, not a spreadsheet.
    reasons = set(first.history.values_list("history_change_reason", flat=True))
    assert reasons == {"Imported from Word document"}


def test_a_red_status_a_word_document_gives_without_a_reason_says_where_it_came_from(
    tmp_path,
):
    document = Document()
    table = document.add_table(rows=2, cols=6)
    for cells, values in zip(
        table.rows,
        [
            ("Ref", "Priority", "Issue", "Action", "Lead officer", "BRAGG"),
            ("1.1", "Inclusion", "Exclusions", "Launch the charter", "Head of inclusion", "Red"),
        ],
        strict=True,
    ):
        for cell, value in zip(cells.cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)

    _command(_write(tmp_path, "wsoa.docx", buffer.getvalue()), area="County", plan="County")

    status = Action.objects.get(text="Launch the charter").statuses.get()
    assert status.note == "Imported from Word document; the document gives no reason."


def test_a_word_document_moving_a_due_date_asks_for_approval_in_its_own_words(tmp_path):
    from django.utils import timezone

    from actions.models import DueDateChangeRequest

    _command(_write(tmp_path, "wsoa.docx", word_plan()), area="County", plan="County WSoA")
    document = Document(io.BytesIO(word_plan()))
    document.tables[1].cell(0, 4).text = "Sept 2026"  # 2.1's action, a year later
    buffer = io.BytesIO()
    document.save(buffer)

    _command(
        _write(tmp_path, "wsoa-revised.docx", buffer.getvalue()),
        area="County",
        plan="County WSoA",
        replace=True,
    )

    change = DueDateChangeRequest.objects.get()
    assert change.action.text == "Plan from year 9"
    assert change.reason == (
        f"Imported from Word document on {timezone.now():%-d %B %Y}: the document gives a "
        "later due date"
    )


def test_the_outline_of_a_word_plan_counts_a_line_merged_down_as_one(db):
    preview = preview_plan_import(
        source=Upload("wsoa.docx", word_plan()),
        area_name="County",
        plan_title="County WSoA",
        user=import_user(),
    )

    # The issue merged down over two actions is one issue, as the import makes it.
    assert [(line["label"], line["issues"], line["actions"]) for line in preview.outline] == [
        ("Priority 1: Inclusion", 1, 2),
        ("Priority 2: Transitions", 1, 1),
    ]
    assert (
        sum(line["issues"] for line in preview.outline)
        == (preview.counts["issues to be addressed"]["created"])
    )


def test_a_word_plans_problem_names_its_table_and_row(tmp_path):
    data = word_plan().replace(b"Sept 2025", b"Smarch 25")
    document = Document(io.BytesIO(word_plan()))
    document.tables[1].cell(0, 4).text = "Smarch 2025"
    buffer = io.BytesIO()
    document.save(buffer)
    del data
    source = _write(tmp_path, "wsoa.docx", buffer.getvalue())

    with pytest.raises(CommandError) as error:
        _command(source, area="County", plan="County WSoA")

    assert str(error.value) == (
        'Table 2, row 1, column by_when: Enter a month such as "Dec 2022" or "2023-03"; '
        '"Smarch 2025" is not a month we can read.'
    )


def test_a_word_document_without_a_table_is_refused(tmp_path):
    document = Document()
    document.add_paragraph("Our plan: we will do better.")
    buffer = io.BytesIO()
    document.save(buffer)
    source = _write(tmp_path, "plan.docx", buffer.getvalue())

    with pytest.raises(CommandError) as error:
        _command(source, area="County", plan="County WSoA")

    assert str(error.value) == (
        "The document plan.docx has no table. The import reads the plan from a table with a "
        "row of headers (such as Ref, Action, Lead officer, By when); put the plan in a "
        "table, or save it as a spreadsheet."
    )


# --- The preview page's columns --------------------------------------------------------


def test_the_preview_shows_each_columns_field_and_reads_again_with_the_ones_chosen(
    admin_user, client, tmp_path
):
    from django.urls import reverse

    from spreadsheets.models import PlanImport

    client.force_login(admin_user)
    source = _write(tmp_path, "own.csv", OWN_WORDS_CSV)
    with open(source, "rb") as plan_file:
        uploaded = client.post(
            reverse("admin:spreadsheets_planimport_add"),
            {"area_name": "Borough", "plan_title": "Borough plan", "file": plan_file},
        )
    preview = client.get(uploaded["Location"])
    page = preview.content.decode()
    # "Task" and "Month due" are not words the table knows: listed, not dropped.
    assert 'D "Task" (its header is not one the import knows)' in page
    assert "nothing can be imported" in page

    again = client.post(
        uploaded["Location"],
        {
            "remap": "1",
            "column_A": "ref",
            "column_B": "priority",
            "column_C": "issue",
            "column_D": "action",
            "column_E": "actioned_by",
            "column_F": "by_when",
            "heading": "priority",
        },
    )
    assert again.status_code == 302
    page = client.get(uploaded["Location"]).content.decode()
    assert "What the import will do" in page
    # The admin's preview shows the plan as the file reads too: one priority, named as
    # the pages will name it, with its issue and action and no outcome target.
    outline = re.search(r'<div class="module" id="outline">(.*?)</div>', page, re.S)
    assert outline, "the admin's preview shows no outline"
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", outline[1], re.S)
    assert [(label, re.findall(r"<td>(\d+)</td>", cells)) for label, cells in rows] == [
        ("Priority 1: Early help", ["1", "1", "0"])
    ]
    stored = PlanImport.objects.get()

    client.post(uploaded["Location"], {"sha256": stored.sha256})

    assert Action.objects.get(plan__slug="borough-plan").text == "Open a helpline"
    assert ColumnMapping.objects.get(area__name="Borough").choices["month due"] == "by_when"


def test_the_preview_refuses_one_field_for_two_columns(admin_user, client, tmp_path):
    from django.urls import reverse

    client.force_login(admin_user)
    source = _write(tmp_path, "county.csv", county_csv())
    with open(source, "rb") as plan_file:
        uploaded = client.post(
            reverse("admin:spreadsheets_planimport_add"),
            {"area_name": "Shire", "plan_title": "Shire WSoA", "file": plan_file},
        )

    response = client.post(
        uploaded["Location"], {"remap": "1", "column_A": "ref", "column_D": "ref"}
    )

    assert response.status_code == 200
    assert "Select another field or not imported: column A already fills Reference." in (
        response.content.decode()
    )


def test_a_column_left_not_imported_keeps_the_tables_reason_after_preview_again():
    from spreadsheets.mapping import map_header_row, normalise

    headers = ["Ref", "What we will do", "November progress update", "Success criteria"]
    # The preview posts every column's field: the progress column left as it was, the
    # success criteria chosen not to be imported.
    choices = {normalise(h): f for h, f in zip(headers, ["ref", "action", "", ""], strict=True)}

    columns = {c.header: c for c in map_header_row(headers, choices)}

    assert columns["November progress update"].why.startswith("a progress update has no month")
    assert columns["Success criteria"].field is None
    assert columns["Success criteria"].why == "chosen not to import"
