"""The demo's programme manager imports plans as councils wrote them (issue 17) from a
plan's import and export page, each into a new plan of Darlington: a county's CSV in its
own words, a city's workbook with a title and a super-header above its headers and its
priorities as merged heading rows, a borough's sheet of pillar and letter references, and
a Word document with cells merged "as above". For each, the preview shows the field each
column fills and lists the one it does not know as not imported; the manager chooses that
column's field, reads the preview again, imports, and finds the plan's references as the
council wrote them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import expect

from sendplan.models import Plan
from tests.spreadsheets.layouts import (
    PILLARS_CSV,
    county_csv,
    super_header_workbook,
    word_plan,
)

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Layout:
    name: str  # the file's name, and of its screenshots
    mime: str
    data: bytes
    title: str  # of the new plan
    known: dict[str, str]  # some headers of the file → the field the preview gives them
    unknown: str  # the header the import does not know
    field: str  # the field the manager chooses for it


COUNTY = Layout(
    "county-wsoa.csv",
    CSV,
    county_csv(measures="How we will know it has worked").encode(),
    "County WSoA",
    {"Ref": "ref", "Area for improvement": "priority", "What we will do": "action"},
    "How we will know it has worked",
    "outcome_target",
)
CITY = Layout(
    "city-lap-plan.xlsx",
    XLSX,
    super_header_workbook(lead="Accountable officer"),
    "City LAP plan",
    {"No.": "ref", "Issue": "issue", "Success criteria": "outcome_target"},
    "Accountable officer",
    "actioned_by",
)
BOROUGH = Layout(
    "borough-pillars.csv",
    CSV,
    PILLARS_CSV.encode(),
    "Borough pillars plan",
    {"Pillar": "priority", "Ref": "ref", "Identified need": "issue"},
    "Pillar ref",
    "priority_ref",
)
WORD = Layout(
    "county-wsoa.docx",
    DOCX,
    word_plan(lead="Accountable"),
    "County Word WSoA",
    {"Ref": "ref", "Issue": "issue", "Timescale": "by_when"},
    "Accountable",
    "actioned_by",
)


def _upload(page, live_server, plan, layout: Layout):
    page.goto(f"{live_server.url}/plans/{plan.slug}/import-export/")
    page.get_by_label("Plan spreadsheet").set_input_files(
        {"name": layout.name, "mimeType": layout.mime, "buffer": layout.data}
    )
    page.get_by_label("A new plan in this area").check()
    page.get_by_label("Title of the new plan").fill(layout.title)
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Preview the import of {layout.name}"
    )


def _choose_the_unknown_columns_field(page, layout: Layout):
    """Reads the column table, chooses the field of the column it does not know and reads
    the preview again."""
    columns = page.get_by_role("table", name="Columns of the file")
    for header, field in layout.known.items():
        expect(columns.get_by_label(header, exact=True)).to_have_value(field)
    unknown = columns.get_by_label(layout.unknown, exact=True)
    expect(unknown).to_have_value("")
    expect(page.get_by_text("will not be imported:")).to_contain_text(
        f"“{layout.unknown}” (its header is not one the import knows)"
    )

    unknown.select_option(layout.field)
    page.get_by_role("button", name="Preview again with these columns").click()

    expect(page.get_by_text("The file was read again with the columns you chose.")).to_be_visible()
    columns = page.get_by_role("table", name="Columns of the file")
    expect(columns.get_by_label(layout.unknown, exact=True)).to_have_value(layout.field)
    expect(page.get_by_text(f"“{layout.unknown}”")).to_have_count(0)


def _import(page, live_server, layout: Layout) -> Plan:
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(f"Imported {layout.title}")
    plan = Plan.objects.get(title=layout.title)
    assert page.url == f"{live_server.url}{plan.get_absolute_url()}"
    return plan


def _priorities(page) -> list[str]:
    return (
        page.get_by_role("main")
        .get_by_role("heading", level=2)
        .filter(has=page.get_by_role("link"))
        .all_inner_texts()
    )


def _issue_row(page, ref: str):
    """The plan page's row of the issue: its description and its number of actions."""
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=ref, exact=True))
    expect(row).to_have_count(1)
    cells = row.get_by_role("cell")
    return cells.nth(0).inner_text(), cells.nth(1).inner_text()


