"""Every file that must not be added is refused with a message saying why, and nothing is
stored: no row, no history row, no file in the evidence folder."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from evidence.models import Evidence

from . import files
from .conftest import client_for, stored_files

pytestmark = pytest.mark.django_db


def add_url(world) -> str:
    return reverse(
        "evidence:item",
        kwargs={"plan_slug": world.plan.slug, "kind": "action", "item_id": world.action.pk},
    )


def post_file(world, data: bytes, name: str, user="lead"):
    return client_for(world.users[user]).post(
        add_url(world),
        {
            "kind": "file",
            "file": files.upload(data, name),
            "title": "Minutes of the SEND board",
            "dated_0": "14",
            "dated_1": "3",
            "dated_2": "2023",
        },
    )


HOSTILE = [
    ("html-renamed-pdf", files.HTML, "minutes.pdf", "web page (HTML)"),
    ("svg-with-script", files.SVG, "chart.svg", "SVG image, which can hold scripts"),
    ("svg-renamed-png", files.SVG, "chart.png", "SVG image"),
    ("docm", files.docm(), "minutes.docm", "contains macros"),
    ("docm-renamed-docx", files.docm(), "minutes.docx", "contains macros"),
    ("docx-zip-bomb", files.docx_bomb(), "bomb.docx", "zip bomb"),
    (
        "21-mb",
        files.big_pdf(21 * files.MB),
        "big.pdf",
        "the largest file that can be added is 20 MB",
    ),
    ("executable", b"MZ\x90\x00" + b"\0" * 200, "setup.pdf", "a program"),
    (
        "encrypted-office",
        bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 600,
        "locked.docx",
        "password-protected",
    ),
    ("broken-zip", b"PK\x03\x04" + b"\x14\0" * 40, "broken.xlsx", "damaged"),
    ("plain-zip", None, "archive.zip", "ZIP archive"),
    ("docx-named-pdf", files.docx(), "minutes.pdf", "name ends .pdf but it is a Word document"),
]


def _data(data):
    if data is not None:
        return data
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "message"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE]
)
def test_a_hostile_file_is_refused_with_a_message_and_nothing_is_stored(world, data, name, message):
    response = post_file(world, _data(data), name)

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page
    assert message in page
    assert Evidence.objects.count() == 0
    assert Evidence.history.count() == 0
    assert stored_files(world.folder) == []


def test_an_empty_file_is_refused(world):
    response = post_file(world, b"", "empty.pdf")

    assert "The file is empty" in html.unescape(response.content.decode())
    assert Evidence.objects.count() == 0
    assert stored_files(world.folder) == []


def test_a_file_far_over_the_limit_gets_the_413_page_before_it_is_read(world):
    response = post_file(world, files.big_pdf(25 * files.MB), "huge.pdf")

    assert response.status_code == 413
    assert "smaller than 20 MB" in response.content.decode()
    assert Evidence.objects.count() == 0


def test_only_the_evidence_form_takes_a_larger_body(world):
    """Other pages keep the 6 MB limit."""
    url = reverse(
        "governance:decision_add", args=[world.area.slug, world.forum.slug, world.meeting.pk]
    )
    response = client_for(world.users["pm"]).post(
        url, {"file": files.upload(files.big_pdf(7 * files.MB), "x.pdf")}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("data", "name", "stored_type"),
    [
        (files.PDF, "minutes.pdf", "application/pdf"),
        (files.docx(), "Board minutes.docx", files.DOCX_MAIN.replace(".main+xml", "")),
        (files.xlsx(), "figures.xlsx", files.XLSX_MAIN.replace(".main+xml", "")),
        (files.PNG, "chart.png", "image/png"),
        (b"ref,value\n1.1,42\n", "figures.csv", "text/csv"),
        ("Notes from the parent carer forum — café".encode(), "notes.txt", "text/plain"),
    ],
)
def test_good_files_are_added_with_their_type_from_the_content(world, data, name, stored_type):
    response = post_file(world, data, name)

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.content_type == stored_type
    assert evidence.file_name == name
    assert evidence.size == len(data)
    assert len(stored_files(world.folder)) == 1


@pytest.mark.parametrize("name", ["../../etc/minutes.pdf", "..\\..\\windows\\minutes.pdf"])
def test_a_path_traversal_name_never_reaches_outside_the_evidence_folder(world, tmp_path, name):
    """Django's upload parser keeps only the name's last part; the file is stored under a
    random name in the area's folder, and the name shown is the cleaned one."""
    post_file(world, files.PDF, name)

    evidence = Evidence.objects.get()
    assert evidence.file_name == "minutes.pdf"
    [stored] = stored_files(world.folder)
    assert stored.parent == world.folder / f"area-{world.area.pk}"
    assert "minutes" not in stored.name
    assert [p for p in tmp_path.rglob("*minutes*")] == []


@pytest.mark.parametrize("name", ["../../etc/minutes.pdf", "..\\minutes.pdf", "a/b.pdf"])
def test_the_service_refuses_a_name_naming_a_folder(world, name):
    """What a command or an import hands the service directly is checked too."""
    import datetime as dt
    import io

    from django.core.exceptions import ValidationError
    from django.core.files import File

    from evidence import services

    item = services.plan_item(world.plan, "action", world.action.pk)
    with pytest.raises(ValidationError, match="must not name a folder"):
        services.add_file(
            item,
            File(io.BytesIO(files.PDF), name=name),
            user=world.users["lead"],
            title="Minutes",
            dated=dt.date(2023, 3, 1),
        )
    assert Evidence.objects.count() == 0
    assert stored_files(world.folder) == []
