"""F23: upload limits. A 20 MB upload is refused with a clear message within a second,
before it is read, and nothing is kept on disk or in the database; the limits are written
down in settings (5 MB and 5,000 rows for a plan spreadsheet)."""

from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from spreadsheets.models import PlanImport

from .conftest import client_for

MB = 1024 * 1024


def temp_files() -> set[Path]:
    return set(Path(tempfile.gettempdir()).iterdir())


def upload(size: int, name: str = "plan.xlsx") -> io.BytesIO:
    data = io.BytesIO(b"PK\x03\x04" + b"\0" * (size - 4))
    data.name = name
    return data


def test_the_limits_are_written_down():
    assert settings.SENDPLAN_IMPORT_MAX_BYTES == 5 * MB
    assert settings.SENDPLAN_IMPORT_MAX_ROWS == 5000
    assert settings.SENDPLAN_MAX_REQUEST_BYTES <= 6 * MB
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 6 * MB
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 6 * MB


def test_a_20_mb_upload_is_refused_at_once_and_nothing_is_kept(world):
    client = client_for(world.users["admin"])
    # The browser's part, built before the clock starts: the server's answer is timed.
    body = encode_multipart(
        BOUNDARY,
        {"file": upload(20 * MB), "area_name": "Area", "plan_title": "Too big"},
    )
    client.get(reverse("home"))  # a warm server: templates loaded, as in production
    before = temp_files()

    started = time.monotonic()
    response = client.generic(
        "POST",
        reverse("admin:spreadsheets_planimport_add"),
        body,
        content_type=MULTIPART_CONTENT,
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 413
    body = response.content.decode()
    assert "The file is too big" in body
    assert "smaller than 5 MB" in body
    assert elapsed < 1.0
    assert PlanImport.objects.count() == 0
    assert temp_files() - before == set()


def test_a_file_just_over_the_import_limit_gets_the_forms_message(world):
    client = client_for(world.users["admin"])

    response = client.post(
        reverse("admin:spreadsheets_planimport_add"),
        {"file": upload(5 * MB + 300 * 1024), "area_name": "Area", "plan_title": "Over"},
    )

    assert response.status_code == 200
    assert "the largest file that can be imported is 5 MB" in response.content.decode()
    assert PlanImport.objects.count() == 0


@pytest.mark.parametrize("path", ["/sign-in/", "/", "/admin/"])
def test_any_large_request_body_is_refused_before_it_is_read(client, db, path):
    response = client.post(path, data=b"x" * (7 * MB), content_type="application/octet-stream")

    assert response.status_code == 413
    assert response["Connection"] == "close"
