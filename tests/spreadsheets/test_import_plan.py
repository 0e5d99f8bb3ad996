"""Importing a whole plan from a spreadsheet: the service, the command and the admin."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from actions.models import Action, ActionLead, ActionStatus, StoryEntry
from outcomes.models import ImpactRating, OutcomeTarget
from sendplan.models import Area, Issue, MonthStatus, Person, Plan, Priority
from sendplan.ratings import BRAGG, RAG
from spreadsheets.models import PlanImport, PlanImportStatus
from spreadsheets.ratings import parse_bragg, parse_rag
from spreadsheets.resources import IMPORTED_NOTE
from spreadsheets.services import (
    PlanImportError,
    confirm_plan_import,
    preview_plan_import,
)
from tests import factories

from .import_helpers import FILES, history_marks, new_history_rows, row_counts

MONTH = dt.date(2024, 3, 1)
GOOD = f"{FILES}/plan_good.csv"
GOOD_UPDATES = f"{FILES}/updates_good.csv"
MESSY = f"{FILES}/plan_messy.csv"
BAD = f"{FILES}/plan_bad.csv"
BAD_UPDATES = f"{FILES}/updates_bad.csv"


@pytest.fixture
def importer(db):
    return factories.UserFactory(username="importer")


def _import(user, source=GOOD, updates=GOOD_UPDATES, **kwargs):
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


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- A good sheet ------------------------------------------------------------------------


def test_a_good_sheet_creates_the_plan_with_every_line_of_its_table(importer):
    plan, preview = _import(importer)

    assert plan.slug == "darlington-wsoa"
    assert plan.area.name == "Darlington"
    assert Priority.objects.filter(plan=plan).count() == 2
    assert Issue.objects.filter(plan=plan).count() == 3
    assert Action.objects.filter(plan=plan).count() == 5
    assert OutcomeTarget.objects.filter(plan=plan).count() == 6
    assert ActionLead.objects.filter(plan=plan).count() == 7
    assert ActionStatus.objects.filter(plan=plan, month=MONTH).count() == 5
    assert ImpactRating.objects.filter(plan=plan, month=MONTH).count() == 4
    assert StoryEntry.objects.filter(plan=plan).count() == 4
    assert Person.objects.filter(area=plan.area).count() == 7
    assert preview.counts["actions"] == {"created": 5}


def test_a_good_sheets_first_action_keeps_its_dates_leads_and_ratings(importer):
    plan, _ = _import(importer)

    action = Action.objects.get(plan=plan, issue__ref="1.1", order=0)
    assert action.due_month == dt.date(2022, 10, 1)
    assert action.due_as_written == "October 2022"
    assert action.completed_on == dt.date(2022, 10, 31)
    assert action.statuses.get().status == BRAGG.BLUE
    assert action.statuses.get().rated_by == importer
    target = action.outcome_targets.get()
    assert target.target_month == dt.date(2022, 12, 1)
    assert target.ratings.get().rag == RAG.GREEN
    issue = Issue.objects.get(plan=plan, ref="1.2")
    assert sorted(issue.strategy_links.values_list("name", flat=True)) == [
        "Data & Performance",
        "EHCP",
        "Joint Commissioning",
    ]
    second = Action.objects.get(plan=plan, issue__ref="1.2", order=0)
    assert [lead.person.name for lead in second.lead_rows.all()] == [
        "Nicole Madden",
        "Wendy Excell",
    ]


def test_a_row_with_only_an_outcome_target_belongs_to_the_action_above(importer):
    plan, _ = _import(importer)

    action = Action.objects.get(plan=plan, issue__ref="2.1")
    assert action.outcome_targets.count() == 2


def test_story_so_far_may_belong_to_an_issue_or_to_a_whole_priority(importer):
    plan, _ = _import(importer)

    assert StoryEntry.objects.filter(plan=plan, issue__ref="1.1").count() == 2
    per_priority = StoryEntry.objects.get(plan=plan, priority__number=2)
    assert per_priority.issue is None
    assert per_priority.month == dt.date(2022, 12, 1)
    assert per_priority.author == importer


def test_plain_text_story_so_far_is_stored_as_safe_html(importer, tmp_path):
    updates = _write(
        tmp_path,
        "updates.csv",
        'ref,date,text\n1.1,Dec 2022,"Work & progress\n\nSecond <3"\n'
        '1.2,April 2023,<script>alert(1)</script><p onclick="x()">Hello <b>there</b></p>\n',
    )

    plan, _ = _import(importer, updates=updates)

    narratives = list(
        StoryEntry.objects.filter(plan=plan)
        .order_by("issue__ref")
        .values_list("narrative", flat=True)
    )
    assert narratives == [
        "<p>Work &amp; progress</p><p>Second &lt;3</p>",
        "<p>Hello <b>there</b></p>",
    ]


def test_the_plan_slug_defaults_to_the_slug_of_its_title(importer):
    plan, _ = _import(importer, plan_title="Southend WSoA", area_name="Southend")

    assert plan.slug == "southend-wsoa"


def test_an_area_already_known_is_used_whatever_the_case_of_its_name(importer):
    area = factories.AreaFactory(name="Darlington", slug="darlington")
    factories.PersonFactory(area=area, name="Jo Littler")

    plan, _ = _import(importer, area_name="DARLINGTON")

    assert plan.area == area
    assert Area.objects.count() == 1
    assert Person.objects.filter(area=area, name="Jo Littler").count() == 1


def test_every_history_row_the_import_writes_names_the_importing_user(importer):
    marks = history_marks()

    _import(importer)

    rows = new_history_rows(marks)
    assert len(rows) > 50
    assert [r for r in rows if r.history_user_id is None] == []
    assert {r.history_user_id for r in rows} == {importer.pk}
    assert {r.history_change_reason for r in rows} == {"Imported from spreadsheet"}


# --- A messy but valid sheet ---------------------------------------------------------


def test_a_messy_but_valid_sheet_imports(importer):
    plan, _ = _import(importer, source=MESSY, updates=None)

    assert Issue.objects.filter(plan=plan).count() == 3
    assert Action.objects.filter(plan=plan).count() == 6
    assert OutcomeTarget.objects.filter(plan=plan).count() == 7
    assert Priority.objects.get(plan=plan, number=1).title == (
        "The effectiveness of meeting the needs of children and young people with SEND"
    )
    assert Priority.objects.get(plan=plan, number=2).title == "Poor preparation for adulthood"


def test_a_messy_sheet_reads_every_way_of_writing_a_month(importer):
    plan, _ = _import(importer, source=MESSY, updates=None)

    due = dict(Action.objects.filter(plan=plan).values_list("text", "due_month"))
    assert due["Implementation of new electronic process"] == dt.date(2023, 9, 1)
    assert due["Develop a comprehensive SEND Data Dashboard"] == dt.date(2023, 3, 1)
    assert due["Audit process for placement planning"] == dt.date(2023, 3, 1)
    assert due["Map local opportunities for education and employment post 18"] == dt.date(
        2023, 3, 1
    )
    ongoing = Action.objects.get(plan=plan, text="Conduct deep dive into recent tribunal")
    assert ongoing.is_ongoing and ongoing.due_month is None
    targets = dict(OutcomeTarget.objects.filter(plan=plan).values_list("text", "target_month"))
    assert targets["Audit of process shows effective transfer of information"] == dt.date(
        2023, 12, 1
    )
    assert targets["Exclusions for pupils with EHC plans will reduce by at least 10%"] == (
        dt.date(2024, 3, 1)
    )
    assert targets["Comprehensive gap analysis"] == dt.date(2025, 5, 1)
    assert targets["Footfall on this area will increase by 50%"] == dt.date(2025, 11, 1)


def test_a_messy_sheets_blank_ref_priority_and_issue_mean_as_the_row_above(importer):
    plan, _ = _import(importer, source=MESSY, updates=None)

    issue = Issue.objects.get(plan=plan, ref="1.2")
    assert issue.description == "Responsiveness to understanding and planning for changing needs"
    assert issue.actions.count() == 3
    assert Issue.objects.get(plan=plan, ref="1.1").actions.count() == 2


def test_a_messy_sheets_target_only_rows_belong_to_the_action_above(importer):
    plan, _ = _import(importer, source=MESSY, updates=None)

    action = Action.objects.get(plan=plan, text="Implementation of new electronic process")
    assert action.outcome_targets.count() == 2
    issue_only = Issue.objects.get(plan=plan, ref="2.1")
    assert issue_only.outcome_targets.filter(action__isnull=False).count() == 2


def test_a_messy_sheets_leads_split_on_semicolons_and_new_lines_and_match_by_name(importer):
    plan, _ = _import(importer, source=MESSY, updates=None)

    first = Action.objects.get(plan=plan, issue__ref="1.1", order=0)
    assert [lead.person.name for lead in first.lead_rows.all()] == ["Jo Littler", "Tony Murphy"]
    audit = Action.objects.get(plan=plan, text="Audit process for placement planning")
    assert [lead.person.name for lead in audit.lead_rows.all()] == ["Jo Littler"]
    map_action = Action.objects.get(plan=plan, issue__ref="2.1")
    assert [lead.person.name for lead in map_action.lead_rows.all()] == [
        "Paul Richardson",
        "Kevin Kelly",
    ]
    assert Person.objects.filter(area=plan.area).count() == 6
    links = Issue.objects.get(plan=plan, ref="1.1").strategy_links.values_list("name", flat=True)
    assert sorted(links) == ["EHCP", "Inclusion", "Joint Commissioning"]


def test_a_messy_sheets_bragg_and_rag_letters_colours_and_words_are_read(importer):
    plan, _ = _import(importer, source=MESSY, updates=None)

    statuses = dict(ActionStatus.objects.filter(plan=plan).values_list("action__text", "status"))
    assert statuses == {
        "Consult with parent/carers on alternative methods of collecting views": BRAGG.BLUE,
        "Implementation of new electronic process": BRAGG.GREEN,
        "Develop a comprehensive SEND Data Dashboard": BRAGG.AMBER,
        "Conduct deep dive into recent tribunal": BRAGG.GREY,
        "Audit process for placement planning": BRAGG.GREY,
        "Map local opportunities for education and employment post 18": BRAGG.RED,
    }
    rags = sorted(ImpactRating.objects.filter(plan=plan).values_list("rag", flat=True))
    assert rags == sorted([RAG.GREEN, RAG.AMBER, RAG.AMBER, RAG.RED, RAG.RED, RAG.GREEN])


def test_red_and_amber_statuses_are_accepted_with_a_note_saying_they_were_imported(importer):
    plan, _ = _import(importer, source=MESSY, updates=None)

    notes = dict(ActionStatus.objects.filter(plan=plan).values_list("status", "note"))
    assert notes[BRAGG.RED] == IMPORTED_NOTE
    assert notes[BRAGG.AMBER] == IMPORTED_NOTE
    assert notes[BRAGG.GREEN] == ""


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("B", BRAGG.BLUE),
        ("blue", BRAGG.BLUE),
        ("Completed Embedded Sustained (B)", BRAGG.BLUE),
        ("R", BRAGG.RED),
        ("Major concerns", BRAGG.RED),
        ("a", BRAGG.AMBER),
        ("On track, some concerns", BRAGG.AMBER),
        ("G", BRAGG.GREEN),
        (" green ", BRAGG.GREEN),
        ("On track, no concerns (G)", BRAGG.GREEN),
        ("Green – on track, no concerns", BRAGG.GREEN),
        ("Grey", BRAGG.GREY),
        ("gray", BRAGG.GREY),
        ("Gr", BRAGG.GREY),
        ("Not started", BRAGG.GREY),
        ("Not started, not due (G)", BRAGG.GREY),
        ("", ""),
        (None, ""),
    ],
)
def test_a_bragg_status_is_read_from_its_letter_colour_or_words(text, value):
    assert parse_bragg(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("R", RAG.RED),
        ("Impact not measured or negative impact", RAG.RED),
        ("amber", RAG.AMBER),
        ("Impact being measured Either Neutral or (not yet measured)", RAG.AMBER),
        ("G", RAG.GREEN),
        ("Positive Impact Both Measured and Demonstrable", RAG.GREEN),
        ("", ""),
    ],
)
def test_a_rag_impact_rating_is_read_from_its_letter_colour_or_words(text, value):
    assert parse_rag(text) == value


@pytest.mark.parametrize("text", ["Purple", "Blue-ish", "Grey/Green", "5"])
def test_an_unknown_bragg_value_is_refused_in_plain_english(text):
    with pytest.raises(ValueError, match="Enter a BRAGG status"):
        parse_bragg(text)


# --- A bad sheet -----------------------------------------------------------------------

BAD_PROBLEMS = [
    'Row 2, column by_when: Enter a month such as "Dec 2022" or "2023-03"; "31/02/2023" is '
    "not a date.",
    "Row 3, column bragg: Enter a BRAGG status: Blue, Red, Amber, Green or Grey (or B, R, A, "
    'G); "Purple" is not one.',
    'Row 3, column target_date: Enter a month such as "Dec 2022" or "2023-03"; "Q5 2023" is '
    'not a quarter: financial-year quarters run from Q1 to Q4, such as "Q3 2023/24".',
    'Row 5, column issue: Issue 1.2 is described differently on row 4 ("Responsiveness to '
    'changing needs"). Leave the cell blank or repeat the same text.',
    "Row 5, column completed: Enter the date the action was completed, as it is Blue.",
    "Row 6, column priority: Enter the title of priority 2: this is the first row that names it.",
    "Row 6, column actioned_by: Enter the action this actioned_by belongs to in the action "
    "column, or leave actioned_by blank.",
    'Row 6, column by_when: Enter a month such as "Dec 2022" or "2023-03"; "Smarch 2023" is '
    "not a month we can read.",
    "Updates row 3, column ref: There is no issue 1.9 in the plan.",
    'Updates row 4, column date: Enter the month the entry was written, such as "Dec 2022".',
    "Updates row 4, column text: Enter the story so far.",
]


def test_a_bad_sheets_preview_reports_every_bad_row_with_its_row_and_column(importer):
    before = row_counts()

    preview = preview_plan_import(
        source=BAD,
        updates=BAD_UPDATES,
        area_name="Darlington",
        plan_title="Darlington WSoA",
        user=importer,
    )

    assert [str(p) for p in preview.problems] == BAD_PROBLEMS
    assert row_counts() == before


def test_confirming_a_bad_sheet_writes_nothing_in_any_table_history_included(importer):
    before = row_counts()

    with pytest.raises(PlanImportError) as error:
        _import(importer, source=BAD, updates=BAD_UPDATES)

    assert len(error.value.problems) == len(BAD_PROBLEMS)
    assert row_counts() == before
    assert not Area.objects.filter(name="Darlington").exists()


def test_a_good_sheet_with_one_bad_row_writes_nothing(importer, tmp_path):
    text = Path(GOOD).read_text(encoding="utf-8").replace("Dec 2023", "Smarch 2023")
    source = _write(tmp_path, "plan.csv", text)
    before = row_counts()

    with pytest.raises(PlanImportError) as error:
        _import(importer, source=source)

    assert [str(p) for p in error.value.problems] == [
        'Row 3, column target_date: Enter a month such as "Dec 2022" or "2023-03"; "Smarch '
        '2023" is not a month we can read.'
    ]
    assert row_counts() == before


def test_a_good_sheet_whose_story_so_far_has_one_bad_row_writes_nothing(importer, tmp_path):
    updates = _write(tmp_path, "updates.csv", "ref,date,text\n1.1,Dec 2022,Fine\n3.1,,Lost\n")
    before = row_counts()

    with pytest.raises(PlanImportError) as error:
        _import(importer, updates=updates)

    assert [str(p) for p in error.value.problems] == [
        "Updates row 3, column ref: There is no issue 3.1 in the plan."
    ]
    assert row_counts() == before


def test_the_preview_writes_nothing_and_says_what_the_import_would_create(importer):
    before = row_counts()

    preview = preview_plan_import(
        source=GOOD,
        updates=GOOD_UPDATES,
        area_name="Darlington",
        plan_title="Darlington WSoA",
        user=importer,
    )

    assert preview.ok
    assert row_counts() == before
    assert preview.counts["issues to be addressed"] == {"created": 3}
    assert preview.counts["story so far entries"] == {"created": 4}
    assert "actions: 5 created, 0 changed, 0 deleted" in preview.summary()


# --- Importing again -------------------------------------------------------------------


def test_importing_the_same_file_twice_without_replace_is_refused(importer):
    _import(importer)
    before = row_counts()

    with pytest.raises(PlanImportError) as error:
        _import(importer)

    assert str(error.value) == (
        'The plan "darlington-wsoa" already has content (2 priorities, 3 issues to be '
        "addressed, 5 actions, 6 outcome targets, 4 story so far entries). Importing into it "
        "again would duplicate it: replace its content instead (--replace)."
    )
    assert row_counts() == before


def test_importing_the_same_file_again_with_replace_changes_no_object_and_no_history(importer):
    _import(importer)
    before = row_counts()
    marks = history_marks()

    plan, preview = _import(importer, replace=True)

    assert preview.changes == 0
    assert row_counts() == before
    assert new_history_rows(marks) == []


def test_replacing_with_a_changed_sheet_updates_in_place_and_keeps_the_history(importer, tmp_path):
    plan, _ = _import(importer)
    removed = Action.objects.get(plan=plan, issue__ref="1.2", order=1)
    kept = Action.objects.get(plan=plan, issue__ref="1.1", order=0)
    lines = Path(GOOD).read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if "Ensure alignment" not in line]
    lines = [
        line.replace("Jo Littler,October 2022", "Jo Littler; Tony Murphy,Dec 2022")
        for line in lines
    ]
    source = _write(tmp_path, "plan.csv", "\n".join(lines) + "\n")

    plan, preview = _import(importer, source=source, replace=True)

    assert not Action.objects.filter(pk=removed.pk).exists()
    assert removed.history.filter(history_type="-").get().history_user == importer
    assert removed.history.count() == 2
    kept.refresh_from_db()
    assert kept.due_month == dt.date(2022, 12, 1)
    assert kept.history.count() == 2
    assert [lead.person.name for lead in kept.lead_rows.all()] == ["Jo Littler", "Tony Murphy"]
    assert preview.counts["actions"] == {"updated": 1, "deleted": 1}
    assert preview.counts["action leads"] == {"created": 1, "deleted": 2}


def test_replacing_records_the_user_and_reason_for_every_change_and_deletion(importer, tmp_path):
    _import(importer)
    lines = Path(GOOD).read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if "Ensure alignment" not in line]
    lines = [line.replace("Jo Littler,October 2022", "Tony Murphy,Dec 2022") for line in lines]
    source = _write(tmp_path, "plan.csv", "\n".join(lines) + "\n")
    marks = history_marks()

    _import(importer, source=source, updates=None, replace=True)

    rows = new_history_rows(marks)
    assert {r.history_type for r in rows} == {"+", "~", "-"}
    assert {(r.history_user_id, r.history_change_reason) for r in rows} == {
        (importer.pk, "Imported from spreadsheet")
    }


def test_a_plan_of_another_area_is_not_imported_into(importer):
    factories.PlanFactory(
        area=factories.AreaFactory(name="Durham"), title="Darlington WSoA", slug="darlington-wsoa"
    )

    with pytest.raises(PlanImportError, match="belongs to Durham, not to Darlington"):
        _import(importer, replace=True)


def test_a_closed_reporting_month_cannot_take_imported_ratings(importer):
    plan, _ = _import(importer)
    factories.ReportingMonthFactory(plan=plan, month=MONTH, status=MonthStatus.CLOSED)

    with pytest.raises(PlanImportError, match="March 2024 of this plan is closed"):
        _import(importer, replace=True)


# --- The command -----------------------------------------------------------------------


def _command(*args, **options):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_plan", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_a_plan_and_prints_what_it_created(importer):
    out, _ = _command(
        GOOD,
        area="Southend",
        plan="Southend WSoA",
        updates=GOOD_UPDATES,
        user="importer",
        month=MONTH,
    )

    plan = Plan.objects.get(slug="southend-wsoa")
    assert "Imported Southend WSoA (southend-wsoa) for Southend:" in out
    assert "actions: 5 created, 0 changed, 0 deleted" in out
    assert ActionStatus.objects.filter(plan=plan, month=MONTH).count() == 5


def test_the_command_acts_as_the_system_user_when_no_user_is_given(db):
    _command(GOOD, area="Southend", plan="Southend WSoA", slug="southend")

    plan = Plan.objects.get(slug="southend")
    creator = plan.history.get().history_user
    assert creator.username == "sendplan-system"
    assert not creator.is_active
    assert not creator.has_usable_password()


def test_the_commands_dry_run_writes_nothing(importer):
    before = row_counts()

    out, _ = _command(GOOD, area="Southend", plan="Southend WSoA", dry_run=True, user="importer")

    assert "Dry run: nothing was written." in out
    assert "issues to be addressed: 3 created, 0 changed, 0 deleted" in out
    assert row_counts() == before


def test_the_command_with_replace_run_twice_changes_nothing(importer):
    _command(GOOD, area="Southend", plan="Southend WSoA", user="importer", month=MONTH)

    out, _ = _command(
        GOOD, area="Southend", plan="Southend WSoA", user="importer", month=MONTH, replace=True
    )

    assert "nothing to change" in out


def test_the_command_refuses_a_second_import_without_replace(importer):
    _command(GOOD, area="Southend", plan="Southend WSoA", user="importer")

    with pytest.raises(CommandError, match=r"already has content .* \(--replace\)"):
        _command(GOOD, area="Southend", plan="Southend WSoA", user="importer")


def test_the_command_names_a_missing_file(db):
    with pytest.raises(CommandError) as error:
        _command("tests/files/nowhere.csv", area="Southend", plan="Southend WSoA")

    assert str(error.value) == "There is no file tests/files/nowhere.csv."
    assert error.value.returncode == 1


def test_the_command_names_the_headers_a_sheet_must_have(db, tmp_path):
    source = _write(tmp_path, "plan.csv", "Ref,Action,Lead\n1.1,Do it,Jo\n")

    with pytest.raises(CommandError) as error:
        _command(source, area="Southend", plan="Southend WSoA")

    assert str(error.value) == (
        "The sheet's headers must be exactly: ref,priority,issue,strategy_links,action,"
        "actioned_by,by_when,completed,bragg,outcome_target,target_date,impact_rag; found: "
        "Ref,Action,Lead."
    )


def test_the_command_gives_one_line_for_one_bad_row(db, tmp_path):
    text = (
        Path(GOOD)
        .read_text(encoding="utf-8")
        .replace("Tony Murphy,Sept 2023", "Tony Murphy,31/02/2023")
    )
    source = _write(tmp_path, "plan.csv", text)

    with pytest.raises(CommandError) as error:
        _command(source, area="Southend", plan="Southend WSoA")

    assert str(error.value) == (
        'Row 3, column by_when: Enter a month such as "Dec 2022" or "2023-03"; "31/02/2023" '
        "is not a date."
    )


def test_the_command_prints_each_of_many_bad_rows_on_its_own_line(db):
    before = row_counts()

    with pytest.raises(CommandError) as error:
        _command(BAD, area="Southend", plan="Southend WSoA", updates=BAD_UPDATES)

    assert str(error.value) == "11 problems were found; nothing was imported."
    assert row_counts() == before


def test_the_command_prints_the_problems_to_stderr(db, capsys):
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_plan", BAD, area="Southend", plan="Southend WSoA", stderr=err, stdout=StringIO()
        )

    assert err.getvalue().splitlines() == BAD_PROBLEMS[:8]


def test_the_command_names_an_unknown_user(db):
    with pytest.raises(CommandError, match='There is no user "nobody".'):
        _command(GOOD, area="Southend", plan="Southend WSoA", user="nobody")


def test_the_command_refuses_a_month_not_written_as_year_and_month(db):
    with pytest.raises(CommandError, match="Enter --month as YYYY-MM"):
        call_command(
            "import_plan", GOOD, "--area", "Southend", "--plan", "Southend WSoA", "--month", "March"
        )


# --- The admin -------------------------------------------------------------------------


@pytest.fixture
def admin_client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def _upload(client, path=GOOD, updates=GOOD_UPDATES, **fields):
    data = {
        "area_name": "Darlington",
        "plan_title": "Darlington WSoA",
        "month": "2024-03",
        **fields,
    }
    with open(path, "rb") as plan_file:
        data["file"] = plan_file
        if updates:
            with open(updates, "rb") as updates_file:
                data["updates"] = updates_file
                return client.post(reverse("admin:spreadsheets_planimport_add"), data)
        return client.post(reverse("admin:spreadsheets_planimport_add"), data)


def test_the_admin_previews_an_upload_and_imports_it_on_confirmation(admin_user, admin_client_for):
    client = admin_client_for(admin_user)

    response = _upload(client)
    stored = PlanImport.objects.get()
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert b"What the import will do" in preview.content
    assert not Plan.objects.exists()

    done = client.post(response["Location"], {"sha256": stored.sha256})

    plan = Plan.objects.get(slug="darlington-wsoa")
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:sendplan_plan_change", args=[plan.pk])
    stored.refresh_from_db()
    assert stored.status == PlanImportStatus.IMPORTED
    assert stored.plan == plan
    assert bytes(stored.content) == b""
    assert plan.history.get().history_user == admin_user


def test_the_admin_preview_lists_every_problem_and_offers_no_import(admin_user, admin_client_for):
    client = admin_client_for(admin_user)

    response = client.get(_upload(client, path=BAD, updates=BAD_UPDATES)["Location"])

    assert b"11 problems" in response.content
    assert b"Smarch 2023" in response.content
    assert b'value="Import"' not in response.content


def test_the_admin_does_not_import_a_stored_file_that_has_changed(admin_user, admin_client_for):
    client = admin_client_for(admin_user)
    location = _upload(client)["Location"]
    stored = PlanImport.objects.get()
    PlanImport.objects.filter(pk=stored.pk).update(content=b"ref\n")

    response = client.post(location, {"sha256": stored.sha256})

    assert response.status_code == 302
    assert not Plan.objects.exists()


def test_the_admin_refuses_a_file_over_the_size_limit(admin_user, admin_client_for, settings):
    settings.SENDPLAN_IMPORT_MAX_BYTES = 100
    client = admin_client_for(admin_user)

    response = _upload(client, updates=None)

    assert response.status_code == 200
    assert b"the largest file that can be imported is" in response.content
    assert not PlanImport.objects.exists()


def test_staff_without_the_import_permission_cannot_upload(admin_client_for, db):
    staff = factories.UserFactory(username="staff", is_staff=True)
    client = admin_client_for(staff)

    response = client.get(reverse("admin:spreadsheets_planimport_add"))

    assert response.status_code == 403


def test_a_programme_manager_imports_only_into_their_own_area(admin_client_for, db):
    from django.contrib.auth.models import Permission

    area = factories.AreaFactory(name="Darlington", slug="darlington")
    other = factories.AreaFactory(name="Durham", slug="durham")
    manager = factories.UserFactory(username="pm", is_staff=True)
    manager.user_permissions.add(Permission.objects.get(codename="add_planimport"))
    factories.MembershipFactory(user=manager, area=area, role="programme_manager")
    client = admin_client_for(manager)

    refused = _upload(client, area_name=other.name)
    accepted = _upload(client, area_name="darlington")

    assert b"Select a local area where you are the programme manager" in refused.content
    assert accepted.status_code == 302
    assert PlanImport.objects.get().area_name == "Darlington"


def test_a_priority_named_only_by_its_number_takes_the_number_as_its_title(importer, tmp_path):
    source = _write(
        tmp_path,
        "plan.csv",
        "ref,priority,issue,strategy_links,action,actioned_by,by_when,completed,bragg,"
        "outcome_target,target_date,impact_rag\n"
        "1.1,Priority 1,Information shared,,Consult,,,,,,,\n"
        "2.1,2,Post 19 offer,,,,,,,,,\n",
    )

    plan, _ = _import(importer, source=source, updates=None)

    assert list(plan.priorities.values_list("number", "title")) == [
        (1, "Priority 1"),
        (2, "Priority 2"),
    ]


def test_a_priority_cell_naming_another_priority_than_the_ref_is_refused(importer, tmp_path):
    source = _write(
        tmp_path,
        "plan.csv",
        "ref,priority,issue,strategy_links,action,actioned_by,by_when,completed,bragg,"
        "outcome_target,target_date,impact_rag\n"
        "1.3,2. Poor preparation for adulthood,Post 19 offer,,,,,,,,,\n",
    )

    with pytest.raises(PlanImportError) as error:
        _import(importer, source=source, updates=None)

    assert str(error.value) == (
        "Row 2, column priority: The ref 1.3 puts this issue under priority 1, but this cell "
        "names priority 2."
    )


def test_replacing_with_a_line_inserted_keeps_each_actions_ratings_with_it(importer, tmp_path):
    plan, _ = _import(importer)
    consult = Action.objects.get(plan=plan, issue__ref="1.1", order=0)
    lines = Path(GOOD).read_text(encoding="utf-8").splitlines()
    inserted = (
        lines[1].split(',"Consult with')[0] + ",A new first action,Jo Littler,Jan 2024,,Green,,,"
    )
    source = _write(tmp_path, "plan.csv", "\n".join([lines[0], inserted, *lines[1:]]) + "\n")

    plan, preview = _import(importer, source=source, replace=True, month=dt.date(2024, 4, 1))

    consult.refresh_from_db()
    assert consult.text.startswith("Consult with parent/carers")
    assert consult.order == 1
    assert list(consult.statuses.values_list("month", "status")) == [
        (dt.date(2024, 4, 1), BRAGG.BLUE),
        (MONTH, BRAGG.BLUE),
    ]
    new = Action.objects.get(plan=plan, issue__ref="1.1", order=0)
    assert new.text == "A new first action"
    assert preview.counts["actions"] == {"created": 1, "updated": 2}


def test_replacing_with_an_edited_action_updates_it_in_place(importer, tmp_path):
    plan, _ = _import(importer)
    dashboard = Action.objects.get(plan=plan, issue__ref="1.2", order=0)
    text = (
        Path(GOOD)
        .read_text(encoding="utf-8")
        .replace("Develop a comprehensive SEND Data Dashboard", "Develop a SEND data dashboard")
    )
    source = _write(tmp_path, "plan.csv", text)

    plan, preview = _import(importer, source=source, replace=True)

    dashboard.refresh_from_db()
    assert dashboard.text.startswith("Develop a SEND data dashboard")
    assert preview.counts == {"actions": {"updated": 1}}
