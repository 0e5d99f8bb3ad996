"""Setting up a first authenticator app needs a set-up link from a site administrator as
well as the password: a stolen password alone cannot enrol the thief's phone. A link works
once, for 24 hours, only for its own user after they sign in, and only its hash is stored.
SENDPLAN_MFA_SELF_ENROL=1 brings back set-up with the password alone (the demo's way)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from html import unescape

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendplan.models import TwoFactorSetupLink
from sendplan.otp import issue_setup_link

from .conftest import PASSWORD
from .test_mfa import app_for, code_for, goes_to_verify, meeting_page, signed_in

START = dt.datetime(2025, 3, 3, 9, 0, 7, tzinfo=dt.UTC)
QR_CODE = 'src="data:image/svg+xml;base64,'
ASK_FOR_A_LINK = "Ask a site administrator for a set-up link"
DOES_NOT_WORK = "This set-up link does not work"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mfa_on():
    with override_settings(SENDPLAN_REQUIRE_MFA=True, SENDPLAN_MFA_SELF_ENROL=False):
        yield


def link_for(world, role: str = "programme_manager") -> str:
    token, _ = issue_setup_link(user=world.users[role], issued_by=world.users["admin"])
    return reverse("two_factor_link", args=[token])


def set_up_app(client: Client, user):
    """Scan the QR code (read the new device's key) and enter the code the app shows."""
    page = client.get(reverse("two_factor"))
    assert QR_CODE in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return client.post(reverse("two_factor"), {"code": code_for(device)})


def test_a_programme_manager_who_never_set_up_an_app_cannot_with_the_password_alone(world):
    user = world.users["programme_manager"]
    client = signed_in(user.username)

    page = client.get(meeting_page(world, "governance:meeting_date_edit"), follow=True)
    tried = client.post(reverse("two_factor"), {"code": "123456"})

    body = page.content.decode()
    assert page.redirect_chain[-1][0].startswith(reverse("two_factor"))
    assert ASK_FOR_A_LINK in body
    assert QR_CODE not in body
    assert QR_CODE not in tried.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_a_set_up_link_lets_its_user_set_up_an_app_once(world):
    user = world.users["programme_manager"]
    url = link_for(world)
    client = signed_in(user.username)

    opened = client.get(url)
    done = set_up_app(client, user)

    assert opened["Location"] == reverse("two_factor")  # the token leaves the address bar
    assert "Authenticator app set up" in done.content.decode()
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get(meeting_page(world, "governance:meeting_date_edit")).status_code == 200
    link = TwoFactorSetupLink.objects.get(user=user)
    assert link.used_at is not None
    assert link.history.filter(history_user=user).exists()
    assert DOES_NOT_WORK in signed_in(user.username).get(url).content.decode()


def test_a_set_up_link_asks_for_the_password_first(world):
    user = world.users["programme_manager"]
    url = link_for(world)
    client = Client()

    first = client.get(url)
    signed = client.post(
        first["Location"], {"username": user.username, "password": PASSWORD}, follow=True
    )

    assert first["Location"].startswith(reverse("login"))
    assert signed.redirect_chain[-1][0] == reverse("two_factor")
    assert QR_CODE in signed.content.decode()


def test_a_set_up_link_does_nothing_for_another_signed_in_user(world):
    url = link_for(world)
    other = signed_in(world.users["lead"].username)

    refused = other.get(url)

    assert DOES_NOT_WORK in refused.content.decode()
    assert QR_CODE not in other.get(reverse("two_factor")).content.decode()
    owner = signed_in(world.users["programme_manager"].username)
    assert owner.get(url)["Location"] == reverse("two_factor")  # still works for its user


def test_a_set_up_link_stops_working_after_24_hours(world):
    with time_machine.travel(START, tick=False) as traveller:
        url = link_for(world)
        traveller.shift(dt.timedelta(hours=24, seconds=1))
        client = signed_in(world.users["programme_manager"].username)

        assert DOES_NOT_WORK in client.get(url).content.decode()


def test_a_set_up_link_opened_before_it_expired_cannot_be_used_after(world):
    user = world.users["programme_manager"]
    with time_machine.travel(START, tick=False) as traveller:
        url = link_for(world)
        traveller.shift(dt.timedelta(hours=23, minutes=55))
        client = signed_in(user.username)
        client.get(url)
        client.get(reverse("two_factor"))
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        traveller.shift(dt.timedelta(minutes=6))

        late = client.post(reverse("two_factor"), {"code": code_for(device)})

    assert ASK_FOR_A_LINK in late.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_a_set_up_link_used_in_one_session_cannot_be_used_in_another(world):
    user = world.users["programme_manager"]
    url = link_for(world)
    first, second = signed_in(user.username), signed_in(user.username)
    first.get(url)
    second.get(url)
    second.get(reverse("two_factor"))

    set_up_app(first, user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    later = second.post(reverse("two_factor"), {"code": code_for(device)})

    assert QR_CODE not in later.content.decode()
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_new_set_up_link_ends_the_earlier_one(world):
    earlier = link_for(world)
    newer = link_for(world)
    client = signed_in(world.users["programme_manager"].username)

    assert DOES_NOT_WORK in client.get(earlier).content.decode()
    assert client.get(newer)["Location"] == reverse("two_factor")


def test_only_a_hash_of_the_link_is_stored(world):
    token, link = issue_setup_link(
        user=world.users["programme_manager"], issued_by=world.users["admin"]
    )

    stored = TwoFactorSetupLink.objects.filter(pk=link.pk).values().get()
    assert token not in str(stored)
    assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 43  # 256 random bits


def test_a_set_up_link_replaces_the_app_on_a_lost_phone(world):
    user = world.users["programme_manager"]
    lost = app_for(user)
    client = signed_in(user.username)
    assert goes_to_verify(client.get(reverse("two_factor")))

    client.get(link_for(world))
    set_up_app(client, user)

    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()
    assert TOTPDevice.objects.get(user=user).confirmed


def test_an_app_key_shown_to_another_session_is_never_the_one_set_up(world):
    user = world.users["programme_manager"]
    # Left by someone who saw its key in their own session (with self-enrolment on).
    with override_settings(SENDPLAN_MFA_SELF_ENROL=True):
        signed_in(user.username).get(reverse("two_factor"))
    seen = TOTPDevice.objects.get(user=user, confirmed=False).key
    client = signed_in(user.username)
    client.get(link_for(world))

    set_up_app(client, user)

    assert TOTPDevice.objects.get(user=user).key != seen


@override_settings(SENDPLAN_MFA_SELF_ENROL=True)
def test_with_self_enrolment_on_the_password_alone_sets_up_a_first_app(world):
    user = world.users["programme_manager"]
    client = signed_in(user.username)

    done = set_up_app(client, user)

    assert "Authenticator app set up" in done.content.decode()


# --- Issuing links ----------------------------------------------------------------------


def verified_admin(world) -> Client:
    admin = world.users["admin"]
    device = app_for(admin)
    client = signed_in(admin.username)
    assert client.post(reverse("otp_verify"), {"code": code_for(device)}).status_code == 302
    return client


def test_a_site_administrator_issues_a_link_that_is_shown_once(world):
    client = verified_admin(world)
    user = world.users["programme_manager"]

    issued = client.post(reverse("two_factor_issue_link"), {"username": user.username})

    body = issued.content.decode()
    url = unescape(re.search(r'id="setup-link" type="text" value="([^"]+)"', body).group(1))
    assert url.startswith("http://testserver/account/two-factor/link/")
    assert "no-store" in issued["Cache-Control"]
    assert TwoFactorSetupLink.objects.get(user=user).issued_by == world.users["admin"]
    pm = signed_in(user.username)
    assert pm.get(url.removeprefix("http://testserver"))["Location"] == reverse("two_factor")


def test_the_admin_user_page_offers_to_issue_a_set_up_link(world):
    client = verified_admin(world)
    user = world.users["programme_manager"]

    page = client.get(reverse("admin:sendplan_user_change", args=[user.pk]))

    link = f"{reverse('two_factor_issue_link')}?username={user.username}"
    assert link in page.content.decode()
    form = client.get(link).content.decode()
    assert f'value="{user.username}"' in form


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("", "Enter the username of the person the link is for"),
        ("nobody-by-that-name", "Enter the username of an existing account"),
        ("canary-outsider", "Enter the username of an account that can sign in"),
    ],
)
def test_issuing_a_link_for_no_account_says_what_to_enter(world, username, message):
    outsider = world.users["outsider"]
    outsider.is_active = False
    outsider.save()
    client = verified_admin(world)

    page = client.post(reverse("two_factor_issue_link"), {"username": username})

    assert page.status_code == 200
    assert message in page.content.decode()
    assert not TwoFactorSetupLink.objects.exists()


