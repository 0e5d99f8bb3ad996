"""A viewer who edits a page's address to a month, a date or a year the page cannot show
is told what to enter instead, never shown a server error (independent probe, finding 5)."""

import re

import pytest
from playwright.sync_api import expect

from sendplan.models import Role
from tests import factories
from tests.builders import build_dashboard_plan

# Chromium reports a page answered with 400 in the console; these pages do so on purpose.
EXPECTED_STATUS_LOGS = re.compile(r"status of 400")


@pytest.fixture
def viewer(transactional_db):
    area = factories.AreaFactory(name="Darlington", slug="darlington")
    plan = factories.PlanFactory(
        area=area, title="Darlington Written Statement of Action", slug="darlington-wsoa"
    )
    build_dashboard_plan(plan)
    forum = factories.ForumFactory(area=area, plan=plan, slug="improvement-board")
    user = factories.UserFactory(username="darlington-viewer", first_name="Vic")
    factories.MembershipFactory(user=user, area=area, role=Role.VIEWER)
    return user, plan, forum


def test_a_month_or_year_typed_into_the_address_that_cannot_be_shown_is_explained(
    signed_in_page, live_server, viewer, axe, screenshot, console
):
    user, plan, forum = viewer
    page = signed_in_page(user)

    # The probe's address: the dashboard says what to enter and shows its default month.
    page.goto(f"{live_server.url}/plans/{plan.slug}/dashboard/?month=0001-01")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a month between January 2000 and December 2099.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard for")
    axe(page, "dashboard-bad-month")
    screenshot(page, "dashboard-bad-month")

    # A calendar year the forum page cannot show: the 400 page, in the service's own style.
    page.goto(f"{live_server.url}/areas/darlington/forums/{forum.slug}/?year=1999")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "There is a problem with the web address"
    )
    expect(page.get_by_text("Enter a year between 2000 and 2099.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    axe(page, "bad-request")
    screenshot(page, "bad-request")
    page.get_by_role("link", name="Go to your home page").click()
    expect(page).to_have_url(f"{live_server.url}/")
    console.errors[:] = [e for e in console.errors if not EXPECTED_STATUS_LOGS.search(e)]
