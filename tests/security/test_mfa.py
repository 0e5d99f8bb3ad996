"""F10: two-factor sign-in. With SENDPLAN_REQUIRE_MFA on, a programme manager or site
administrator without a verified authenticator reaches no write or admin page; a TOTP code
works once; backup codes are stored hashed and work once; wrong codes are throttled.
The setting is on in production and off under DJANGO_DEBUG=1 (the demo)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.apps import apps
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendplan.otp import hash_backup_code, issue_setup_link

from .conftest import PASSWORD, client_for
from .production import production_settings
from .scratchdb import app_env
from .urlwalk import all_routes, url_for

START = dt.datetime(2025, 3, 3, 9, 0, 7, tzinfo=dt.UTC)
# Pages that are part of signing in and out, open to an unverified user by design.
SIGN_IN_PAGES = {
    "login",
    "logout",
    "admin:logout",
    "otp_verify",
    "two_factor",
    "two_factor_backup_codes",
    "two_factor_link",
}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mfa_on():
    with override_settings(SENDPLAN_REQUIRE_MFA=True):
        yield


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def app_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {
            "sendplan",
            "actions",
            "outcomes",
            "progress",
            "governance",
            "reports",
            "spreadsheets",
            "demo",
        }
    }


def goes_to_verify(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))


def outcome(response):
    """What a sweep saw: a status code, or where a redirect led."""
    if response.status_code == 302:
        for name, url in [
            ("verify", reverse("otp_verify")),
            ("admin sign-in", reverse("admin:login")),
            ("sign-in", reverse("login")),
        ]:
            if response["Location"].startswith(url):
                return name
    return response.status_code


def meeting_page(world, name: str) -> str:
    return reverse(
        name,
        kwargs={
            "area_slug": world.area.slug,
            "forum_slug": world.forum.slug,
            "meeting_id": world.meeting.pk,
        },
    )


def statuses(client, world, method: str) -> dict[str, int]:
    found = {}
    for route in all_routes():
        if route.name in SIGN_IN_PAGES or route.name == "health":
            continue
        url = url_for(route, world)
        found[str(route)] = outcome(getattr(client, method)(url))
    return found


def test_an_unverified_programme_manager_reaches_no_page_a_viewer_cannot(world):
    pm = client_for(world.users["programme_manager"])
    viewer = client_for(world.users["viewer"])

    pm_sees = statuses(pm, world, "get")
    viewer_sees = statuses(viewer, world, "get")

    beyond_viewer = {
        route: status
        for route, status in pm_sees.items()
        if status == 200 and viewer_sees[route] != 200
    }
    assert beyond_viewer == {}
    assert "verify" in pm_sees.values()  # write pages ask for the code
    assert 200 in pm_sees.values()  # reading does not


def test_an_unverified_programme_manager_or_admin_makes_no_write(world):
    clients = {role: client_for(world.users[role]) for role in ("programme_manager", "admin")}
    viewer_posted = statuses(client_for(world.users["viewer"]), world, "post")
    before = row_counts()  # after signing in (last_login) and making the sample records
    refused = {"verify", "admin sign-in", 403, 404, 405}
    for role, client in clients.items():
        posted = statuses(client, world, "post")

        # Refused, or answered as a viewer is answered (a read page that ignores POST).
        succeeded = {r: s for r, s in posted.items() if s not in refused and s != viewer_posted[r]}
        assert succeeded == {}, role
    assert row_counts() == before


def test_an_unverified_site_administrator_reaches_no_admin_page(world):
    client = client_for(world.users["admin"])

    reached = {
        str(route): response.status_code
        for route in all_routes()
        if route.is_admin
        for response in [client.get(url_for(route, world))]
        if response.status_code == 200
    }

    assert reached == {}
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("otp_verify"))


def test_a_verified_programme_manager_can_write(world):
    user = world.users["programme_manager"]
    device = app_for(user)
    client = signed_in(user.username)
    edit_date = meeting_page(world, "governance:meeting_date_edit")
    assert goes_to_verify(client.get(edit_date))

    response = client.post(reverse("otp_verify"), {"code": code_for(device), "next": edit_date})

    assert response.status_code == 302
    assert response["Location"] == edit_date
    assert client.get(edit_date).status_code == 200


def test_a_verified_administrator_reaches_the_admin(world):
    user = world.users["admin"]
    device = world.totp_device
    device.confirmed = True
    device.save()
    client = signed_in(user.username)

    client.post(reverse("otp_verify"), {"code": code_for(device)})

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/sendplan/plan/").status_code == 200


def test_a_non_staff_user_is_refused_the_admin(world):
    client = client_for(world.users["viewer"])

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403


def test_the_session_key_changes_when_the_code_is_entered(world):
    user = world.users["programme_manager"]
    device = app_for(user)
    client = signed_in(user.username)
    before = client.session.session_key

    client.post(reverse("otp_verify"), {"code": code_for(device)})

    assert client.session.session_key != before


def test_a_totp_code_works_only_once(world):
    user = world.users["programme_manager"]
    device = app_for(user)
    with time_machine.travel(START, tick=False):
        code = code_for(device)
        first = signed_in(user.username)
        assert first.post(reverse("otp_verify"), {"code": code}).status_code == 302
        second = signed_in(user.username)

        replay = second.post(reverse("otp_verify"), {"code": code})

        assert replay.status_code == 200
        assert "has been used" in replay.content.decode()
        assert goes_to_verify(second.get(reverse("two_factor")))


def test_wrong_codes_are_throttled(world):
    user = world.users["programme_manager"]
    device = app_for(user)
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(user.username)
        client.post(reverse("otp_verify"), {"code": "000000"})
        right_too_soon = client.post(reverse("otp_verify"), {"code": code_for(device)})
        assert right_too_soon.status_code == 200
        assert "Too many wrong codes" in right_too_soon.content.decode()
        traveller.shift(dt.timedelta(seconds=1.5))  # after 1 failure: wait 1 second
        client.post(reverse("otp_verify"), {"code": "000000"})
        traveller.shift(dt.timedelta(seconds=1.5))  # after 2 failures: wait 2 seconds
        assert client.post(reverse("otp_verify"), {"code": code_for(device)}).status_code == 200
        device.refresh_from_db()
        assert device.throttling_failure_count == 2
        traveller.shift(dt.timedelta(seconds=1))

        assert client.post(reverse("otp_verify"), {"code": code_for(device)}).status_code == 302


def test_setting_up_an_app_shows_a_qr_code_and_stores_backup_codes_hashed(world):
    user = world.users["programme_manager"]
    token, _ = issue_setup_link(user=user, issued_by=world.users["admin"])
    client = signed_in(user.username)
    assert client.get(reverse("otp_verify"))["Location"].startswith(reverse("two_factor"))
    client.get(reverse("two_factor_link", args=[token]))

    page = client.get(reverse("two_factor"))
    body = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in body
    assert "<script" not in body.split("</main>")[0]
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    done = client.post(reverse("two_factor"), {"code": code_for(device)})

    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z0-9-]{14})</code>", done.content.decode())
    assert len(codes) == 10
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == 10
    for code in codes:
        assert code not in stored and code.replace("-", "") not in stored
        assert hash_backup_code(user, code) in stored
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("governance:forum_list", args=[world.area.slug])).status_code == 200


def test_a_backup_code_signs_in_once(world):
    user = world.users["programme_manager"]
    app_for(user)
    from sendplan.otp import new_backup_codes

    code = new_backup_codes(user)[0]
    first = signed_in(user.username)
    assert first.post(reverse("otp_verify"), {"code": code}).status_code == 302
    second = signed_in(user.username)

    assert second.post(reverse("otp_verify"), {"code": code}).status_code == 200


def test_someone_with_an_app_must_enter_a_code_before_setting_up_another(world):
    user = world.users["programme_manager"]
    app_for(user)
    client = signed_in(user.username)

    assert goes_to_verify(client.get(reverse("two_factor")))
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_the_code_page_refuses_to_send_the_user_to_another_site(world):
    user = world.users["programme_manager"]
    device = app_for(user)
    client = signed_in(user.username)

    response = client.post(
        reverse("otp_verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("home")


@override_settings(SENDPLAN_REQUIRE_MFA=False)
def test_with_the_setting_off_a_programme_manager_writes_without_a_code(world):
    client = client_for(world.users["programme_manager"])

    assert client.get(meeting_page(world, "governance:meeting_date_edit")).status_code == 200
    assert client.get("/admin/").status_code == 302  # a PM is not staff


def test_production_requires_two_factor_and_set_up_links_and_the_demo_does_not():
    import subprocess
    import sys

    from .production import ROOT

    assert production_settings()["SENDPLAN_REQUIRE_MFA"] is True
    assert production_settings()["SENDPLAN_MFA_SELF_ENROL"] is False
    demo = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; django.setup(); "
            "print(settings.SENDPLAN_REQUIRE_MFA, settings.SENDPLAN_MFA_SELF_ENROL)",
        ],
        cwd=ROOT,
        env=app_env("sqlite:////tmp/sendplan-mfa-setting-check.sqlite3"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert demo.stdout.strip() == "False True", demo.stderr
