"""F3: cookies and sessions. Secure, SameSite=Lax, __Host- cookies in production; the
session key changes at sign-in; sessions end after 30 idle minutes and 12 hours in all;
signing out ends the session for good; deactivating a user ends all their sessions."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests import factories

from .conftest import PASSWORD
from .production import production_settings

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def sign_in(client: Client, username: str):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return response


def goes_to_sign_in(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_production_cookies_are_secure_host_only_and_lax():
    prod = production_settings()

    assert prod["SESSION_COOKIE_SECURE"] is True
    assert prod["CSRF_COOKIE_SECURE"] is True
    assert prod["SESSION_COOKIE_HTTPONLY"] is True
    assert prod["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert prod["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert prod["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert prod["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert prod["SESSION_COOKIE_AGE"] <= 30 * 60
    # The idle timeout rolls on (SessionLifetimeMiddleware), written at most once a minute.
    assert prod["SESSION_SAVE_EVERY_REQUEST"] is False
    assert 0 < prod["SENDPLAN_SESSION_RENEW_SECONDS"] <= 60


def test_the_session_cookie_is_httponly_lax_and_has_no_domain(client, lead_a):
    sign_in(client, "lead-a")

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["domain"] == ""  # a __Host- cookie must carry no Domain
    assert cookie["path"] == "/"


def test_the_session_key_changes_at_sign_in(client, lead_a):
    session = client.session
    session["before"] = "sign-in"
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    before = session.session_key

    sign_in(client, "lead-a")

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_a_request_31_idle_minutes_later_goes_to_sign_in(client, lead_a):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, "lead-a")
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(dt.timedelta(minutes=31))

        assert goes_to_sign_in(client.get(reverse("home")))


def test_each_request_within_30_minutes_keeps_the_session_alive(client, lead_a):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, "lead-a")
        for _ in range(6):  # 2.5 hours of steady work, a request every 25 minutes
            traveller.shift(dt.timedelta(minutes=25))
            assert client.get(reverse("home")).status_code == 200


def test_steady_work_keeps_the_session_for_29_idle_minutes_after_the_last_request(client, lead_a):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, "lead-a")
        for _ in range(40):  # 20 minutes of clicks, one every 30 seconds
            traveller.shift(dt.timedelta(seconds=30))
            assert client.get(reverse("home")).status_code == 200
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(dt.timedelta(minutes=31))

        assert goes_to_sign_in(client.get(reverse("home")))


def test_reading_pages_writes_the_session_at_most_once_a_minute(client, lead_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def session_writes():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("home")).status_code == 200
        return sum(
            1
            for q in ctx.captured_queries
            if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
        )

    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, "lead-a")
        traveller.shift(dt.timedelta(seconds=20))
        assert session_writes() == 0  # renewed at sign-in, 20 s ago
        traveller.shift(dt.timedelta(seconds=30))
        assert session_writes() == 0
        traveller.shift(dt.timedelta(seconds=15))  # 65 s after the last renewal
        assert session_writes() == 1
        assert session_writes() == 0


def test_a_session_ends_12_hours_after_sign_in_however_active(client, lead_a):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, "lead-a")
        for _ in range(47):  # every 15 minutes for 11 h 45 min
            traveller.shift(dt.timedelta(minutes=15))
            assert client.get(reverse("home")).status_code == 200
        traveller.shift(dt.timedelta(minutes=16))  # 12 h 1 min after signing in

        response = client.get(reverse("home"))

    assert goes_to_sign_in(response)
    assert "_auth_user_id" not in client.session


def test_a_session_without_a_sign_in_time_is_ended(client, lead_a):
    client.force_login(lead_a)
    session = client.session
    del session["sendplan_signed_in_at"]
    session.save()

    assert goes_to_sign_in(client.get(reverse("home")))


def test_replaying_the_cookie_after_sign_out_goes_to_sign_in(client, lead_a):
    sign_in(client, "lead-a")
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))

    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key

    assert goes_to_sign_in(replay.get(reverse("home")))
    assert not Session.objects.filter(session_key=old_key).exists()


@pytest.mark.django_db
def test_deactivating_a_user_ends_all_their_sessions():
    user = factories.UserFactory(username="leaver")
    other = factories.UserFactory(username="stayer")
    laptop, phone, colleague = Client(), Client(), Client()
    sign_in(laptop, "leaver")
    sign_in(phone, "leaver")
    sign_in(colleague, "stayer")
    assert Session.objects.count() == 3

    user.is_active = False
    user.save()

    assert Session.objects.count() == 1
    assert goes_to_sign_in(laptop.get(reverse("home")))
    assert goes_to_sign_in(phone.get(reverse("home")))
    assert colleague.get(reverse("home")).status_code == 200
    assert other.is_active
