"""An implementation group member finds what is off track and drills into it: a bar's
click, or its figure in the chart's table, leads to the items page listing what is behind
that bar."""

import re

import pytest
from playwright.sync_api import expect

from sendplan.models import Role
from tests import factories
from tests.builders import build_dashboard_plan


@pytest.fixture
def member(transactional_db):
    area = factories.AreaFactory(name="Darlington", slug="darlington")
    plan = factories.PlanFactory(
        area=area, title="Darlington Written Statement of Action", slug="darlington-wsoa"
    )
    one, two = build_dashboard_plan(plan)
    milestone = factories.MilestoneFactory(plan=plan, period="Autumn 2023", text="Strategy")
    factories.MilestonePriorityFactory(milestone=milestone, priority=one)
    user = factories.UserFactory(username="darlington-sig", first_name="Sam")
    factories.MembershipFactory(user=user, area=area, role=Role.IMPLEMENTATION_GROUP)
    return user, plan


def test_member_sees_the_charts_and_drills_into_a_bar(
    signed_in_page, live_server, member, axe, screenshot, console
):
    user, plan = member
    page = signed_in_page(user)

    # The dashboard for April 2023: every chart is drawn by plotly, with no console error
    # and no Content-Security-Policy violation (the console fixture checks both).
    page.goto(f"{live_server.url}/plans/{plan.slug}/dashboard/?month=2023-04")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard for April 2023")
    charts = page.locator("[data-chart-figure]")
    expect(charts).to_have_count(6)
    for index in range(6):
        expect(charts.nth(index)).to_have_attribute("data-chart-drawn", "true")
        expect(charts.nth(index).locator("svg.main-svg").first).to_be_visible()
    # Each chart is an image with a summary for screen readers.
    expect(
        page.get_by_role("img", name=re.compile("^Bar chart. Actions by priority"))
    ).to_be_visible()
    axe(page, "dashboard")
    screenshot(page, "dashboard")

    # Clicking the Red bar of priority 1 lists the actions behind it on the items page.
    red_bar = page.locator("#bragg-priority .trace.bars").nth(3).locator(".point path").first
    red_bar.scroll_into_view_if_needed()
    box = red_bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page).to_have_url(re.compile(r"/dashboard/items/\?chart=bragg-priority&bar=1"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Actions in Priority 1 rated Red in April 2023 (1)"
    )
    items = page.locator(".sendplan-items-table tbody")
    expect(items).to_contain_text("Action 1.1.3")
    expect(items).to_contain_text("Red")
    screenshot(page, "dashboard-red-bar-list")
    page.get_by_role("link", name="Back to the dashboard").first.click()
    expect(page).to_have_url(re.compile(r"/dashboard/\?month=2023-04$"))
    expect(charts.nth(1)).to_have_attribute("data-chart-drawn", "true")

    # A trend bar leads to a page of its own: March's Grey bar lists the ten actions.
    grey_bar = page.locator("#bragg-trend .trace.bars").nth(4).locator(".point path").first
    grey_bar.scroll_into_view_if_needed()
    box = grey_bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page).to_have_url(re.compile(r"/dashboard/items/\?chart=bragg-trend&bar=2023-03"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Actions rated Grey in March 2023 (10)"
    )
    expect(page.locator(".sendplan-items-table tbody tr")).to_have_count(10)
    expect(page.locator(".sendplan-items-table tbody")).to_contain_text("Grey")
    axe(page, "dashboard-items")
    screenshot(page, "dashboard-items")
    page.get_by_role("link", name="Back to the dashboard").first.click()
    expect(page).to_have_url(re.compile(r"/dashboard/\?month=2023-04$"))
    expect(charts.first).to_have_attribute("data-chart-drawn", "true")

    # A filter narrows the lists: only Jo Littler's actions remain.
    page.get_by_label("Lead").select_option(label="Jo Littler")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("4 actions and 6 outcome targets match the filters")).to_be_visible()
    red_amber = page.locator("#red-amber-actions")
    expect(red_amber).to_contain_text("Action 1.1.3")
    expect(red_amber).not_to_contain_text("Action 1.1.2")  # led by Nic Childs
    expect(charts).to_have_count(6)
    expect(charts.first).to_have_attribute("data-chart-drawn", "true")
    axe(page, "dashboard-filtered")
    screenshot(page, "dashboard-filtered")


def test_dashboard_tables_work_without_javascript(browser, live_server, member, transactional_db):
    user, plan = member
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/plans/{plan.slug}/dashboard/?month=2023-04")

    # The table's figure links to the list of the items behind the bar.
    table = page.get_by_role("table", name=re.compile("Figures: Actions by priority"))
    table.get_by_role("link", name="1").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Actions in Priority 1 rated Blue in April 2023 (1)"
    )
    expect(page.locator(".sendplan-items-table")).to_contain_text("Action 1.1.0")
    page.get_by_role("link", name="Back to the dashboard").first.click()

    # A trend's figure links to the page listing the items behind that bar.
    trend = page.get_by_role("table", name=re.compile("Figures: Actions by BRAGG status"))
    trend.get_by_role("link", name="10").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Actions rated Grey in March 2023 (10)"
    )
    context.close()
