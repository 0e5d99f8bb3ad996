"""Reading an uploaded spreadsheet safely into tablib datasets.

Everything a hostile file could use is checked before the parser sees it: the size of the
upload (``SENDPLAN_IMPORT_MAX_BYTES``, checked by ``upload.load_upload``), that an .xlsx is
a zip whose parts unpack to no more than ``SENDPLAN_IMPORT_MAX_UNPACKED_BYTES`` together
and ``SENDPLAN_IMPORT_MAX_PART_BYTES`` each (Python's zipfile never inflates a part past
its declared size, so the declared sizes bound the work; openpyxl keeps every shared string
in memory, so the part cap matters most for xl/sharedStrings.xml), and the number of rows
(``SENDPLAN_IMPORT_MAX_ROWS``), counted while reading so a 50,000-row sheet stops early.
openpyxl parses the XML with defusedxml, which refuses entity declarations (billion
laughs). Workbooks are opened read-only and with formulas visible, so a formula cell is
reported rather than silently replaced by a cached value. ``read_sheets`` runs in a child
process with memory and time limits (``sandbox``), and its result travels, and is kept
between the preview and the import, as JSON (``Sheets.as_json``).

CSV files are read as UTF-8 (with or without a byte-order mark). A file that is not
UTF-8 is read as Windows-1252, the encoding Excel uses for "CSV (Comma delimited)" on
Windows in the UK, and the preview says so, so accents can be checked before confirming.

The file, its limits and what reading gives are in ``upload``; their names are kept here
too, where the rest of the app has always found them.
"""

from __future__ import annotations

import csv
import io
import zipfile

import tablib

from .columns import OPTIONAL_HEADERS, PLAN_HEADERS, PLAN_PART_SHEETS, FormulaCell, Problem
from .layout import BEYOND, MappedTables
from .mapping import is_own_header_row, map_header_row, normalise
from .refusals import refuse_what_cannot_be_read
from .upload import Limits, Sheets, SpreadsheetError, Upload, load_upload

__all__ = [
    "BEYOND",
    "Limits",
    "Sheets",
    "SpreadsheetError",
    "Upload",
    "load_upload",
    "read_sheets",
]

XLSX_CONTENT_TYPES = "[Content_Types].xml"
MAX_ZIP_MEMBERS = 1000


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def read_sheets(
    upload: Upload,
    *,
    headers: tuple[str, ...],
    role: str,
    limits: Limits,
    choices: dict[str, str] | None = None,
) -> Sheets:
    """Read ``upload`` as the plan file (role "plan", which may hold an ``updates`` sheet)
    or as the updates file (role "updates"); ``choices`` (``mapping``) say which column of
    the plan is which field. Servers call it through ``sandbox.read_sheets_in_child``,
    never directly."""
    refuse_what_cannot_be_read(upload)
    kind = _kind(upload)
    if kind == "docx":
        from .word import read_docx

        if role != "plan":
            raise SpreadsheetError(
                [Problem(f"Give the story so far as a spreadsheet, not as {upload.name}.")]
            )
        _check_zip(upload, limits, what="a Word document")
        return read_docx(upload, limits=limits, choices=choices or {})
    if kind == "xlsx":
        return _read_xlsx(upload, headers=headers, role=role, limits=limits, choices=choices)
    return _read_csv(upload, headers=headers, role=role, limits=limits, choices=choices)


def _kind(upload: Upload) -> str:
    looks_zip = upload.data[:4] == b"PK\x03\x04"
    if upload.extension == ".docx":
        return "docx"
    if upload.extension == ".xlsx":
        return "xlsx"
    if upload.extension in {".csv", ".txt"}:
        return "csv"
    if upload.extension in {".xls", ".ods", ".numbers"}:
        raise SpreadsheetError(
            [
                Problem(
                    f"The file {upload.name} is not a spreadsheet this service can read: save "
                    f'it as an Excel workbook (.xlsx) or as "CSV UTF-8".'
                )
            ]
        )
    return "xlsx" if looks_zip else "csv"


# --- XLSX ------------------------------------------------------------------------------


def _not_a_workbook(upload: Upload, why: str) -> SpreadsheetError:
    return SpreadsheetError(
        [
            Problem(
                f"The file {upload.name} is not an Excel workbook that can be read ({why}). "
                f'Save it from Excel as .xlsx, or as "CSV UTF-8".'
            )
        ]
    )


