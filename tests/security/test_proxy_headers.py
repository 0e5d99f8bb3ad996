"""X-Forwarded-Proto and X-Forwarded-For are believed only from the load balancers named in
SENDPLAN_FORWARDED_ALLOW_IPS, the list scripts/serve-production gives gunicorn: a request
from anywhere else that claims HTTPS is plain HTTP and is redirected, and an address it
claims is not the address sign-in throttling counts."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessFailureLog
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests import factories

from .production import ROOT, production_settings, start_settings

# Production's HTTPS settings; the test settings serve plain HTTP.
HTTPS = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
}
LOAD_BALANCER = "10.0.0.5"
OUTSIDER = "203.0.113.9"


def get_health(remote_addr: str, **headers):
    return Client(REMOTE_ADDR=remote_addr).get("/health", **headers)


@override_settings(**HTTPS, SENDPLAN_FORWARDED_ALLOW_IPS=[LOAD_BALANCER])
def test_a_request_claiming_https_from_outside_the_load_balancers_is_redirected_to_https(db):
    response = get_health(OUTSIDER, HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@override_settings(**HTTPS, SENDPLAN_FORWARDED_ALLOW_IPS=[LOAD_BALANCER])
def test_the_load_balancer_may_say_the_request_came_over_https(db):
    assert get_health(LOAD_BALANCER, HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert get_health(LOAD_BALANCER).status_code == 301  # and plain HTTP is still redirected


@override_settings(**HTTPS, SENDPLAN_FORWARDED_ALLOW_IPS=["10.0.0.0/24", "2001:db8::/64"])
def test_load_balancers_may_be_named_by_network(db):
    assert get_health("10.0.0.77", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert get_health("2001:db8::7", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert get_health("10.0.1.77", HTTP_X_FORWARDED_PROTO="https").status_code == 301


@override_settings(**HTTPS, SENDPLAN_FORWARDED_ALLOW_IPS=["*"])
def test_a_star_trusts_every_address_as_gunicorn_does(db):
    assert get_health(OUTSIDER, HTTP_X_FORWARDED_PROTO="https").status_code == 200


@override_settings(**HTTPS, SENDPLAN_FORWARDED_ALLOW_IPS=[LOAD_BALANCER])
def test_a_unix_socket_connection_is_trusted_as_gunicorn_trusts_it(db):
    # gunicorn gives a connection through a Unix socket no address.
    assert get_health("", HTTP_X_FORWARDED_PROTO="https").status_code == 200


@override_settings(
    AXES_ENABLED=True, SENDPLAN_TRUSTED_PROXY_COUNT=1, SENDPLAN_FORWARDED_ALLOW_IPS=[LOAD_BALANCER]
)
@pytest.mark.parametrize(
    ("remote_addr", "counted"),
    [(OUTSIDER, OUTSIDER), (LOAD_BALANCER, "198.51.100.1")],
)
def test_only_the_load_balancer_says_which_address_a_failed_sign_in_came_from(
    db, remote_addr, counted
):
    factories.UserFactory(username="target")

    Client(REMOTE_ADDR=remote_addr).post(
        reverse("login"),
        {"username": "target", "password": "wrong-password-123"},
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )

    assert AccessFailureLog.objects.get(username="target").ip_address == counted


def test_the_settings_and_gunicorn_read_the_same_variable_with_the_same_default():
    script = (ROOT / "scripts" / "serve-production").read_text()
    gunicorn_default = re.search(r"\$\{SENDPLAN_FORWARDED_ALLOW_IPS:-([^}]*)\}", script)

    assert gunicorn_default is not None
    assert production_settings()["SENDPLAN_FORWARDED_ALLOW_IPS"] == [gunicorn_default.group(1)]
    assert settings.MIDDLEWARE[0] == "sendplan.middleware.TrustedProxyMiddleware"


def test_production_refuses_a_load_balancer_that_is_not_an_address():
    result = start_settings(
        ["SENDPLAN_FORWARDED_ALLOW_IPS"], SENDPLAN_FORWARDED_ALLOW_IPS="10.0.0.5, lb.internal"
    )

    assert result.returncode != 0
    assert "SENDPLAN_FORWARDED_ALLOW_IPS" in result.stderr
    assert "lb.internal" in result.stderr
