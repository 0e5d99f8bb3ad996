"""The seeded plans exported, imported into an empty area and exported again: the same file.

Durham's plan has priorities (its areas for improvement) with no issues under them; they
are rows of their own with the priority's reference in ref and priority_ref.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from openpyxl import load_workbook

from demo.seeding import load_plan_fixture, system_user
from sendplan.models import Priority
from spreadsheets.reading import Upload
from spreadsheets.services import (
    confirm_plan_import,
    export_plan,
    export_plan_updates,
)

FIXTURES = settings.BASE_DIR / "fixtures"
MONTH = dt.date(2024, 3, 1)


def _cells(data: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


@pytest.fixture(params=["darlington-wsoa-2023", "durham-lap-2024"])
def seeded(request, db):
    return load_plan_fixture(FIXTURES / f"{request.param}.json", user=system_user())


def test_xlsx_export_import_export_gives_the_same_cells(seeded, importer):
    first = export_plan(plan=seeded, fmt="xlsx")

    copy, _ = confirm_plan_import(
        source=Upload("plan.xlsx", first),
        area_name="Empty area",
        plan_title=seeded.title,
        user=importer,
        month=MONTH,
    )

    assert copy.area != seeded.area
    assert _cells(export_plan(plan=copy, fmt="xlsx")) == _cells(first)
    assert (
        Priority.objects.filter(plan=copy).count() == Priority.objects.filter(plan=seeded).count()
    )


def test_csv_export_import_export_gives_the_same_bytes(seeded, importer):
    plan_csv = export_plan(plan=seeded, fmt="csv")
    updates_csv = export_plan_updates(plan=seeded)

    copy, _ = confirm_plan_import(
        source=Upload("plan.csv", plan_csv),
        updates=Upload("updates.csv", updates_csv) if len(updates_csv.splitlines()) > 1 else None,
        area_name="Empty area",
        plan_title=seeded.title,
        user=importer,
        month=MONTH,
    )

    assert export_plan(plan=copy, fmt="csv") == plan_csv
    assert export_plan_updates(plan=copy) == updates_csv


def test_export_plan_lists_durhams_four_areas_for_improvement(db, tmp_path):
    durham = load_plan_fixture(FIXTURES / "durham-lap-2024.json", user=system_user())
    output = tmp_path / "durham.xlsx"

    call_command("export_plan", "--plan", "durham-lap-2024", "-o", str(output))

    rows = _cells(output.read_bytes())["plan"][1:]
    titles = list(
        Priority.objects.filter(plan=durham).order_by("number").values_list("title", flat=True)
    )
    assert len(titles) == 4
    assert [(row[0], row[1]) for row in rows] == [
        (str(number), title) for number, title in enumerate(titles, start=1)
    ]


def test_xlsx_refs_are_text_so_1_10_stays_1_10(db):
    darlington = load_plan_fixture(FIXTURES / "darlington-wsoa-2023.json", user=system_user())

    sheet = load_workbook(io.BytesIO(export_plan(plan=darlington, fmt="xlsx")))["plan"]

    refs = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.number_format == "@" and isinstance(cell.value, str) for cell in refs)
    assert "1.10" in {cell.value for cell in refs}


def test_a_bare_reference_with_an_action_is_an_issue_under_its_priority(importer):
    # A plan numbering by pillar alone: "1" is the issue's reference, not a priority's.
    sheet = (
        b"ref,priority,issue,strategy_links,action,actioned_by,by_when,completed,bragg,"
        b"outcome_target,target_date,impact_rag\r\n"
        b"1,Area for improvement 1,,,Audit EHC plans,,,,,,,\r\n"
    )

    plan, _ = confirm_plan_import(
        source=Upload("plan.csv", sheet),
        area_name="Durham",
        plan_title="LAP",
        user=importer,
        month=MONTH,
    )

    priority = Priority.objects.get(plan=plan)
    assert (priority.ref, priority.label) == ("", "Area for improvement 1")
    assert [(i.ref, i.actions.get().text) for i in priority.issues.all()] == [
        ("1", "Audit EHC plans")
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_plans_own_export_imported_back_into_it_changes_nothing(seeded, importer, fmt):
    """The programme manager downloads the plan and uploads it again unchanged: the
    preview says nothing will change (it said 37 outcome targets would, when the export
    left out what the import then set)."""
    from spreadsheets.services import preview_plan_import

    data = export_plan(plan=seeded, fmt=fmt)

    preview = preview_plan_import(
        source=Upload(f"plan.{fmt}", data),
        area_name=seeded.area.name,
        plan_title=seeded.title,
        slug=seeded.slug,
        replace=True,
        user=importer,
        month=MONTH,
    )

    assert preview.ok, preview.problems
    assert preview.changes == 0, preview.summary()


def test_the_demo_plans_own_exports_imported_back_change_only_this_months_ratings(db, importer):
    """With seed_demo's months of example updates on top: the plan's structure and story
    so far are as they were; only the import month's BRAGG and RAG ratings are new."""
    from sendplan.models import Plan
    from spreadsheets.services import preview_plan_import

    call_command("seed_demo", stdout=io.StringIO())

    for plan in Plan.objects.filter(slug__in=["darlington-wsoa-2023", "durham-lap-2024"]):
        preview = preview_plan_import(
            source=Upload("plan.xlsx", export_plan(plan=plan, fmt="xlsx")),
            area_name=plan.area.name,
            plan_title=plan.title,
            slug=plan.slug,
            replace=True,
            user=importer,
        )

        assert preview.ok, preview.problems
        assert set(preview.counts) <= {"BRAGG statuses", "RAG impact ratings"}, (
            plan.slug,
            preview.summary(),
        )


def test_a_leads_draft_story_is_not_exported_and_a_reimport_leaves_it(seeded, importer):
    from actions.models import EntryState, StoryEntry
    from sendplan.models import Issue
    from spreadsheets.services import confirm_plan_import

    issue = Issue.objects.filter(plan=seeded).order_by("order").first()
    owner = {"issue": issue} if issue else {"priority": Priority.objects.filter(plan=seeded)[0]}
    draft = StoryEntry.objects.create(
        plan=seeded,
        **owner,
        month=MONTH,
        narrative="<p>Half-written: waiting for the figures.</p>",
        state=EntryState.DRAFT,
    )
    data = export_plan(plan=seeded, fmt="xlsx")

    assert "Half-written" not in str(_cells(data)["updates"])
    confirm_plan_import(
        source=Upload("plan.xlsx", data),
        area_name=seeded.area.name,
        plan_title=seeded.title,
        slug=seeded.slug,
        replace=True,
        user=importer,
        month=MONTH,
    )
    draft.refresh_from_db()
    assert draft.state == EntryState.DRAFT
