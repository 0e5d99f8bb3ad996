"""Each role's home page and the programme manager's months page in the seeded demo, as
the people meet them: what each home offers, the overdue month, sorting the leads by what
is missing and sending reminders, each page checked with axe (issue: the people's month)."""

import re

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize(
    ("username", "offers"),
    [
        ("darlington-lead", "My updates"),
        ("darlington-pm", "Chase"),
        ("darlington-sig", "Dashboard"),
        ("darlington-sae", "No pack has been issued yet"),
        ("durham-pm", "Durham"),
        ("multi-area", "Durham"),
    ],
)
def test_each_roles_home_says_what_it_offers_and_passes_axe(
    page, sign_in_as, seeded, axe, screenshot, username, offers
):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_as(username)
    expect(page.get_by_role("main")).to_contain_text(re.compile(offers, re.IGNORECASE))
    axe(page, f"home-{username}")
    screenshot(page, f"home-{username}")


def test_the_months_page_shows_overdue_sorts_by_missing_and_sends_reminders(
    page, sign_in_as, live_server, seeded, axe, screenshot
):
    plan = seeded
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_as("darlington-pm")
    page.get_by_role("link", name="See who is missing and chase them").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(": progress$"))
    # The demo's open month's deadline passed long ago: it shows as overdue, with days.
    expect(page.get_by_text("Overdue").first).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"\d+ days? (late|overdue)"))
    axe(page, "months-page")
    screenshot(page, "months-page")

    sort = page.get_by_role("navigation", name="Sort and filter the leads")
    sort.get_by_role("link", name="Name").click()
    # The chosen order is shown in bold, not as a link: the sorted page has arrived.
    expect(sort.locator("strong", has_text="Name")).to_be_visible()
    names = page.locator("table.govuk-table tbody th a").all_inner_texts()
    assert names == sorted(names, key=lambda n: n.split()[-1]) or names == sorted(names), names
    sort = page.get_by_role("navigation", name="Sort and filter the leads")
    sort.get_by_role("link", name="Most missing first").click()
    expect(sort.locator("strong", has_text="Most missing first")).to_be_visible()
    rows = page.locator("table.govuk-table tbody tr")
    missing = [int(t) for t in rows.locator("td:nth-child(4)").all_inner_texts() if t.isdigit()]
    assert missing and missing == sorted(missing, reverse=True), missing
    axe(page, "months-page-sorted")

    page.get_by_role("button", name="Send reminders now").click()
    expect(page.get_by_role("main")).to_contain_text(re.compile("reminder", re.IGNORECASE))
    axe(page, "months-page-reminders-sent")
    screenshot(page, "months-page-reminders-sent")
    assert plan.slug in page.url
