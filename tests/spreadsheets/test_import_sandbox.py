"""Every upload is read once, in a child process with a memory limit and a time limit
(the independent probe's finding 6), and the rows read are kept for the preview and the
import: the admin's preview and confirmation never read the file again."""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from sendplan.models import Plan
from spreadsheets import sandbox, services
from spreadsheets.columns import PLAN_HEADERS
from spreadsheets.models import PlanImport, PlanImportStatus
from spreadsheets.reading import Limits, Upload, read_sheets
from spreadsheets.services import ParsedUpload, read_plan_files

from .import_helpers import FILES, row_counts, shared_strings_workbook, wide_row_workbook

MB = 1024 * 1024
GOOD = f"{FILES}/plan_good.csv"
GOOD_UPDATES = f"{FILES}/updates_good.csv"
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


# --- The admin ------------------------------------------------------------------------------


def _upload(client, path=GOOD, updates=GOOD_UPDATES):
    data = {"area_name": "Darlington", "plan_title": "Darlington WSoA", "month": "2024-03"}
    with open(path, "rb") as plan_file, open(updates, "rb") as updates_file:
        data["file"], data["updates"] = plan_file, updates_file
        return client.post(reverse("admin:spreadsheets_planimport_add"), data)


@pytest.fixture
def reads(monkeypatch):
    """The files the child process is asked to read, by name."""
    names = []
    read = services.read_sheets_in_child

    def counted(upload, **kwargs):
        names.append(upload.name)
        return read(upload, **kwargs)

    monkeypatch.setattr(services, "read_sheets_in_child", counted)
    return names


def test_the_admin_reads_an_upload_once_for_its_preview_and_its_import(admin_client, reads):
    location = _upload(admin_client)["Location"]
    stored = PlanImport.objects.get()

    first = admin_client.get(location)
    again = admin_client.get(location)
    done = admin_client.post(location, {"sha256": stored.sha256})

    assert b"What the import will do" in first.content
    assert b"What the import will do" in again.content
    assert done.status_code == 302
    assert Plan.objects.get().issues.count() == 3
    assert reads == ["plan_good.csv", "updates_good.csv"]
    stored.refresh_from_db()
    assert stored.status == PlanImportStatus.IMPORTED
    assert stored.parsed == ""


def test_the_admin_keeps_the_rows_read_in_the_database_for_any_server(admin_client, reads):
    _upload(admin_client)

    parsed = ParsedUpload.from_json(PlanImport.objects.get().parsed)

    assert parsed.sha256 == PlanImport.objects.get().sha256
    assert len(parsed.sheets.plan) == len(Path(GOOD).read_text().splitlines()) - 1
    assert parsed.sheets.updates is not None


def test_the_admin_does_not_import_rows_read_from_another_file(admin_client):
    location = _upload(admin_client)["Location"]
    stored = PlanImport.objects.get()
    other = read_plan_files(source=f"{FILES}/plan_messy.csv", updates=GOOD_UPDATES)
    PlanImport.objects.filter(pk=stored.pk).update(parsed=other.to_json())

    response = admin_client.post(location, {"sha256": stored.sha256})

    assert b"The file is not the one that was previewed; preview it again." in response.content
    assert not Plan.objects.exists()


def test_the_admin_shows_a_workbook_too_large_to_read_as_its_problem(admin_client, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(shared_strings_workbook(PLAN_HEADERS, 97))

    response = admin_client.get(_upload(admin_client, path=path)["Location"])

    assert b"unpacks to 97 MB, more than the 20 MB a plan can need" in response.content
    assert b'value="Import"' not in response.content


def test_the_admin_asks_again_for_an_upload_stored_before_rows_were_kept(admin_client):
    location = _upload(admin_client)["Location"]
    PlanImport.objects.update(parsed="")

    response = admin_client.get(location, follow=True)

    assert b"Upload the file again" in response.content
    assert not Plan.objects.exists()


def test_a_nul_in_a_cell_is_kept_as_json_and_reported_against_its_cell(admin_client, tmp_path):
    # PostgreSQL's text and jsonb types cannot hold a NUL; the JSON text escapes it.
    text = Path(GOOD).read_text(encoding="utf-8").replace("careers", "care\x00ers")
    path = tmp_path / "plan.csv"
    path.write_text(text, encoding="utf-8")

    response = admin_client.get(_upload(admin_client, path=path)["Location"])

    assert response.status_code == 200
    assert b"The cell contains a NUL character; remove it." in response.content
