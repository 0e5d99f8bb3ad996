"""Signing in and out through the GOV.UK-styled pages."""

import pytest
from axes.helpers import get_lockout_response
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

PASSWORD = "correct horse battery staple"  # UserFactory's password


def test_sign_in_page_is_public_and_asks_for_username_and_password(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'autocomplete="username"' in body
    assert 'autocomplete="current-password"' in body
    assert 'for="id_username"' in body
    assert 'for="id_password"' in body


def test_lead_signs_in_and_lands_on_home(client, lead_a):
    response = client.post(reverse("login"), {"username": "lead-a", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_wrong_password_shows_the_error_summary_linked_to_the_username(client, lead_a):
    response = client.post(reverse("login"), {"username": "lead-a", "password": "nope"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert '<a href="#id_username">Enter a correct username and password</a>' in body
    assert "<title>Error: Sign in – sendplan</title>" in body


def test_unknown_username_gets_the_same_message_as_a_wrong_password(client, lead_a):
    wrong = client.post(reverse("login"), {"username": "lead-a", "password": "nope"})
    unknown = client.post(reverse("login"), {"username": "no-such-user", "password": "nope"})

    assert wrong.status_code == unknown.status_code
    assert "Enter a correct username and password" in unknown.content.decode()


def test_empty_form_says_what_to_enter_next_to_each_field(client, db):
    body = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()

    assert '<a href="#id_username">Enter your username</a>' in body
    assert '<a href="#id_password">Enter your password</a>' in body
    assert 'aria-describedby="id_username-error"' in body
    assert "govuk-input--error" in body


def test_sign_in_keeps_the_page_asked_for(client, lead_a):
    response = client.post(
        reverse("login") + "?next=/admin/",
        {"username": "lead-a", "password": PASSWORD, "next": "/admin/"},
    )

    assert response["Location"] == "/admin/"


def test_sign_in_refuses_to_send_the_user_to_another_site(client, lead_a):
    response = client.post(
        reverse("login"),
        {"username": "lead-a", "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("home")


def test_signed_in_user_opening_sign_in_goes_home(client, lead_a):
    client.force_login(lead_a)

    response = client.get(reverse("login"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_sign_out_is_a_post_that_ends_the_session_and_returns_to_sign_in(client, lead_a):
    client.force_login(lead_a)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_sign_out_by_get_is_refused(client, lead_a):
    client.force_login(lead_a)

    assert client.get(reverse("logout")).status_code == 405


@pytest.mark.django_db
def test_locked_out_page_says_when_to_try_again_with_status_429(rf):
    # How many failures lock a sign-in is sendplan.throttling's business (and its tests');
    # this checks the page axes answers with once it has decided.
    request = rf.post(reverse("login"), {"username": "locked", "password": "wrong"})
    request.user = AnonymousUser()
    request.session = {}

    response = get_lockout_response(request, credentials={"username": "locked"})

    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many failed sign-in attempts. Try again in 15 minutes." in body
    assert '<h1 class="govuk-heading-l">Too many failed sign-in attempts</h1>' in body
