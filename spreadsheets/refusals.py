"""Files the import refuses before any parser sees them, each with what to do instead.

A Word 97-2003 document (.doc), a macro-enabled workbook or document (.xlsm, .docm, or
any file with a ``vbaProject.bin`` part), a workbook or document protected with a
password (Office encrypts it into an OLE compound file, which is not a zip), and a
".docx" that is really a PDF, a web page or a Rich Text file.
"""

from __future__ import annotations

import io
import zipfile

from .columns import Problem
from .upload import SpreadsheetError, Upload

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MACRO_EXTENSIONS = {".xlsm": ".xlsx", ".docm": ".docx", ".xltm": ".xlsx", ".dotm": ".docx"}
OFFICE_ZIPS = {".xlsx", ".docx"}
_LOOKS_LIKE = (
    (b"%pdf", "a PDF"),
    (b"{\\rtf", "a Rich Text (.rtf) file"),
    (b"<html", "a web page"),
    (b"<!doctype", "a web page"),
    (b"<?xml", "an XML file (perhaps a Word 2003 XML document)"),
)


def _refuse(message: str) -> SpreadsheetError:
    return SpreadsheetError([Problem(message)])


def refuse_what_cannot_be_read(upload: Upload) -> None:
    name, extension, data = upload.name, upload.extension, upload.data
    word = extension in {".docx", ".docm", ".doc", ".dotm"}
    saved_as = "a Word Document (.docx)" if word else "an Excel Workbook (.xlsx)"
    if extension in MACRO_EXTENSIONS:
        raise _refuse(
            f"The file {name} is macro-enabled ({extension}), and files with macros are not "
            f"accepted. Save it as {saved_as}, which keeps the plan and drops the macros, "
            f"and upload that."
        )
    if extension == ".doc":
        raise _refuse(
            f"The file {name} is a Word 97-2003 document (.doc), which cannot be read. Open "
            f"it in Word and save it as a Word Document (.docx), then upload that."
        )
    if data[:8] == OLE_MAGIC and extension in OFFICE_ZIPS:
        raise _refuse(
            f"The file {name} is protected with a password (encrypted), so it cannot be "
            f"read. Open it, remove the password (File, Info, Protect, Encrypt with "
            f"Password, and clear it), save it as {saved_as} and upload it again."
        )
    if extension == ".docx" and data[:4] != b"PK\x03\x04":
        start = data[:200].lstrip().lower()
        what = next((label for magic, label in _LOOKS_LIKE if start.startswith(magic)), None)
        what = what or "not a Word document"
        raise _refuse(
            f"The file {name} is {what}, although its name ends in .docx. Open the plan "
            f"in Word and save it as a Word Document (.docx), or upload it as a "
            f"spreadsheet (.xlsx or CSV)."
        )
    if data[:4] == b"PK\x03\x04" and extension in OFFICE_ZIPS | {""}:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return  # the reader names a damaged zip
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise _refuse(
                f"The file {name} holds macros (a vbaProject.bin part), and files with "
                f"macros are not accepted. Save it as {saved_as} and upload that."
            )
