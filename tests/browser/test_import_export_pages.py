"""The demo's programme manager brings an edited plan back in from the plan's own import
and export page: downloads the plan, changes an action in the file, uploads it, reads the
preview and confirms, and finds the plan changed."""

import csv
import io
import re

from playwright.sync_api import expect

from actions.models import Action
from spreadsheets.models import PlanImport, PlanImportStatus

NEW_TEXT = "Publish the SEND Local Offer in community languages, tested with parent carers"


def _edited(exported: bytes) -> tuple[bytes, str]:
    """The exported CSV with the first action's text replaced; and that action's old text."""
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    column = rows[0].index("action")
    first = next(row for row in rows[1:] if row[column])
    old, first[column] = first[column], NEW_TEXT
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8"), old


def test_the_programme_manager_exports_edits_imports_and_sees_the_plan_changed(
    page, sign_in_as, live_server, seeded, axe, screenshot
):
    plan = seeded
    actions_before = Action.objects.filter(plan=plan).count()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_as("darlington-pm")

    page.goto(f"{live_server.url}{plan.get_absolute_url()}")
    page.get_by_role("link", name="Import and export").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import and export")
    axe(page, "import-export-page")
    screenshot(page, "import-export-page")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert download.value.suggested_filename == "darlington-wsoa-2023.csv"
    edited, old_text = _edited(download.value.path().read_bytes())

    page.get_by_label("Plan spreadsheet").set_input_files(
        {"name": "darlington-edited.csv", "mimeType": "text/csv", "buffer": edited}
    )
    page.get_by_label("Month of the sheet's BRAGG and RAG ratings (optional)").fill("2023-05")
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Preview the import of darlington-edited.csv"
    )
    summary = page.get_by_role("table", name="What the import will do")
    actions_row = summary.get_by_role("row", name=re.compile("^Actions"))
    expect(actions_row.get_by_role("cell").nth(1)).to_have_text("1")  # one action changed
    columns = page.get_by_role("table", name="Columns of the file")
    expect(columns.get_by_label("outcome_target")).to_have_value("outcome_target")
    axe(page, "import-preview")
    screenshot(page, "import-preview")
    assert Action.objects.filter(plan=plan, text=NEW_TEXT).count() == 0

    page.get_by_role("button", name="Import", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("Imported Darlington")
    assert page.url == f"{live_server.url}{plan.get_absolute_url()}"
    changed = Action.objects.get(plan=plan, text=NEW_TEXT)
    assert not Action.objects.filter(plan=plan, text=old_text).exists()
    assert Action.objects.filter(plan=plan).count() == actions_before
    assert changed.history.latest().history_user.username == "darlington-pm"
    upload = PlanImport.objects.get()
    assert upload.status == PlanImportStatus.IMPORTED and upload.plan == plan
    # The plan's own page for the action's issue shows the new words.
    page.goto(f"{live_server.url}/plans/{plan.slug}/issues/{changed.issue.ref}/")
    expect(page.get_by_role("main")).to_contain_text(NEW_TEXT)
