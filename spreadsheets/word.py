"""Reading the action tables of a Word document (.docx) with python-docx.

Most Written Statements of Action are Word documents: one or several tables, the same
column mapping as a sheet (``mapping``), a heading row (one cell merged across the row)
starting a priority or an issue. A cell merged down over several rows means "as above":
python-docx gives the same ``<w:tc>`` for each row it covers, and the cell above's value
is repeated, except that an action (or an outcome target) merged down is the same
action, so its row is read as a further line of it (its action cells left blank). The
paragraphs of a cell are kept, one per line. Tables without a header row of a plan
table (a contents or sign-off table) are skipped and named in a note.

Runs in the reader's child process (``sandbox``), after ``reading`` has checked the zip
against the same size limits as a workbook's. python-docx parses with lxml, entities
unresolved.
"""

from __future__ import annotations

import io
import zipfile

from .columns import ACTION_COLUMNS, PLAN_HEADERS, TARGET_COLUMNS, Problem
from .layout import MappedTables
from .upload import Limits, Sheets, SpreadsheetError, Upload

DOCUMENT_PART = "word/document.xml"


class AsAbove(str):
    """A cell merged down from the row above."""


def read_docx(upload: Upload, *, limits: Limits, choices: dict[str, str]) -> Sheets:
    document = _open(upload)
    tables = MappedTables(choices=choices, limits=limits, source=upload.name, sheet="document")
    skipped = []
    found = 0
    for number, table in enumerate(_all_tables(document), start=1):
        found += 1
        if not tables.add_table(_rows(table), table=number):
            skipped.append(number)
    if not found:
        raise SpreadsheetError(
            [
                Problem(
                    f"The document {upload.name} has no table. The import reads the plan from "
                    f"a table with a row of headers (such as Ref, Action, Lead officer, By "
                    f"when); put the plan in a table, or save it as a spreadsheet."
                )
            ]
        )
    tables.check()
    sheets = Sheets(plan=_as_above_settled(tables), columns=tables.columns_json())
    sheets.places = [list(p) for p in tables.places]
    if skipped:
        listed = ", ".join(str(n) for n in skipped)
        sheets.notes.append(
            f"Table{'s' if len(skipped) > 1 else ''} {listed} of {upload.name} "
            f"{'were' if len(skipped) > 1 else 'was'} not read: no header row of a plan "
            f"table was found in {'them' if len(skipped) > 1 else 'it'}."
        )
    return sheets


def _open(upload: Upload):
    import docx

    with zipfile.ZipFile(io.BytesIO(upload.data)) as archive:
        names = set(archive.namelist())
    if DOCUMENT_PART not in names:
        what = "an Excel workbook" if "xl/workbook.xml" in names else "a zip file"
        raise SpreadsheetError(
            [
                Problem(
                    f"The file {upload.name} is {what}, not a Word document. Upload the "
                    f"workbook as .xlsx, or save the plan from Word as a Word Document (.docx)."
                )
            ]
        )
    try:
        return docx.Document(io.BytesIO(upload.data))
    except MemoryError:
        raise
    except Exception as exc:  # python-docx raises many kinds for a broken file
        raise SpreadsheetError(
            [
                Problem(
                    f"The file {upload.name} is not a Word document that can be read "
                    f"({type(exc).__name__}). Save it from Word as a Word Document (.docx)."
                )
            ]
        ) from None


def _all_tables(document):
    """The document's tables in order, and tables inside their cells after them."""
    for table in document.tables:
        yield table
        for row in table.rows:
            for cell in _distinct(row.cells):
                yield from cell.tables


def _distinct(cells):
    seen = set()
    for cell in cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            yield cell


def _rows(table):
    above: list = []
    for row in table.rows:
        cells = list(row.cells)
        before = getattr(row, "grid_cols_before", 0) or 0
        values: list = [None] * before
        for position, cell in enumerate(cells, start=before):
            text = "\n".join(p.text.strip() for p in cell.paragraphs).strip() or None
            merged_down = position < len(above) and above[position] is cell._tc
            values.append(AsAbove(text) if merged_down and text else text)
        above = [None] * before + [c._tc for c in cells]
        yield values


def _as_above_settled(tables: MappedTables):
    """A row whose action cell is merged down from the row above is a further line of
    that action: its action cells are left blank (likewise an outcome target's)."""
    action = PLAN_HEADERS.index("action")
    target = PLAN_HEADERS.index("outcome_target")
    for values in tables.data:
        if isinstance(values[action], AsAbove):
            for name in ("action", *ACTION_COLUMNS):
                values[PLAN_HEADERS.index(name)] = None
        if isinstance(values[target], AsAbove):
            for name in ("outcome_target", *TARGET_COLUMNS):
                values[PLAN_HEADERS.index(name)] = None
        for index, value in enumerate(values):
            if isinstance(value, AsAbove):
                values[index] = str(value)
    return tables.dataset()