def _created(page, records: str):
    """The preview's count of ``records`` created ("Actions", "Outcome targets")."""
    summary = page.get_by_role("table", name="What the import will do")
    row = summary.get_by_role("row", name=re.compile(f"^{records}"))
    return row.get_by_role("cell").nth(0)


def test_the_programme_manager_imports_four_council_layouts_through_the_preview(
    page, sign_in_as, live_server, seeded, axe, screenshot
):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_as("darlington-pm")

    # A county's CSV in its own words: the outcome targets' column is one it chose.
    _upload(page, live_server, seeded, COUNTY)
    expect(page.get_by_text("will not be imported:")).to_contain_text(
        "“November progress update from action lead” (a progress update has no month"
    )
    expect(_created(page, "Outcome targets")).to_have_count(0)
    axe(page, "import-preview-council-columns")
    screenshot(page, "import-preview-county-csv-as-read")
    _choose_the_unknown_columns_field(page, COUNTY)
    expect(_created(page, "Outcome targets")).to_have_text("2")
    expect(_created(page, "Actions")).to_have_text("3")
    axe(page, "import-preview-council-columns-chosen")
    screenshot(page, "import-preview-county-csv")
    _import(page, live_server, COUNTY)
    assert _priorities(page) == [
        "Priority 1: Identifying needs early",
        "Priority 2: Working together",
    ]
    # Two actions under the one reference 1.1, both kept.
    assert _issue_row(page, "1.1") == ("Children wait too long for assessment", "2")
    assert _issue_row(page, "2.1") == ("Families tell their story many times", "1")
    screenshot(page, "imported-county-csv")

    # A city's workbook: a title and a super-header above the headers, priorities as
    # heading rows merged across the table.
    _upload(page, live_server, seeded, CITY)
    _choose_the_unknown_columns_field(page, CITY)
    screenshot(page, "import-preview-city-xlsx")
    _import(page, live_server, CITY)
    assert _priorities(page) == ["Priority 1: Inclusion", "Priority 2: Transitions"]
    assert _issue_row(page, "1.1") == ("Too many exclusions", "2")
    screenshot(page, "imported-city-xlsx")
    page.get_by_role("link", name="1.1", exact=True).click()
    actions = page.get_by_role("table", name="Actions")
    expect(actions.get_by_role("row").filter(has_text="Head of inclusion")).to_have_count(2)

    # A borough's pillar and letter references, the pillar's own column chosen by hand.
    _upload(page, live_server, seeded, BOROUGH)
    _choose_the_unknown_columns_field(page, BOROUGH)
    screenshot(page, "import-preview-borough-csv")
    _import(page, live_server, BOROUGH)
    assert _priorities(page) == ["Pillar 2: Inclusion"]
    assert _issue_row(page, "2") == ("Too many exclusions", "1")
    assert _issue_row(page, "A2") == ("Too few specialist places", "2")
    screenshot(page, "imported-borough-csv")

    # A Word document: the issue and the timescale merged down over two actions.
    _upload(page, live_server, seeded, WORD)
    _choose_the_unknown_columns_field(page, WORD)
    screenshot(page, "import-preview-word")
    _import(page, live_server, WORD)
    assert _priorities(page) == ["Priority 1: Inclusion", "Priority 2: Transitions"]
    assert _issue_row(page, "1.1") == ("Too many exclusions", "2")
    assert _issue_row(page, "2.1") == ("Moves to adulthood are late", "1")
    screenshot(page, "imported-word")
    page.get_by_role("link", name="1.1", exact=True).click()
    actions = page.get_by_role("table", name="Actions")
    for text in ("Launch the charter", "Audit timetables"):
        row = actions.get_by_role("row").filter(has_text=text)
        expect(row.get_by_role("cell").nth(2)).to_contain_text("January 2025")
    expect(actions.get_by_role("row").filter(has_text="Launch the charter")).to_contain_text(
        "Virtual school head"
    )
    screenshot(page, "imported-word-issue")
