"""F8: sign-in throttling. 10 failures for one username from one address within a rolling
5 minutes lock that pair for 15 minutes (429, even with the right password), 50 failures
from one address lock the address; never for good; the same answer whether or not the
username exists; the count is shared by every app process through the database."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from tests import factories

from .conftest import PASSWORD

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True):
        yield


@pytest.fixture
def user(db):
    return factories.UserFactory(username="target")


WRONG = "wrong-password-123"


def attempt(username, password=WRONG, ip="198.51.100.7"):
    return Client(REMOTE_ADDR=ip).post(
        reverse("login"), {"username": username, "password": password}
    )


def fail(times, traveller=None, every=dt.timedelta(seconds=20), **kwargs):
    """``times`` wrong passwords. Each is checked; the one that reaches the limit is
    answered with the lockout page already."""
    statuses = []
    for _ in range(times):
        statuses.append(attempt(**kwargs).status_code)
        if traveller is not None:
            traveller.shift(every)
    return statuses


def test_the_11th_attempt_within_5_minutes_is_refused_even_with_the_right_password(user, caplog):
    with time_machine.travel(START, tick=False) as traveller:
        statuses = fail(10, traveller, username="target")  # 10 failures in 3 min 20 s
        assert statuses == [200] * 9 + [429]
        with caplog.at_level(logging.INFO, logger="sendplan.audit"):
            response = attempt("target", PASSWORD)

    assert response.status_code == 429
    assert "Try again in 15 minutes" in response.content.decode()
    assert "event=lockout" in caplog.text
    assert "attempted=target" in caplog.text


def test_9_failures_then_the_right_password_signs_in(user):
    with time_machine.travel(START, tick=False) as traveller:
        assert fail(9, traveller, username="target") == [200] * 9

        assert attempt("target", PASSWORD).status_code == 302


def test_the_lock_ends_15_minutes_after_the_10th_failure_and_is_not_extended(user):
    with time_machine.travel(START, tick=False) as traveller:
        fail(10, username="target")
        traveller.shift(dt.timedelta(minutes=10))
        assert attempt("target").status_code == 429  # a failure while locked...
        traveller.shift(dt.timedelta(minutes=4, seconds=50))
        assert attempt("target", PASSWORD).status_code == 429
        traveller.shift(dt.timedelta(seconds=11))  # 15 min 1 s after the 10th

        assert attempt("target", PASSWORD).status_code == 302  # ...did not extend it


def test_10_failures_spread_over_more_than_5_minutes_do_not_lock(user):
    with time_machine.travel(START, tick=False) as traveller:
        statuses = fail(10, traveller, every=dt.timedelta(seconds=40), username="target")
        assert statuses == [200] * 10  # 10 failures over 6 minutes

        assert attempt("target", PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_count(user):
    with time_machine.travel(START, tick=False) as traveller:
        fail(9, traveller, username="target")
        assert attempt("target", PASSWORD).status_code == 302
        fail(9, traveller, username="target")

        assert attempt("target", PASSWORD).status_code == 302


def test_the_lock_is_for_the_username_from_that_address_only(user):
    with time_machine.travel(START, tick=False):
        fail(10, username="target", ip="198.51.100.7")

        assert attempt("target", PASSWORD, ip="198.51.100.7").status_code == 429
        assert attempt("target", PASSWORD, ip="203.0.113.9").status_code == 302


def test_an_unknown_username_gets_the_same_answers_as_a_wrong_password(user):
    with time_machine.travel(START, tick=False):
        wrong = attempt("target")
        unknown = attempt("nobody-here")
        assert wrong.status_code == unknown.status_code == 200
        assert "Enter a correct username and password" in unknown.content.decode()
        assert fail(8, username="target") == fail(8, username="nobody-here") == [200] * 8

        locked_wrong = attempt("target")
        locked_unknown = attempt("nobody-here")

    assert locked_wrong.status_code == locked_unknown.status_code == 429
    assert locked_wrong.content == locked_unknown.content


def test_50_failures_from_one_address_lock_the_address_for_every_username(user):
    with time_machine.travel(START, tick=False) as traveller:
        for n in range(49):
            assert attempt(f"sprayed-{n}").status_code == 200
            traveller.shift(dt.timedelta(seconds=5))
        assert attempt("target", PASSWORD).status_code == 302  # 49 failures: still open
        assert attempt("sprayed-49").status_code == 429  # the 50th failure locks

        assert attempt("target", PASSWORD).status_code == 429
        assert attempt("target", PASSWORD, ip="203.0.113.9").status_code == 302
        traveller.shift(dt.timedelta(minutes=15, seconds=1))
        assert attempt("target", PASSWORD).status_code == 302


def test_an_administrator_can_lift_the_locks_early(user):
    from django.core.management import call_command

    with time_machine.travel(START, tick=False):
        fail(10, username="target")
        assert attempt("target", PASSWORD).status_code == 429
        call_command("axes_reset_failure_logs", "--age", "0", stdout=io.StringIO())

        assert attempt("target", PASSWORD).status_code == 302


def test_the_settings_match_the_lockout_decision():
    from django.conf import settings

    assert settings.AXES_FAILURE_LIMIT == 10
    assert settings.SENDPLAN_AXES_ADDRESS_LIMIT == 50
    assert dt.timedelta(minutes=5) == settings.SENDPLAN_AXES_WINDOW
    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME  # never None: not permanent
    assert settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is False
    assert settings.AXES_HTTP_RESPONSE_CODE == 429
    assert settings.AXES_HANDLER == "sendplan.throttling.SendplanAxesHandler"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_a_sign_in_without_an_address_is_recorded_with_none_on_every_database(user):
    from axes.models import AccessLog

    # The test client's force_login (and a command signing someone in) has no address:
    # axes must store none, not "-", which PostgreSQL's address column refuses.
    Client().force_login(user)

    assert AccessLog.objects.get(username="target").ip_address is None


@pytest.mark.parametrize(
    ("meta", "proxies", "expected"),
    [
        ({"REMOTE_ADDR": "198.51.100.7"}, 0, "198.51.100.7"),
        ({"REMOTE_ADDR": "2001:db8::1"}, 0, "2001:db8::1"),
        ({}, 0, None),
        ({"REMOTE_ADDR": "-"}, 0, None),
        # Behind one proxy: the address the proxy appended, not what the client wrote.
        (
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"},
            1,
            "203.0.113.9",
        ),
        ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "not-an-address"}, 1, None),
        ({"REMOTE_ADDR": "10.0.0.2"}, 1, "10.0.0.2"),  # no header: the connection's
    ],
)
def test_the_client_address_is_an_address_or_none(meta, proxies, expected):
    from django.http import HttpRequest

    from sendplan.audit_log import client_ip

    request = HttpRequest()
    request.META.update(meta)
    with override_settings(SENDPLAN_TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(request) == expected
