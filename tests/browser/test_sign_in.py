"""A SEND lead signs in and finds their area's plans."""

import re

import pytest
from playwright.sync_api import expect

from sendplan.models import Role
from tests import factories


@pytest.fixture
def lead(transactional_db):
    area = factories.AreaFactory(name="Darlington", slug="darlington")
    factories.PlanFactory(
        area=area, title="Written Statement of Action 2023", slug="darlington-wsoa"
    )
    user = factories.UserFactory(username="lead-darlington", first_name="Sam")
    factories.MembershipFactory(user=user, area=area, role=Role.SEND_LEAD)
    return user


def test_lead_is_sent_to_sign_in_then_sees_their_area(
    page, live_server, lead, axe, screenshot, console
):
    # The lead opens the site and is asked to sign in first.
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to sendplan")
    expect(page.locator("body")).to_have_class(re.compile("govuk-frontend-supported"))
    axe(page, "sign-in")
    screenshot(page, "sign-in")

    # A mistyped password gets the GOV.UK error summary, which takes the focus.
    page.get_by_label("Username").fill("lead-darlington")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct username and password")
    expect(summary).to_be_focused()
    axe(page, "sign-in-error")
    screenshot(page, "sign-in-error")

    # With the right password they land on the home page, their area named in the header.
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator(".sendplan-header__area")).to_contain_text("Darlington")
    expect(page.get_by_role("link", name="Written Statement of Action 2023")).to_be_visible()
    expect(page.get_by_text("Your role: SEND lead (action owner)")).to_be_visible()
    axe(page, "home")
    screenshot(page, "home")

    # On a phone the navigation folds behind a Menu button (GOV.UK Frontend's JavaScript).
    page.set_viewport_size({"width": 375, "height": 700})
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    menu.click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    screenshot(page, "home-phone")
    page.set_viewport_size({"width": 1280, "height": 720})

    # Signing out returns them to the sign-in page.
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))

    assert console.csp_violations == []
    assert console.errors == []


def test_signed_in_page_helper_signs_in_through_the_form(signed_in_page, lead):
    page = signed_in_page(lead)

    expect(page.get_by_role("heading", level=1)).to_have_text("Your areas and plans")
