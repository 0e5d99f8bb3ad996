"""Hostile and malformed spreadsheets (reliability figure F13): each is refused with a
clear message (row and column where it applies), writes no row in any table, history
included, and finishes in under 10 seconds and 256 MB."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from spreadsheets.columns import PLAN_HEADERS
from spreadsheets.reading import Upload
from spreadsheets.services import PlanImportError, confirm_plan_import
from tests import factories

from .import_helpers import row_counts, shared_strings_workbook

HEADER = ",".join(PLAN_HEADERS)
GOOD_ROW = (
    "1.1,Meeting needs,Information shared,Inclusion,Consult with families,Jo Littler,"
    "Dec 2022,,Green,90% of parents say it worked,Dec 2023,Amber"
)


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def _xlsx(rows: list[list], formula_at: tuple[int, int] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "plan"
    sheet.append(list(PLAN_HEADERS))
    for row in rows:
        sheet.append(row)
    if formula_at:
        sheet.cell(*formula_at).value = '=HYPERLINK("http://evil.example","Click")'
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _not_a_zip() -> Upload:
    return Upload("plan.xlsx", b"This is a plain text file wearing an .xlsx name.\n" * 10)


def _zip_bomb() -> Upload:
    buffer = io.BytesIO()
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for _ in range(101):
                part.write(chunk)
    return Upload("plan.xlsx", buffer.getvalue())


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">
<si><t>&lol9;</t></si></sst>"""


def _billion_laughs() -> Upload:
    """A real workbook with a sharedStrings part that expands to gigabytes if parsed
    with entities (openpyxl writes inline strings, so the part is added)."""
    good = _xlsx([GOOD_ROW.split(",")])
    source, target = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    override = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            archive.writestr(item, data)
        archive.writestr("xl/sharedStrings.xml", BILLION_LAUGHS)
    return Upload("plan.xlsx", target.getvalue())


def _shared_strings_bomb() -> Upload:
    """The independent probe's workbook (finding 6): 245 KB whose shared strings unpack to
    97 MB, under the 100 MB cap for the whole file; openpyxl took 940 MB and 60 s."""
    return Upload("plan.xlsx", shared_strings_workbook(PLAN_HEADERS, 97))


