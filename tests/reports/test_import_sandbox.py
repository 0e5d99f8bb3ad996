"""Every upload is read in a child process with a memory limit and a time limit (the
independent probe's finding 6)."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from reports.spreadsheet import sandbox
from reports.spreadsheet.columns import PLAN_HEADERS
from reports.spreadsheet.reading import Limits, Upload, read_sheets
from reports.spreadsheet.services import ParsedUpload, read_plan_files

from .import_helpers import row_counts, shared_strings_workbook, wide_row_workbook

MB = 1024 * 1024
TOO_COMPLEX = "is too large or too complex to read"


def _problems(parsed: ParsedUpload) -> list[str]:
    return [str(p) for p in parsed.problems]


# --- The limits --------------------------------------------------------------------------


def test_the_limits_are_20_mb_a_part_300_mb_of_memory_and_30_seconds():
    assert Limits.from_settings().max_part == 20 * MB
    assert sandbox.read_memory() == 300 * MB
    assert sandbox.read_seconds() == 30


def test_a_238_kb_workbook_whose_shared_strings_unpack_to_97_mb_is_refused_at_once():
    data = shared_strings_workbook(PLAN_HEADERS, 97)
    started = time.monotonic()

    parsed = read_plan_files(source=Upload("plan.xlsx", data))

    elapsed = time.monotonic() - started
    assert len(data) < 300 * 1024
    assert _problems(parsed) == [
        "The file plan.xlsx has a part (xl/sharedStrings.xml) that unpacks to 97 MB, more "
        "than the 20 MB a plan can need; it was not opened."
    ]
    assert elapsed < 5


def test_a_workbook_needing_more_memory_than_the_limit_is_refused_clearly(settings):
    # A 12 KB workbook whose one row has 300,000 cells: about 160 MB once read.
    settings.SENDPLAN_IMPORT_READ_MEMORY_BYTES = 100 * MB
    data = wide_row_workbook(PLAN_HEADERS, 300_000)
    started = time.monotonic()

    parsed = read_plan_files(source=Upload("plan.xlsx", data))

    assert _problems(parsed) == [
        f"The file plan.xlsx {TOO_COMPLEX} (reading it needed more than 100 MB of memory). "
        "Remove what the plan does not need, such as other sheets, formatting and images, "
        'or save it from Excel as "CSV UTF-8", and upload it again.'
    ]
    assert time.monotonic() - started < 15


def test_a_workbook_taking_longer_than_the_time_limit_is_stopped(settings):
    settings.SENDPLAN_IMPORT_READ_SECONDS = 1
    data = wide_row_workbook(PLAN_HEADERS, 300_000)  # about 2 s of work
    started = time.monotonic()

    parsed = read_plan_files(source=Upload("plan.xlsx", data))

    elapsed = time.monotonic() - started
    assert _problems(parsed) == [
        f"The file plan.xlsx {TOO_COMPLEX} (reading it took more than 1 second). Remove "
        "what the plan does not need, such as other sheets, formatting and images, or save "
        'it from Excel as "CSV UTF-8", and upload it again.'
    ]
    assert elapsed < 5


def test_the_reader_is_given_none_of_the_servers_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "a-secret-the-reader-must-not-see")
    monkeypatch.setenv("DATABASE_URL", "postgres://secret@db/sendplan")

    environment = sandbox._child_environment()

    assert set(environment) <= {"PATH", "PYTHONPATH", "LC_ALL", "PYTHONDONTWRITEBYTECODE"}
    assert "secret" not in " ".join(environment.values())


def test_the_rows_read_in_the_child_and_kept_as_json_are_the_rows_of_the_file():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "plan"
    sheet.append(list(PLAN_HEADERS))
    sheet.append(
        [1.2, "Priority", "Issue", None, "'=1+1 is how we count", True, dt.date(2023, 3, 1)]
        + [dt.datetime(2023, 3, 4, 9, 30), 7, "Green", 0.25, dt.time(14, 5)]
    )
    sheet["C2"] = "=A2*2"
    sheet["D3"] = dt.timedelta(hours=30)
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = Upload("plan.xlsx", buffer.getvalue())
    in_process = read_sheets(
        upload, headers=PLAN_HEADERS, role="plan", limits=Limits.from_settings()
    ).plan

    kept = ParsedUpload.from_json(read_plan_files(source=upload).to_json()).sheets.plan

    assert kept.headers == in_process.headers
    assert list(kept) == list(in_process)
    assert [type(v) for row in kept for v in row] == [type(v) for row in in_process for v in row]
    assert type(kept[0][PLAN_HEADERS.index("issue")]).__name__ == "FormulaCell"


# --- The command ----------------------------------------------------------------------------


def test_the_command_reads_the_file_within_the_same_limits(settings, tmp_path, db):
    settings.SENDPLAN_IMPORT_READ_MEMORY_BYTES = 100 * MB
    path = tmp_path / "plan.xlsx"
    path.write_bytes(wide_row_workbook(PLAN_HEADERS, 300_000))
    before = row_counts()

    with pytest.raises(CommandError, match=f"The file plan.xlsx {TOO_COMPLEX}"):
        call_command("import_plan", str(path), "--area", "Darlington", "--plan", "WSoA")

    assert row_counts() == before
