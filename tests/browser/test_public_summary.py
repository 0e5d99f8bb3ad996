"""Issue 20's public summary in chromium: Darlington's programme manager writes and
publishes the summary for families; an anonymous visitor reads it with no cookie set; a
later draft stays private until it is published; axe finds nothing serious on the writing
page or the public one; the PDF is tagged."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from demo.seeding.demo import DEMO_PASSWORD

PUBLIC = "/public/darlington/darlington-wsoa-2023/"


@pytest.fixture
def seeded(transactional_db):
    cache.clear()
    call_command("seed_demo", stdout=io.StringIO())
    yield
    cache.clear()


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


def _first_priority(page):
    return page.locator("fieldset.govuk-fieldset").filter(has=page.locator("textarea")).first


def test_a_manager_publishes_the_summary_and_a_family_reads_it_without_a_cookie(
    page, browser, live_server, seeded, axe, screenshot
):
    _sign_in(page, live_server, "darlington-pm")
    page.goto(f"{live_server.url}/plans/darlington-wsoa-2023/")
    page.get_by_role("link", name="Public summary for families").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Public summary for families")
    first = _first_priority(page)
    first.get_by_role("radio", name="Green").check()
    account = first.get_by_label("What we have done")
    account.fill(
        "We now meet every family within two weeks. We check each plan with you. "
        "You told us this helps."
    )
    # The reading figure follows the words as they are typed.
    expect(first.locator("[data-readability-for]").first).to_contain_text(
        re.compile("reading age", re.I)
    )
    first.get_by_label("What has changed for families since last time").fill(
        "You wait less for a first meeting."
    )
    axe(page, "public-summary-write")
    screenshot(page, "public-summary-write")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The summary is published.")).to_be_visible()

    family = browser.new_context()
    reader = family.new_page()
    reader.goto(f"{live_server.url}{PUBLIC}")
    expect(reader.get_by_text("We now meet every family within two weeks.")).to_be_visible()
    expect(reader.get_by_text("How it is going: ● Green")).to_be_visible()
    axe(reader, "public-summary")
    screenshot(reader, "public-summary")
    assert family.cookies() == []

    # A later draft is not public until it is published.
    account = _first_priority(page).get_by_label("What we have done")
    account.fill("A later account, still a draft.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved")).to_be_visible()
    reader.reload()
    expect(reader.get_by_text("We now meet every family within two weeks.")).to_be_visible()
    expect(reader.get_by_text("A later account, still a draft.")).to_have_count(0)
    page.get_by_role("button", name="Publish").click()
    reader.reload()
    expect(reader.get_by_text("A later account, still a draft.")).to_be_visible()
    expect(reader.get_by_role("link", name="Published").first).to_be_visible()

    pdf = reader.request.get(f"{live_server.url}{PUBLIC}pdf/")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    document = PdfReader(io.BytesIO(pdf.body()))
    root = document.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert "A later account, still a draft." in document.pages[0].extract_text()
    assert family.cookies() == []
    family.close()
