"""The programme manager previews and issues the quarterly statement; a member downloads it."""

import hashlib

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from reports.models import IssuedReport
from sendplan.models import Role
from tests import factories
from tests.builders import build_quarter_plan
from tests.reports.pdf_support import quarterly_forum


@pytest.fixture
def forum(transactional_db):
    area = factories.AreaFactory(name="Darlington", slug="darlington")
    plan = factories.PlanFactory(area=area, title="Darlington WSoA", slug="darlington-wsoa")
    build_quarter_plan(plan)
    return quarterly_forum(area, plan)


def _member(area, username, role, first_name):
    user = factories.UserFactory(username=username, first_name=first_name)
    factories.MembershipFactory(user=user, area=area, role=role)
    return user


def test_programme_manager_previews_then_issues_and_the_executive_downloads_it(
    signed_in_page, live_server, forum, axe, screenshot, browser, console
):
    manager = _member(forum.area, "darlington-pm", Role.PROGRAMME_MANAGER, "David")
    page = signed_in_page(manager)
    reports_url = f"{live_server.url}/areas/darlington/forums/{forum.slug}/reports/"

    # The forum's page leads to its reports.
    page.goto(f"{live_server.url}/areas/darlington/forums/{forum.slug}/")
    expect(page.get_by_text("No report has been issued to this forum yet.")).to_be_visible()
    page.get_by_role("link", name="Preview or issue a report for SEND Assurance Executive").click()
    expect(page).to_have_url(reports_url)
    axe(page, "forum-reports")
    screenshot(page, "forum-reports")

    # A preview: the page says it is being built, then the PDF arrives by itself.
    page.get_by_label("Period").first.select_option(label="January to March 2023")
    with page.expect_download(timeout=120_000) as download_info:
        page.get_by_role("button", name="Build a preview").click()
        # The page starts fetching the PDF at once; until that fetch turns into a download,
        # Playwright waits for it as a navigation, which takes as long as the PDF does.
        expect(page.get_by_role("heading", name="Building the report…")).to_be_visible(
            timeout=120_000
        )
        axe(page, "report-preview")
        screenshot(page, "report-preview")
    download = download_info.value
    assert download.suggested_filename == (
        "preview-darlington-wsoa-send-assurance-executive-2023-Q1.pdf"
    )

    # Issuing asks for confirmation first.
    page.goto(reports_url)
    page.locator("#issue-period").select_option(label="January to March 2023")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Issue the quarterly progress statement for January to March 2023"
    )
    axe(page, "report-issue")
    screenshot(page, "report-issue")
    # The programme manager writes the summary commentary the pack prints.
    page.get_by_label("Summary commentary").fill("A steady quarter; two actions need help.")
    page.get_by_role("button", name="Issue the report").click()
    expect(
        page.get_by_text("was issued. Members of the forum can now download it.")
    ).to_be_visible()
    screenshot(page, "forum-reports-issued")
    report = IssuedReport.objects.get()

    # An assurance executive member downloads exactly the file that was issued.
    page.get_by_role("button", name="Sign out").click()
    executive = _member(forum.area, "darlington-sae", Role.ASSURANCE_EXECUTIVE, "Sam")
    page = signed_in_page(executive)
    page.goto(f"{live_server.url}/areas/darlington/forums/{forum.slug}/")
    axe(page, "forum-with-issued-report")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download").first.click()
    path = download_info.value.path()
    with open(path, "rb") as issued_file:
        assert hashlib.sha256(issued_file.read()).hexdigest() == report.sha256


def test_a_pack_queued_for_the_worker_shows_its_progress_then_the_pack(
    signed_in_page, live_server, forum, axe, screenshot, settings
):
    # The real queue: the pack waits for a worker instead of being built in the request.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    manager = _member(forum.area, "darlington-pm", Role.PROGRAMME_MANAGER, "David")
    page = signed_in_page(manager)
    page.goto(f"{live_server.url}/areas/darlington/forums/{forum.slug}/reports/")
    page.locator("#issue-period").select_option(label="January to March 2023")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Summary commentary").fill("Built by the worker.")
    page.get_by_role("button", name="Issue the report").click()

    expect(page.get_by_role("status")).to_contain_text("Queued: waiting for the background worker.")
    axe(page, "pack-queued")
    screenshot(page, "pack-queued")
    assert not IssuedReport.objects.exists()

    call_command("run_worker", "--batch", "--no-startup-delay", verbosity=0)

    # The page checks again by itself and shows the issued pack.
    expect(page.get_by_role("heading", name="Issued")).to_be_visible(timeout=20_000)
    report = IssuedReport.objects.get()
    expect(page.get_by_role("link", name=f"Download {report.title} (PDF)")).to_be_visible()
    axe(page, "pack-issued")
    screenshot(page, "pack-issued")
