"""Files refused before any parser sees them, each with what to do instead, and the
workbook's limits applied to Word documents."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from openpyxl import Workbook

from sendplan.models import Plan
from spreadsheets.reading import Upload
from spreadsheets.services import read_plan_files

pytestmark = pytest.mark.django_db


def _docx() -> bytes:
    document = Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Ref", "Action"
    table.cell(1, 0).text, table.cell(1, 1).text = "1.1", "Do it"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Ref", "Action"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_macros(data: bytes, part: str) -> bytes:
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as archive:
        for item in source.infolist():
            archive.writestr(item, source.read(item.filename))
        archive.writestr(part, b"\x00" * 64)
    return target.getvalue()


REFUSED = {
    "a macro-enabled document": (
        lambda: Upload("plan.docm", _docx()),
        "The file plan.docm is macro-enabled (.docm), and files with macros are not accepted. "
        "Save it as a Word Document (.docx), which keeps the plan and drops the macros, and "
        "upload that.",
    ),
    "a macro-enabled workbook": (
        lambda: Upload("plan.xlsm", _xlsx()),
        "The file plan.xlsm is macro-enabled (.xlsm), and files with macros are not accepted. "
        "Save it as an Excel Workbook (.xlsx), which keeps the plan and drops the macros, and "
        "upload that.",
    ),
    "a workbook renamed .xlsx with a macro part": (
        lambda: Upload("plan.xlsx", _with_macros(_xlsx(), "xl/vbaProject.bin")),
        "The file plan.xlsx holds macros (a vbaProject.bin part), and files with macros are "
        "not accepted. Save it as an Excel Workbook (.xlsx) and upload that.",
    ),
    "a document renamed .docx with a macro part": (
        lambda: Upload("plan.docx", _with_macros(_docx(), "word/vbaProject.bin")),
        "The file plan.docx holds macros (a vbaProject.bin part), and files with macros are "
        "not accepted. Save it as a Word Document (.docx) and upload that.",
    ),
    "a Word 97-2003 document": (
        lambda: Upload("plan.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512),
        "The file plan.doc is a Word 97-2003 document (.doc), which cannot be read. Open it "
        "in Word and save it as a Word Document (.docx), then upload that.",
    ),
    "an encrypted document": (
        lambda: Upload("plan.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512),
        "The file plan.docx is protected with a password (encrypted), so it cannot be read. "
        "Open it, remove the password (File, Info, Protect, Encrypt with Password, and clear "
        "it), save it as a Word Document (.docx) and upload it again.",
    ),
    "an encrypted workbook": (
        lambda: Upload("plan.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512),
        "The file plan.xlsx is protected with a password (encrypted), so it cannot be read. "
        "Open it, remove the password (File, Info, Protect, Encrypt with Password, and clear "
        "it), save it as an Excel Workbook (.xlsx) and upload it again.",
    ),
    "a PDF named .docx": (
        lambda: Upload("plan.docx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
        "The file plan.docx is a PDF, although its name ends in .docx. Open the plan in Word "
        "and save it as a Word Document (.docx), or upload it as a spreadsheet (.xlsx or CSV).",
    ),
    "a web page named .docx": (
        lambda: Upload("plan.docx", b"<!DOCTYPE html><html><body>Plan</body></html>"),
        "The file plan.docx is a web page, although its name ends in .docx. Open the plan in "
        "Word and save it as a Word Document (.docx), or upload it as a spreadsheet (.xlsx "
        "or CSV).",
    ),
    "a workbook named .docx": (
        lambda: Upload("plan.docx", _xlsx()),
        "The file plan.docx is an Excel workbook, not a Word document. Upload the workbook "
        "as .xlsx, or save the plan from Word as a Word Document (.docx).",
    ),
}


@pytest.mark.parametrize("upload, message", REFUSED.values(), ids=REFUSED.keys())
def test_a_file_that_cannot_be_read_safely_is_refused_saying_what_to_do(upload, message):
    parsed = read_plan_files(source=upload())

    assert [str(p) for p in parsed.problems] == [message]
    assert parsed.sheets.plan is None
    assert not Plan.objects.exists()


def test_a_word_document_is_held_to_the_workbooks_unpacked_size_limit(settings):
    settings.SENDPLAN_IMPORT_MAX_UNPACKED_BYTES = 20 * 1024
    document = Document()
    document.add_table(rows=1, cols=2)
    document.add_paragraph("x" * 40_000)
    buffer = io.BytesIO()
    document.save(buffer)

    parsed = read_plan_files(source=Upload("plan.docx", buffer.getvalue()))

    assert len(parsed.problems) == 1
    assert str(parsed.problems[0]).startswith("The file plan.docx unpacks to ")
    assert "a plan can need; it was not opened." in str(parsed.problems[0])


def test_a_word_document_is_held_to_the_readers_memory_limit(settings):
    settings.SENDPLAN_IMPORT_READ_MEMORY_BYTES = 40 * 1024 * 1024

    parsed = read_plan_files(source=Upload("plan.docx", _docx()))

    assert [str(p) for p in parsed.problems] == [
        "The file plan.docx is too large or too complex to read (reading it needed more than "
        "40 MB of memory). Remove what the plan does not need, such as other sheets, "
        'formatting and images, or save it from Excel as "CSV UTF-8", and upload it again.'
    ]
