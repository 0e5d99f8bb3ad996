"""Importing a whole plan: bad sheets write nothing, and importing again replaces in place."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from actions.models import Action
from sendplan.models import Area, MonthStatus
from sendplan.ratings import BRAGG
from spreadsheets.services import (
    PlanImportError,
    preview_plan_import,
)
from tests import factories

from .import_helpers import (
    BAD,
    BAD_PROBLEMS,
    BAD_UPDATES,
    GOOD,
    GOOD_UPDATES,
    MONTH,
    history_marks,
    import_plan,
    new_history_rows,
    row_counts,
    write_file,
)

# --- A bad sheet -----------------------------------------------------------------------


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
        import_plan(importer, source=BAD, updates=BAD_UPDATES)

    assert len(error.value.problems) == len(BAD_PROBLEMS)
    assert row_counts() == before
    assert not Area.objects.filter(name="Darlington").exists()


def test_a_good_sheet_with_one_bad_row_writes_nothing(importer, tmp_path):
    text = Path(GOOD).read_text(encoding="utf-8").replace("Dec 2023", "Smarch 2023")
    source = write_file(tmp_path, "plan.csv", text)
    before = row_counts()

    with pytest.raises(PlanImportError) as error:
        import_plan(importer, source=source)

    assert [str(p) for p in error.value.problems] == [
        'Row 3, column target_date: Enter a month such as "Dec 2022" or "2023-03"; "Smarch '
        '2023" is not a month we can read.'
    ]
    assert row_counts() == before


def test_a_good_sheet_whose_story_so_far_has_one_bad_row_writes_nothing(importer, tmp_path):
    updates = write_file(tmp_path, "updates.csv", "ref,date,text\n1.1,Dec 2022,Fine\n3.1,,Lost\n")
    before = row_counts()

    with pytest.raises(PlanImportError) as error:
        import_plan(importer, updates=updates)

    assert [str(p) for p in error.value.problems] == [
        "Updates row 3, column ref: There is no issue or priority 3.1 in the plan."
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
    import_plan(importer)
    before = row_counts()

    with pytest.raises(PlanImportError) as error:
        import_plan(importer)

    assert str(error.value) == (
        'The plan "darlington-wsoa" already has content (2 priorities, 3 issues to be '
        "addressed, 5 actions, 6 outcome targets, 4 story so far entries). Importing into it "
        "again would duplicate it: replace its content instead (--replace)."
    )
    assert row_counts() == before


def test_importing_the_same_file_again_with_replace_changes_no_object_and_no_history(importer):
    import_plan(importer)
    before = row_counts()
    marks = history_marks()

    plan, preview = import_plan(importer, replace=True)

    assert preview.changes == 0
    assert row_counts() == before
    assert new_history_rows(marks) == []


def test_replacing_with_a_changed_sheet_updates_in_place_and_keeps_the_history(importer, tmp_path):
    plan, _ = import_plan(importer)
    removed = Action.objects.get(plan=plan, issue__ref="1.2", order=1)
    kept = Action.objects.get(plan=plan, issue__ref="1.1", order=0)
    lines = Path(GOOD).read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if "Ensure alignment" not in line]
    lines = [
        line.replace("Jo Littler,October 2022", "Jo Littler; Tony Murphy,Dec 2022")
        for line in lines
    ]
    source = write_file(tmp_path, "plan.csv", "\n".join(lines) + "\n")

    plan, preview = import_plan(importer, source=source, replace=True)

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
    import_plan(importer)
    lines = Path(GOOD).read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if "Ensure alignment" not in line]
    lines = [line.replace("Jo Littler,October 2022", "Tony Murphy,Dec 2022") for line in lines]
    source = write_file(tmp_path, "plan.csv", "\n".join(lines) + "\n")
    marks = history_marks()

    import_plan(importer, source=source, updates=None, replace=True)

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
        import_plan(importer, replace=True)


def test_a_closed_reporting_month_cannot_take_imported_ratings(importer):
    plan, _ = import_plan(importer)
    factories.ReportingMonthFactory(plan=plan, month=MONTH, status=MonthStatus.CLOSED)

    with pytest.raises(PlanImportError, match="March 2024 of this plan is closed"):
        import_plan(importer, replace=True)


def test_replacing_with_a_line_inserted_keeps_each_actions_ratings_with_it(importer, tmp_path):
    plan, _ = import_plan(importer)
    consult = Action.objects.get(plan=plan, issue__ref="1.1", order=0)
    lines = Path(GOOD).read_text(encoding="utf-8").splitlines()
    inserted = (
        lines[1].split(',"Consult with')[0] + ",A new first action,Jo Littler,Jan 2024,,Green,,,"
    )
    source = write_file(tmp_path, "plan.csv", "\n".join([lines[0], inserted, *lines[1:]]) + "\n")

    plan, preview = import_plan(importer, source=source, replace=True, month=dt.date(2024, 4, 1))

    consult.refresh_from_db()
    assert consult.text.startswith("Consult with parent/carers")
    assert consult.order == 1
    assert list(consult.statuses.values_list("month", "status")) == [
        (dt.date(2024, 4, 1), BRAGG.BLUE),
        (MONTH, BRAGG.BLUE),
    ]
    new = Action.objects.get(plan=plan, issue__ref="1.1", order=0)
    assert new.text == "A new first action"
    # The next action keeps its order: a tie with the one before, read oldest first.
    assert preview.counts["actions"] == {"created": 1, "updated": 1}


def test_replacing_with_an_edited_action_updates_it_in_place(importer, tmp_path):
    plan, _ = import_plan(importer)
    dashboard = Action.objects.get(plan=plan, issue__ref="1.2", order=0)
    text = (
        Path(GOOD)
        .read_text(encoding="utf-8")
        .replace("Develop a comprehensive SEND Data Dashboard", "Develop a SEND data dashboard")
    )
    source = write_file(tmp_path, "plan.csv", text)

    plan, preview = import_plan(importer, source=source, replace=True)

    dashboard.refresh_from_db()
    assert dashboard.text.startswith("Develop a SEND data dashboard")
    assert preview.counts == {"actions": {"updated": 1}}
