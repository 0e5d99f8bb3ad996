"""A new programme manager cannot set up two-factor sign-in with the password alone: a site
administrator issues them a set-up link, and they set up their authenticator app with it."""

import pytest
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from sendplan.models import Role
from tests import factories

PASSWORD = "correct horse battery staple"


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def people(transactional_db):
    area = factories.AreaFactory(name="Darlington", slug="darlington")
    factories.PlanFactory(area=area, title="Written Statement of Action", slug="darlington-wsoa")
    manager = factories.UserFactory(username="new-pm", first_name="Alex", last_name="Reed")
    factories.MembershipFactory(user=manager, area=area, role=Role.PROGRAMME_MANAGER)
    admin = factories.UserFactory(username="site-admin", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=admin, name="Authenticator app", confirmed=True)
    return manager, admin


@pytest.fixture(autouse=True)
def two_factor_as_in_production():
    with override_settings(SENDPLAN_REQUIRE_MFA=True, SENDPLAN_MFA_SELF_ENROL=False):
        yield


def sign_in(page, url, username):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_new_programme_manager_sets_up_two_factor_with_a_link_from_an_administrator(
    page, browser, live_server, people, axe, screenshot
):
    manager, admin = people

    # The new programme manager signs in and is asked for a set-up link, not shown a QR code.
    page.goto(live_server.url + "/account/two-factor/")
    sign_in(page, live_server.url, manager.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for a set-up link")
    expect(page.locator("img.sendplan-qr-code")).to_have_count(0)
    axe(page, "two-factor-ask-for-link")
    screenshot(page, "two-factor-ask-for-link")

    # A site administrator signs in, enters their code, and issues a link from the admin.
    admin_page = browser.new_page()
    admin_page.goto(f"{live_server.url}/admin/sendplan/user/{manager.pk}/change/")
    sign_in(admin_page, live_server.url, admin.username)
    admin_page.get_by_label("Code").fill(code_for(TOTPDevice.objects.get(user=admin)))
    admin_page.get_by_role("button", name="Continue").click()
    screenshot(admin_page, "two-factor-admin-user-page")
    admin_page.get_by_role("link", name="Issue two-factor set-up link").click()
    expect(admin_page.get_by_label("Username")).to_have_value("new-pm")
    axe(admin_page, "two-factor-issue-link")
    screenshot(admin_page, "two-factor-issue-link")
    admin_page.get_by_role("button", name="Issue link").click()
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Set-up link for Alex Reed")
    link = admin_page.get_by_label("Set-up link").input_value()
    axe(admin_page, "two-factor-link-issued")
    screenshot(admin_page, "two-factor-link-issued")
    admin_page.close()

    # The programme manager opens the link, scans the QR code and enters the app's code.
    page.goto(link)
    expect(page).to_have_url(live_server.url + "/account/two-factor/")
    expect(page.locator("img.sendplan-qr-code")).to_be_visible()
    screenshot(page, "two-factor-set-up-with-link")
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    page.get_by_label("Code from the app").fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Authenticator app set up")
    expect(page.locator(".sendplan-backup-codes li")).to_have_count(10)

    # The link works once.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This set-up link does not work")
    expect(page.get_by_text("Until then you can still read")).to_have_count(0)  # has an app now
    axe(page, "two-factor-link-does-not-work")
    screenshot(page, "two-factor-link-does-not-work")
