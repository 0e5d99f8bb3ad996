"""Plans laid out as councils write them, for the import tests: through ``import_plan``
(tests/spreadsheets/test_import_layouts.py) and through the preview page in chromium
(tests/browser/test_import_council_layouts.py). A builder that takes a header lets a test
give a column a header the import does not know, to choose its field by hand."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import Workbook


def county_csv(*, measures: str = "Key measures of success") -> str:
    """A county's Written Statement of Action: its own words for every column, two actions
    under one reference ("1.1"), and a progress column no field holds. ``measures`` heads
    the column of outcome targets."""
    return (
        "Ref,Area for improvement,Area of weakness,What we will do,Responsible officer "
        f"(action lead),Timescale,RAG rating,{measures},November progress update from "
        "action lead\n"
        "1.1,1. Identifying needs early,Children wait too long for assessment,Review the "
        "assessment pathway,Jo Bloggs,Sept 2024,Green,90% of plans issued within 20 weeks,"
        "Pathway mapped\n"
        "1.1,,,Train SENCOs in the new pathway,Sam Smith; Ali Khan,Dec 2024,Amber,,\n"
        "2.1,2. Working together,Families tell their story many times,Set up a shared record,"
        "Pat Lee,Mar 2025,Red,Families say they tell their story once,Delayed\n"
    )


def super_header_workbook(*, lead: str = "Lead officer") -> bytes:
    """A title row and a super-header row above the header row, and each priority as a
    heading row merged across the table (a city's local area partnership plan). ``lead``
    heads the column of who leads each action."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "LAP action plan"
    sheet.append(["Local Area SEND Partnership: action plan 2024-26"])
    sheet.append(["", "", "Delivery", "", "", "Impact", ""])
    sheet.append(["No.", "Issue", "Action", lead, "By when", "Success criteria", "BRAGG"])
    sheet.append(["Priority 1: Inclusion"])
    sheet.merge_cells("A4:G4")
    sheet.append(
        [
            "1.1",
            "Too many exclusions",
            "Launch the inclusion charter",
            "Head of inclusion",
            "Jan 2025",
            "Exclusions fall by a third",
            "Green",
        ]
    )
    sheet.append(
        ["1.1", "", "Audit part-time timetables", "Head of inclusion", "Mar 2025", "", "Amber"]
    )
    sheet.append(["Priority 2: Transitions"])
    sheet.merge_cells("A7:G7")
    sheet.append(
        [
            "2.1",
            "Moves to adulthood are late",
            "Start planning at year 9",
            "Transitions lead",
            "Sept 2025",
            "Every year 9 review plans ahead",
            "Red",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# A borough numbering its pillars "Pillar 2" in a column of their own, an issue by the
# pillar's number alone ("2") and others by letter ("A2"), "A2" kept on two actions.
# "Pillar ref" is not a header the import knows.
PILLARS_CSV = (
    "Pillar ref,Pillar,Ref,Identified need,Actions,Owner,Deadline\n"
    "Pillar 2,Inclusion,2,Too many exclusions,Launch the inclusion charter,Jo Bloggs,Jan 2025\n"
    "Pillar 2,Inclusion,A2,Too few specialist places,Open two resource bases,Sam Smith,"
    "Sep 2025\n"
    "Pillar 2,Inclusion,A2,,Train staff for the resource bases,Sam Smith,Dec 2025\n"
)


def word_plan(*, lead: str = "Lead officer") -> bytes:
    """A statement of action as councils write them: a title, a table whose priorities
    are heading rows merged across it, an issue and a timescale merged down over its two
    actions ("as above"), a lead cell of two paragraphs, and a second table continuing the
    first without headers. ``lead`` heads the column of who leads each action."""
    document = Document()
    document.add_heading("Written Statement of Action", 0)
    table = document.add_table(rows=5, cols=5)
    for cell, text in zip(
        table.rows[0].cells, ["Ref", "Issue", "Action", lead, "Timescale"], strict=True
    ):
        cell.text = text
    heading = table.cell(1, 0).merge(table.cell(1, 4))
    heading.text = "Priority 1: Inclusion"
    for row, values in (
        (2, ["1.1", "Too many exclusions", "Launch the charter", "", "Jan 2025"]),
        (3, ["1.1", "", "Audit timetables", "Head of inclusion", ""]),
    ):
        for column, value in enumerate(values):
            if value:
                table.cell(row, column).text = value
    table.cell(2, 3).text = "Head of inclusion"
    table.cell(2, 3).add_paragraph("Virtual school head")
    table.cell(2, 1).merge(table.cell(3, 1))  # the issue, "as above" on row 4
    table.cell(2, 4).merge(table.cell(3, 4))  # the timescale, "as above" on row 4
    table.cell(4, 0).merge(table.cell(4, 4)).text = "Priority 2: Transitions"
    document.add_paragraph("Continued overleaf")
    second = document.add_table(rows=1, cols=5)
    for cell, text in zip(
        second.rows[0].cells,
        ["2.1", "Moves to adulthood are late", "Plan from year 9", "Transitions lead", "Sept 2025"],
        strict=True,
    ):
        cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
