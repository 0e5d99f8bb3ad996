"""A national adviser in the seeded demo compares the areas: from the home page to the
page of every area, filtering by kind of plan, sorting by readiness and drilling down to
an area's dashboard, each page checked with axe (issue 20)."""

import re

from playwright.sync_api import expect


def _table(page):
    """The table of areas (the status keys above it are tables too)."""
    return page.get_by_role("table", name=re.compile(r"^(Every area|Areas in)"))


def _areas_shown(page) -> list[str]:
    table = _table(page)
    return [
        link.inner_text() for link in table.locator("tbody tr td:first-child a:first-child").all()
    ]


def _readiness(page) -> list[int]:
    """The readiness percentage of each row, in the table's order."""
    cells = _table(page).locator("tbody tr td:nth-child(10)").all()
    return [int(re.search(r"\((\d+)%\)", cell.inner_text()).group(1)) for cell in cells]


def test_a_national_adviser_filters_sorts_and_drills_down_to_an_areas_dashboard(
    page, sign_in_as, live_server, seeded, axe, screenshot
):
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in_as("national-adviser")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Adviser (read only)")
    page.get_by_role("link", name="Compare with the other areas you advise").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Every area (national)")
    assert _areas_shown(page) == ["Darlington", "Durham"]
    # Status words are shown in the counts, never colour alone.
    expect(_table(page)).to_contain_text(re.compile(r"Blue|Green|Amber|Red"))
    # seed_demo's pending target change request for Darlington is counted on its row.
    header = _table(page).locator("thead th").nth(8)
    expect(header).to_contain_text("Changes waiting for approval")
    pending = [c.inner_text() for c in _table(page).locator("tbody tr td:nth-child(9)").all()]
    assert pending[0].strip() == "1"
    axe(page, "national-page")
    screenshot(page, "national-page")

    page.get_by_label("Kind of plan").select_option(label="Written statement of action")
    page.get_by_role("button", name="Apply filters").click()
    # Read the table only once the filtered page has arrived, not while it navigates.
    expect(page.locator("#area-count")).to_contain_text("1 plan shown")
    assert _areas_shown(page) == ["Darlington"]

    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator("#area-count")).to_contain_text("2 plans shown")
    page.get_by_role("link", name="Readiness", exact=True).click()
    expect(_table(page)).to_contain_text("sorted ascending")
    scores = _readiness(page)
    assert scores == sorted(scores) and len(scores) == 2
    page.get_by_role("link", name="Readiness", exact=True).click()
    expect(_table(page)).to_contain_text("sorted descending")
    assert _readiness(page) == sorted(scores, reverse=True)

    _table(page).get_by_role("link", name="Darlington", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    expect(page.get_by_role("main")).not_to_contain_text("Update this")
    axe(page, "national-page-drill-down")


def test_the_north_east_adviser_sees_their_regions_areas(
    page, sign_in_as, live_server, seeded, axe
):
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in_as("north-east-adviser")
    page.goto(f"{live_server.url}/advisers/areas/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Areas in North East")
    assert _areas_shown(page) == ["Darlington", "Durham"]
    axe(page, "regional-page")
