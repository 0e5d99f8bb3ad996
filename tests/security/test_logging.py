"""F25: sign-in, failed sign-in, lockout, refusals (403), import confirmation, export and
PDF download are logged with the user, the area, the time in UTC and the client address;
the log holds no password, session key, CSRF token or narrative text."""

from __future__ import annotations

import io
import logging
import re

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from sendplan.audit_log import UTCFormatter, log_event
from spreadsheets.services import export_plan

from .conftest import PASSWORD, canary, client_for
from .test_hostile_text import form_fields
from .urlwalk import _issued_report

IP = "198.51.100.23"
UTC_TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
SECRET_NARRATIVE = "A private story about one child at Example Primary"


@pytest.fixture
def captured():
    """Everything logged, formatted as production formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(UTCFormatter())
    handler.setLevel(logging.INFO)
    loggers = [logging.getLogger(), logging.getLogger("sendplan"), logging.getLogger("axes")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield stream
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def lines(stream, pattern: str) -> list[str]:
    return [line for line in stream.getvalue().splitlines() if re.search(pattern, line)]


def test_sign_in_failure_lockout_and_sign_out_are_logged_with_who_when_and_where(world, captured):
    client = Client(REMOTE_ADDR=IP)
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3):
        client.post(reverse("login"), {"username": "canary-lead", "password": "wrong one 1"})
        client.post(reverse("login"), {"username": "canary-lead", "password": PASSWORD})
        client.post(reverse("logout"))
        for _ in range(4):
            client.post(reverse("login"), {"username": "canary-viewer", "password": "nope nope"})

    for event, user in [
        ("sign_in_failed", "attempted=canary-lead"),
        ("sign_in", "user=canary-lead"),
        ("sign_out", "user=canary-lead"),
        ("lockout", "attempted=canary-viewer"),
    ]:
        found = lines(captured, rf"^{UTC_TIME} .* event={event} ")
        assert any(user in line and f"ip={IP}" in line for line in found), (event, found)
        assert all(re.search(rf"time={UTC_TIME}", line) for line in found)


def test_an_unknown_username_is_not_written_to_the_log(world, captured):
    typed = "correct-horse-typed-in-the-wrong-box"
    Client(REMOTE_ADDR=IP).post(reverse("login"), {"username": typed, "password": "x"})

    assert "attempted=(unknown)" in captured.getvalue()
    assert typed not in captured.getvalue()


def test_a_refusal_is_logged_with_the_user_area_and_address(world, captured):
    client = client_for(world.users["viewer"], REMOTE_ADDR=IP)

    response = client.get(reverse("progress:month", kwargs={"plan_slug": world.plan.slug}))

    assert response.status_code == 403
    found = lines(captured, r"event=refused ")
    assert found, captured.getvalue()
    assert "user=canary-viewer" in found[0]
    assert f"area={world.area.slug}" in found[0]
    assert f"ip={IP}" in found[0]
    assert "status=403" in found[0]


def test_import_confirmation_export_and_pdf_download_are_logged(world, captured, tmp_path):
    admin = client_for(world.users["admin"], REMOTE_ADDR=IP)
    # Export (the admin's action on the plan list).
    exported = admin.post(
        reverse("admin:sendplan_plan_changelist"),
        {"action": "export_plan_csv", "_selected_action": [world.plan.pk]},
    )
    assert exported.status_code == 200
    # Import: upload, preview, confirm.
    upload = io.BytesIO(export_plan(plan=world.plan, fmt="csv"))
    upload.name = "plan.csv"
    added = admin.post(
        reverse("admin:spreadsheets_planimport_add"),
        {
            "file": upload,
            "area_name": world.area.name,
            "plan_title": "Logged import",
            "slug": "logged-import",
            "month": "2023-05",
        },
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    preview_url = added["Location"]
    fields = form_fields(admin.get(preview_url).content.decode())
    confirmed = admin.post(preview_url, {"sha256": fields["sha256"]})
    assert confirmed.status_code == 302, confirmed.content.decode()[:2000]
    # PDF download.
    report_id = _issued_report(world, None)
    pdf = admin.get(
        reverse(
            "reports:issued_report_download",
            kwargs={
                "area_slug": world.area.slug,
                "forum_slug": world.forum.slug,
                "report_id": report_id,
            },
        )
    )
    assert pdf.status_code == 200

    for what in ["Plan exported", "Plan import confirmed", "Issued report downloaded"]:
        found = lines(captured, rf"^{UTC_TIME} INFO \S+ {what}")
        assert len(found) == 1, (what, captured.getvalue())
        assert re.search(r"area[= ]\S+", found[0])
        assert f"ip={IP}" in found[0] and "user=canary-admin" in found[0]


def test_the_log_holds_no_password_session_key_token_or_narrative(world, captured):
    client = Client(REMOTE_ADDR=IP)
    client.post(reverse("login"), {"username": "canary-lead", "password": "wrong password"})
    client.post(reverse("login"), {"username": "canary-lead", "password": PASSWORD})
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    page_url = reverse(
        "progress:my_section", kwargs={"plan_slug": world.plan.slug, "section": world.issue.ref}
    )
    page = client.get(page_url)
    fields = form_fields(page.content.decode())
    csrf_token = client.cookies["csrftoken"].value
    fields[f"story-{world.issue.pk}-narrative"] = SECRET_NARRATIVE
    assert client.post(page_url, fields).status_code == 302
    client.get(reverse("reports:plan_detail", kwargs={"plan_slug": world.plan.slug}))
    client.post(reverse("logout"))

    text = captured.getvalue()
    assert "event=sign_in " in text
    for secret in [PASSWORD, "wrong password", session_key, csrf_token, SECRET_NARRATIVE]:
        assert secret not in text
    assert canary("story") not in text


def test_log_event_refuses_fields_that_would_leak():
    with pytest.raises(ValueError):
        log_event(None, "oops", password="x")
    with pytest.raises(ValueError):
        log_event(None, "oops", narrative="x")


def test_a_crafted_value_cannot_forge_a_log_line(captured):
    log_event(None, "test", path="/x\n2025-01-01T00:00:00Z INFO sendplan.audit event=sign_in")

    assert len(lines(captured, r"event=")) == 1