def _check_zip(upload: Upload, limits: Limits, what: str = "") -> None:
    """The zip's parts against the limits, before any parser sees it (workbooks and Word
    documents alike)."""
    buffer = io.BytesIO(upload.data)
    if not zipfile.is_zipfile(buffer):
        if what:
            raise _not_a_document(upload, "it is not a zip file, as every .docx is")
        raise _not_a_workbook(upload, "it is not a zip file, as every .xlsx is")
    try:
        with zipfile.ZipFile(buffer) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        if what:
            raise _not_a_document(upload, f"the zip file is damaged: {exc}") from None
        raise _not_a_workbook(upload, f"the zip file is damaged: {exc}") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise _not_a_workbook(upload, f"it holds {len(members)} parts")
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_unpacked:
        raise SpreadsheetError(
            [
                Problem(
                    f"The file {upload.name} unpacks to {_mb(unpacked)}, more than the "
                    f"{_mb(limits.max_unpacked)} a plan can need; it was not opened."
                )
            ]
        )
    largest = max(members, key=lambda m: m.file_size, default=None)
    if largest is not None and largest.file_size > limits.max_part:
        raise SpreadsheetError(
            [
                Problem(
                    f"The file {upload.name} has a part ({largest.filename[:100]}) that unpacks to "
                    f"{_mb(largest.file_size)}, more than the {_mb(limits.max_part)} a plan "
                    f"can need; it was not opened."
                )
            ]
        )
    if what:
        return
    if not any(m.filename == XLSX_CONTENT_TYPES for m in members):
        raise _not_a_workbook(upload, "it is a zip file without a workbook in it")


def _not_a_document(upload: Upload, why: str) -> SpreadsheetError:
    return SpreadsheetError(
        [
            Problem(
                f"The file {upload.name} is not a Word document that can be read ({why}). "
                f"Save it from Word as a Word Document (.docx)."
            )
        ]
    )


def _open_workbook(upload: Upload, limits: Limits):
    import openpyxl

    _check_zip(upload, limits)
    try:
        return openpyxl.load_workbook(
            io.BytesIO(upload.data), read_only=True, data_only=False, keep_links=False
        )
    except MemoryError:
        raise  # the child process's memory limit: the sandbox names it
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _workbook_error(upload, exc) from None


def _workbook_error(upload: Upload, exc: BaseException) -> SpreadsheetError:
    from defusedxml import DefusedXmlException

    # openpyxl wraps what went wrong ("Unable to read workbook: could not read strings"):
    # defusedxml's refusal of entities (billion laughs) is the cause to name.
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return _not_a_workbook(
                upload, "it declares XML entities, which a workbook saved by Excel never does"
            )
        cause = cause.__cause__ or cause.__context__
    return _not_a_workbook(upload, type(exc).__name__)


def _read_xlsx(
    upload: Upload, *, headers: tuple[str, ...], role: str, limits: Limits, choices=None
) -> Sheets:
    workbook = _open_workbook(upload, limits)
    try:
        names = list(workbook.sheetnames)
        by_lower = {n.strip().lower(): n for n in names}
        sheets = Sheets()
        if role == "updates":
            name = by_lower.get("updates", names[0] if names else None)
            sheets.updates = _sheet_dataset(upload, workbook, name, headers, "updates", limits)
            return sheets
        plan_name = by_lower.get("plan") or next(
            (n for n in names if n.strip().lower() not in {"updates", *PLAN_PART_SHEETS}),
            None,
        )
        if plan_name is None:
            raise SpreadsheetError([Problem(f"The workbook {upload.name} has no sheets.")])
        rows = (
            [_cell_value(c) for c in row]
            for row in workbook[plan_name].iter_rows(values_only=False)
        )
        sheets.plan, sheets.columns = _plan_dataset(
            rows, source=f"sheet {plan_name!r}", limits=limits, choices=choices
        )
        if "updates" in by_lower:
            from .columns import UPDATES_HEADERS

            sheets.updates = _sheet_dataset(
                upload, workbook, by_lower["updates"], UPDATES_HEADERS, "updates", limits
            )
        for part, part_headers in PLAN_PART_SHEETS.items():
            if part in by_lower:
                sheets.parts[part] = _sheet_dataset(
                    upload, workbook, by_lower[part], part_headers, part, limits
                )
        return sheets
    except (SpreadsheetError, MemoryError):
        raise
    except Exception as exc:
        raise _workbook_error(upload, exc) from None
    finally:
        workbook.close()


def _cell_value(cell):
    value = cell.value
    if getattr(cell, "data_type", None) == "f":
        return FormulaCell(str(value))
    if value is not None and type(value).__name__ == "ArrayFormula":
        return FormulaCell(str(getattr(value, "text", value)))
    if isinstance(value, str) and value == "":
        return None
    return value


def _sheet_dataset(upload, workbook, name, headers, sheet, limits: Limits) -> tablib.Dataset:
    if name is None:
        raise SpreadsheetError([Problem(f"The workbook {upload.name} has no sheets.")])
    rows = ([_cell_value(c) for c in row] for row in workbook[name].iter_rows(values_only=False))
    return _dataset(rows, headers=headers, sheet=sheet, source=f"sheet {name!r}", limits=limits)


# --- CSV -------------------------------------------------------------------------------


def _decode(upload: Upload) -> tuple[str, str | None]:
    try:
        return upload.data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        text = upload.data.decode("cp1252")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            [
                Problem(
                    f"The file {upload.name} is not text in UTF-8 or Windows-1252; save it "
                    f'from Excel as "CSV UTF-8".'
                )
            ]
        ) from None
    return text, (
        f"The file {upload.name} is not UTF-8, so it was read as Windows-1252 (Western "
        f'European). Check accents and symbols below; saving it from Excel as "CSV UTF-8" '
        f"avoids this."
    )