def _twenty_megabytes(tmp_path) -> str:
    path = tmp_path / "huge.csv"
    line = (GOOD_ROW + "\n").encode()
    with path.open("wb") as handle:
        handle.write(_csv())
        handle.write(line * (20 * 1024 * 1024 // len(line)))
    return str(path)


def _fifty_thousand_rows() -> Upload:
    # Short rows, so that the file is under the size limit and the row limit refuses it.
    return Upload("plan.csv", _csv(*["1.1,P,I,,A,,,,,,,"] * 50_000))


def _row_with(column: str, value: str) -> Upload:
    cells = GOOD_ROW.split(",")
    cells[PLAN_HEADERS.index(column)] = value
    return Upload("plan.csv", _csv(GOOD_ROW, ",".join(cells)))


def _formula_cell() -> Upload:
    return Upload("plan.xlsx", _xlsx([GOOD_ROW.split(","), GOOD_ROW.split(",")], (3, 5)))


CASES = {
    "not a zip .xlsx": (
        lambda tmp: _not_a_zip(),
        "The file plan.xlsx is not an Excel workbook that can be read (it is not a zip file",
    ),
    "zip bomb": (lambda tmp: _zip_bomb(), "The file plan.xlsx unpacks to 101 MB"),
    "billion laughs": (lambda tmp: _billion_laughs(), "it declares XML entities"),
    "97 MB of shared strings": (
        lambda tmp: _shared_strings_bomb(),
        "The file plan.xlsx has a part (xl/sharedStrings.xml) that unpacks to 97 MB, more "
        "than the 20 MB a plan can need; it was not opened.",
    ),
    "20 MB upload": (
        _twenty_megabytes,
        "The file huge.csv is 20.0 MB; the largest file that can be imported is 5 MB.",
    ),
    "50k rows": (
        lambda tmp: _fifty_thousand_rows(),
        "The plan sheet in plan.csv has more than 5,000 rows",
    ),
    "impossible date": (
        lambda tmp: _row_with("by_when", "31/02/2023"),
        'Row 3, column by_when: Enter a month such as "Dec 2022" or "2023-03"; "31/02/2023" '
        "is not a date.",
    ),
    "fifth quarter": (
        lambda tmp: _row_with("target_date", "Q5 2023"),
        'Row 3, column target_date: Enter a month such as "Dec 2022" or "2023-03"; "Q5 2023" '
        "is not a quarter",
    ),
    "a ref longer than the database keeps": (
        lambda tmp: _row_with("ref", "1.1.1.1.1.1.1.1.1.1.1"),
        "Row 3, column ref: The reference must be 20 characters or fewer, as the plan "
        'writes it; "1.1.1.1.1.1.1.1.1.1.1" has 21.',
    ),
    "unknown BRAGG": (
        lambda tmp: _row_with("bragg", "Purple"),
        "Row 3, column bragg: Enter a BRAGG status: Blue, Red, Amber, Green or Grey (or B, R, "
        'A, G); "Purple" is not one.',
    ),
    "headers of no plan table": (
        lambda tmp: Upload("plan.csv", _csv(GOOD_ROW, header="Colour,Size,Shape,Weight")),
        "No header row of a plan table was found in plan.csv: no column is headed as "
        "actions, outcome targets or issues to be addressed (the first row has: Colour, Size, "
        'Shape, Weight). Give the columns with --columns, such as {"ref": "No.", "action": '
        '"What we will do"}, or choose them on the preview page.',
    ),
    "formula cell": (
        lambda tmp: _formula_cell(),
        'Row 3, column action: The cell holds a formula (=HYPERLINK("http://evil.example",'
        '"Click")); enter its value as text instead.',
    ),
    "neither UTF-8 nor Windows-1252": (
        lambda tmp: Upload("plan.csv", _csv(GOOD_ROW) + b"\x81\x8d\x8f\x90\x9d\n"),
        'The file plan.csv is not text in UTF-8 or Windows-1252; save it from Excel as "CSV '
        'UTF-8".',
    ),
    "a .xls workbook": (
        lambda tmp: Upload("plan.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 500),
        "is not a spreadsheet this service can read",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_hostile_spreadsheet_is_refused_clearly_and_writes_nothing(case, db, tmp_path):
    build, message = CASES[case]
    source = build(tmp_path)
    user = factories.UserFactory(username="importer")
    before = row_counts()
    tracemalloc.start()
    started = time.monotonic()

    with pytest.raises(PlanImportError) as error:
        confirm_plan_import(
            source=source, area_name="Darlington", plan_title="Darlington WSoA", user=user
        )

    elapsed = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{case}: {elapsed:.2f} s, peak {peak / 1024 / 1024:.1f} MB traced")
    assert any(message in str(problem) for problem in error.value.problems), error.value
    assert row_counts() == before
    assert elapsed < 10
    assert peak < 256 * 1024 * 1024


def test_a_latin_1_csv_is_read_as_windows_1252_and_the_preview_says_so(db):
    from spreadsheets.services import preview_plan_import

    user = factories.UserFactory(username="importer")
    source = Upload(
        "plan.csv",
        _csv(GOOD_ROW.replace("Jo Littler", "Zoë Brontë")).replace(
            "Zoë Brontë".encode(), "Zoë Brontë".encode("latin-1")
        ),
    )
    before = row_counts()

    preview = preview_plan_import(
        source=source, area_name="Darlington", plan_title="Darlington WSoA", user=user
    )

    assert preview.ok
    assert preview.notes == [
        "The file plan.csv is not UTF-8, so it was read as Windows-1252 (Western European). "
        'Check accents and symbols below; saving it from Excel as "CSV UTF-8" avoids this.'
    ]
    assert row_counts() == before
    plan, _ = confirm_plan_import(
        source=source, area_name="Darlington", plan_title="Darlington WSoA", user=user
    )
    assert plan.area.people.get().name == "Zoë Brontë"


def test_a_cell_in_an_xlsx_typed_as_text_starting_with_equals_is_text_not_a_formula(db):
    user = factories.UserFactory(username="importer")
    cells = GOOD_ROW.split(",")
    cells[PLAN_HEADERS.index("action")] = "'=1+1 is how we count"
    source = Upload("plan.xlsx", _xlsx([cells]))

    plan, _ = confirm_plan_import(
        source=source, area_name="Darlington", plan_title="Darlington WSoA", user=user
    )

    assert plan.actions.get().text == "=1+1 is how we count"


def test_a_workbook_with_a_value_beyond_the_last_header_names_its_column(db):
    user = factories.UserFactory(username="importer")
    cells = GOOD_ROW.split(",")
    cells += [None] * (len(PLAN_HEADERS) - len(cells))
    source = Upload("plan.xlsx", _xlsx([[*cells, None, "stray"]]))
    stray = get_column_letter(len(PLAN_HEADERS) + 2)

    with pytest.raises(PlanImportError) as error:
        confirm_plan_import(
            source=source, area_name="Darlington", plan_title="Darlington WSoA", user=user
        )

    assert [str(p) for p in error.value.problems] == [
        f"Row 2: The cell in column {stray} has no header above it; move its value into a "
        "column with a header or remove it."
    ]
