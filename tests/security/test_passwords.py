"""F9: passwords. Fewer than 12 characters, the common list, and words from the service,
the user's name or their area are refused; 64 to 128 characters, spaces and any Unicode
are accepted and used whole (no truncation); no composition rules, no expiry."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from sendplan.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    user = factories.UserFactory(
        username="jsmith", first_name="Jordan", last_name="Smithson", email="jordan@example.org"
    )
    area = factories.AreaFactory(name="Darlington", slug="darlington")
    factories.MembershipFactory(user=user, area=area, role=Role.SEND_LEAD)
    return user


def refused(password, user) -> bool:
    try:
        validate_password(password, user)
    except ValidationError:
        return True
    return False


@pytest.mark.parametrize(
    "password",
    [
        "short-pass1",  # 11 characters
        "a" * 11,
        "password1234",  # common
        "1qaz2wsx3edc",  # common
        "qwerty123456",  # common
        "jsmith-lakes-kayak",  # the username
        "Smithson-lakes-kayak",  # the surname
        "Darlington-lakes-2023",  # the user's area
        "my sendplan login 7",  # the service
        "SEND Plan lakes kayak",  # the service, spaced
    ],
)
def test_weak_passwords_are_refused(password, user):
    assert refused(password, user)


@pytest.mark.parametrize(
    "password",
    [
        "orange kayak lantern",  # spaces, lower case only: no composition rules
        "123456789012345678",  # digits only: no composition rules either
        "correct horse battery staple " * 2 + "x" * 4,  # 64 characters
        "ünïcødé-pässwörd-ß-ŝ-中文-密码-🙂-é",
        "x" * 20 + " " * 10 + "y" * 20,  # inner spaces kept
    ],
)
def test_long_spaced_and_unicode_passwords_are_accepted(password, user):
    assert not refused(password, user)


@pytest.mark.parametrize("length", [64, 100, 128])
def test_a_long_password_is_used_whole(length, user):
    password = ("ab cd ef gh ĳ ø 🙂 " * 20)[:length]
    assert len(password) == length
    user.set_password(password)
    user.save()
    request = RequestFactory().post("/sign-in/")

    assert authenticate(request, username="jsmith", password=password) == user
    assert authenticate(request, username="jsmith", password=password[:-1]) is None
    assert authenticate(request, username="jsmith", password=password + "z") is None


def test_the_password_is_not_stripped(user):
    user.set_password("  leading and trailing  ")
    user.save()
    request = RequestFactory().post("/sign-in/")

    assert authenticate(request, username="jsmith", password="leading and trailing") is None


def test_the_sign_in_form_keeps_spaces_in_the_password(client, user):
    user.set_password(" spaced out password ")
    user.save()

    response = client.post("/sign-in/", {"username": "jsmith", "password": " spaced out password "})

    assert response.status_code == 302


def test_there_is_no_composition_rule_and_no_expiry():
    names = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]

    assert "NumericPasswordValidator" not in names
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "ContextWordsValidator",
    ]
    assert settings.AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"]["min_length"] >= 12
    assert not hasattr(settings, "PASSWORD_EXPIRY_DAYS")


def test_production_hashes_with_a_slow_hasher():
    from django.conf import global_settings

    from .production import ROOT  # noqa: F401  (production uses Django's default list)

    assert global_settings.PASSWORD_HASHERS[0].endswith("PBKDF2PasswordHasher")
    assert "PASSWORD_HASHERS" not in (ROOT / "sendplan" / "settings.py").read_text()