def _read_csv(
    upload: Upload, *, headers: tuple[str, ...], role: str, limits: Limits, choices=None
) -> Sheets:
    if upload.data[:4] == b"PK\x03\x04" or b"\x00" in upload.data[:1024]:
        raise SpreadsheetError(
            [
                Problem(
                    f"The file {upload.name} is not a CSV file (it looks like a binary file). "
                    f'Save it from Excel as "CSV UTF-8" or as .xlsx.'
                )
            ]
        )
    text, note = _decode(upload)
    reader = csv.reader(io.StringIO(text, newline=""))
    sheets = Sheets(notes=[note] if note else [])
    try:
        if role == "plan":
            dataset, sheets.columns = _plan_dataset(
                reader, source=upload.name, limits=limits, choices=choices
            )
        else:
            dataset = _dataset(
                reader, headers=headers, sheet=role, source=upload.name, limits=limits
            )
    except csv.Error as exc:
        raise SpreadsheetError(
            [Problem(f"The file {upload.name} is not a CSV file that can be read: {exc}.")]
        ) from None
    if role == "updates":
        sheets.updates = dataset
    else:
        sheets.plan = dataset
    return sheets


# --- Both ------------------------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_positions(header_row, headers: tuple[str, ...], sheet: str) -> tuple[list[int], int]:
    """Where each of ``headers`` is in the sheet's header row (in any order and case), and
    how many columns have a header; refuses a row with other headers or fewer."""
    found = [("" if _blank(h) else str(h).strip()) for h in (header_row or [])]
    while found and found[-1] == "":
        found.pop()
    normalised = [h.lower() for h in found]
    optional = OPTIONAL_HEADERS.get(sheet, frozenset())
    wanted = [h for h in headers if h in normalised or h not in optional]
    if sorted(normalised) != sorted(wanted):
        raise SpreadsheetError(
            [
                Problem(
                    f"The {'' if sheet == 'plan' else 'updates '}sheet's headers must be "
                    f"exactly: {','.join(wanted)}; found: {','.join(found) or '(none)'}."
                )
            ]
        )
    # A column left out (an optional one) is read as blank: past the row's last cell.
    return [normalised.index(h) if h in normalised else _ABSENT for h in headers], len(found)


_ABSENT = 1 << 30


def _picked(row, positions: list[int], width: int) -> list:
    """A row's cells in our order, then the letter of the first filled cell beyond the last
    header (``BEYOND``), if any."""
    values = list(row)
    beyond = next(
        (i for i in range(width, len(values)) if not _blank(values[i])),
        None,
    )
    picked = [values[p] if p < len(values) else None for p in positions]
    picked.append(_column_letter(beyond) if beyond is not None else None)
    return picked


def _plan_dataset(rows, *, source: str, limits: Limits, choices=None):
    """The plan sheet's dataset and its columns: our own headers are read as always;
    any other layout through the column mapping (``layout``)."""
    choices = choices or {}
    rows = iter(rows)
    first = next(rows, None)
    if first is not None and is_own_header_row(first) and _choices_keep_own(first, choices):
        columns = {"columns": [c.as_json() for c in map_header_row(first)], "heading": ""}
        whole = _chain_first(first, rows)
        return _dataset(
            whole, headers=PLAN_HEADERS, sheet="plan", source=source, limits=limits
        ), columns
    tables = MappedTables(choices=choices, limits=limits, source=source, sheet="plan sheet")
    tables.add_table(_chain_first(first, rows) if first is not None else iter(()))
    tables.check()
    return tables.dataset(), tables.columns_json()


def _choices_keep_own(header_row, choices: dict[str, str]) -> bool:
    for header in header_row:
        key = normalise(header)
        if key and key in choices and choices[key] != str(header).strip().lower():
            return False
    return True


def _chain_first(first, rows):
    yield first
    yield from rows


def _dataset(
    rows, *, headers: tuple[str, ...], sheet: str, source: str, limits: Limits
) -> tablib.Dataset:
    """Build a dataset with ``headers`` in our order from ``rows`` (the first is the
    header row). Blank rows inside the sheet are kept, so that a data row's number in
    the dataset plus one is its row number in the sheet; blank rows at the end are not."""
    rows = iter(rows)
    positions, width = _header_positions(next(rows, None), headers, sheet)
    limit = limits.max_rows
    data: list[list] = []
    pending_blank = 0
    for row in rows:
        picked = _picked(row, positions, width)
        if all(_blank(v) for v in picked):
            pending_blank += 1
            if pending_blank > limit:
                # A sheet of formatted empty rows: nothing more is coming that we can use.
                break
            continue
        data.extend([None] * len(picked) for _ in range(pending_blank))
        pending_blank = 0
        data.append(picked)
        if len(data) > limit:
            raise SpreadsheetError(
                [
                    Problem(
                        f"The {sheet} sheet in {source} has more than {limit:,} rows; the "
                        f"largest plan that can be imported has {limit:,}. Split it, or "
                        f"remove empty rows.",
                        sheet=sheet,
                    )
                ]
            )
    dataset = tablib.Dataset(headers=[*headers, BEYOND])
    for values in data:
        dataset.append(values)
    return dataset


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
