"""Issue 18's journey in chromium: a lead attaches a PDF to an action in her month and rates
it Blue on a plan that requires evidence for Blue; the programme manager's readiness page
finds nothing weak about it; the assurance executive builds and downloads a bundle whose
index lists the file with its SHA-256 and which holds the file byte for byte."""

import datetime as dt
import hashlib
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from actions.models import ActionStatus, EntryState
from evidence.models import Evidence
from progress.items import lead_items
from sendplan.models import Person, Plan
from sendplan.ratings import BRAGG
from tests.evidence.files import big_pdf

MAY = dt.date(2023, 5, 1)


@pytest.fixture
def seeded(transactional_db, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence"), "base_url": "/no-public-url/"},
        },
    }
    call_command("seed_demo", stdout=io.StringIO())
    plan = Plan.objects.get(slug="darlington-wsoa-2023")
    plan.evidence_required_for_blue = True
    plan.save()
    return plan


def test_evidence_behind_a_blue_action_reaches_readiness_and_the_bundle(
    page, sign_in_as, live_server, seeded, axe, screenshot, tmp_path
):
    plan = seeded
    jo = Person.objects.get(area=plan.area, name="Jo Littler")
    to_do = next(
        i for i in lead_items(plan, MAY, {jo.id}) if i.kind == "action" and i.progress == "missing"
    )
    pdf = big_pdf(40_000)
    source = tmp_path / "panel-minutes.pdf"
    source.write_bytes(pdf)

    # Jo, in her month: the action's evidence page, a PDF, then back to rate it Blue.
    sign_in_as("darlington-lead")
    page.get_by_role("link", name="My updates").first.click()
    page.locator(f"a[href*='/my-updates/{to_do.issue.ref}/'][href$='#{to_do.key}']").click()
    item = page.locator(f"[data-item='{to_do.key}']")
    item.get_by_role("link", name=re.compile("^Evidence")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence")
    axe(page, "evidence-item")
    page.get_by_role("radio", name="File").check()
    page.locator("input[type=file]").set_input_files(str(source))
    page.get_by_label("Title").fill("Panel minutes, May 2023")
    page.get_by_label("Day").fill("12")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill("2023")
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_text("was added as evidence")).to_be_visible()
    screenshot(page, "evidence-added")
    evidence = Evidence.objects.get(title="Panel minutes, May 2023")
    assert evidence.sha256 == hashlib.sha256(pdf).hexdigest()

    page.get_by_role("link", name="Back").click()
    item = page.locator(f"[data-item='{to_do.key}']")
    item.get_by_label("Blue").check()
    item.get_by_text("Completion date (needed for Blue)").click()
    for part, value in enumerate(("12", "5", "2023")):
        item.locator(f"[name='{to_do.key}-completed_on_{part}']").fill(value)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Saved (")).to_be_visible()
    page.get_by_role("link", name="Check and submit").click()
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Updates submitted")
    rated = ActionStatus.objects.get(action_id=to_do.obj_id, month=MAY)
    assert (rated.status, rated.state) == (BRAGG.BLUE, EntryState.SUBMITTED)
    page.get_by_role("button", name="Sign out").click()

    # The programme manager: May's readiness has nothing weak to say about that action.
    sign_in_as("darlington-pm")
    page.goto(f"{live_server.url}/plans/{plan.slug}/readiness/?month=2023-05")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Inspection readiness")
    axe(page, "readiness")
    screenshot(page, "readiness")
    body = page.locator("main").inner_text()
    assert "A Blue action has the evidence the plan requires" in body
    assert not re.search(
        re.escape(to_do.label[:40]) + r"[^\n]*\n?[^\n]*Blue with no evidence", body
    )
    page.get_by_role("button", name="Sign out").click()

    # The assurance executive builds a bundle and downloads it.
    sign_in_as("darlington-sae")
    page.goto(f"{live_server.url}/plans/{plan.slug}/")
    page.get_by_role("link", name="Monitoring-visit bundles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Monitoring-visit bundles")
    axe(page, "bundles")
    page.get_by_role("button", name="Build a bundle").click()
    expect(page.get_by_role("heading", name="Ready")).to_be_visible(timeout=60_000)
    axe(page, "bundle-ready")
    screenshot(page, "bundle-ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Download the bundle")).click()
    archive = zipfile.ZipFile(download_info.value.path())
    (name,) = [n for n in archive.namelist() if n.endswith("panel-minutes.pdf")]
    assert archive.read(name) == pdf
    index = PdfReader(io.BytesIO(archive.read("index.pdf")))
    text = "".join("".join(p.extract_text().split()) for p in index.pages)
    assert evidence.sha256 in text
    assert "".join(name.split()) in text