def test_only_a_verified_site_administrator_issues_links(world):
    target = {"username": world.users["lead"].username}
    for role in ("viewer", "programme_manager"):
        client = signed_in(world.users[role].username)
        assert client.get(reverse("two_factor_issue_link")).status_code == 403
        assert client.post(reverse("two_factor_issue_link"), target).status_code == 403
    unverified_admin = signed_in(world.users["admin"].username)
    assert goes_to_verify(unverified_admin.post(reverse("two_factor_issue_link"), target))
    assert not TwoFactorSetupLink.objects.exists()


def test_the_command_issues_the_first_administrators_link(world, settings):
    settings.SENDPLAN_BASE_URL = "https://sendplan.example.org/"
    admin = world.users["admin"]
    out = io.StringIO()

    call_command("issue_two_factor_link", "--user", admin.username, stdout=out)

    url = re.search(
        r"https://sendplan\.example\.org(/account/two-factor/link/\S+/)", out.getvalue()
    )
    client = signed_in(admin.username)
    assert client.get(url.group(1))["Location"] == reverse("two_factor")
    assert "Authenticator app set up" in set_up_app(client, admin).content.decode()
    assert TwoFactorSetupLink.objects.get().issued_by.username == "sendplan-system"


def test_the_command_refuses_an_unknown_account_and_its_dry_run_issues_nothing(world):
    with pytest.raises(CommandError, match='no account with the username "nobody"'):
        call_command("issue_two_factor_link", "--user", "nobody")
    out = io.StringIO()

    call_command("issue_two_factor_link", "--user", "canary-admin", "--dry-run", stdout=out)

    assert "Would issue a set-up link for canary-admin" in out.getvalue()
    assert not TwoFactorSetupLink.objects.exists()


def test_no_set_up_link_reaches_the_log(world, caplog):
    token, _ = issue_setup_link(
        user=world.users["programme_manager"], issued_by=world.users["admin"]
    )
    url = reverse("two_factor_link", args=[token])

    with caplog.at_level("DEBUG"):
        signed_in(world.users["lead"].username).get(url)  # someone else's: refused
        Client().get(url)  # not signed in
        signed_in(world.users["programme_manager"].username).get(url)

    assert token not in caplog.text
    assert "mfa_setup_link_refused" in caplog.text
    assert "mfa_setup_link_opened" in caplog.text
