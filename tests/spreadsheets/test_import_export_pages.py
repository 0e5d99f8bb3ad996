"""The programme manager's import and export pages on the plan: upload, preview, confirm
or cancel, export, who may use them, and the uploads nobody confirmed."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions.models import Action
from sendplan.models import Plan, Role
from spreadsheets.models import PlanImport, PlanImportStatus
from tests import factories
from tests.actions.conftest import domain_counts

from .import_helpers import BAD, GOOD, GOOD_UPDATES, pending_upload

pytestmark = pytest.mark.django_db


def _page(plan) -> str:
    return reverse("spreadsheets:import_export", kwargs={"plan_slug": plan.slug})


def _preview(plan, upload) -> str:
    return reverse("spreadsheets:preview", kwargs={"plan_slug": plan.slug, "import_id": upload.pk})


def _file(path: str, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or Path(path).name, Path(path).read_bytes())


def _upload(client, plan, path=GOOD, **data):
    form = {"file": _file(path), "into": "this", "month": "2024-03", **data}
    return client.post(_page(plan), form)


@pytest.fixture
def manager(client, programme_manager_a):
    client.force_login(programme_manager_a)
    return client


def test_the_plan_navigation_links_the_page_for_the_programme_manager_only(
    client, plan_a, programme_manager_a, lead_a
):
    plan_page = reverse("reports:plan_detail", kwargs={"plan_slug": plan_a.slug})
    client.force_login(programme_manager_a)
    assert f'href="{_page(plan_a)}"' in client.get(plan_page).content.decode()
    client.force_login(lead_a)
    assert f'href="{_page(plan_a)}"' not in client.get(plan_page).content.decode()


def test_the_page_offers_the_export_in_both_formats_and_an_upload(manager, plan_a):
    page = manager.get(_page(plan_a)).content.decode()

    assert 'href="/plans/area-a-wsoa/import-export/export.xlsx"' in page
    assert 'href="/plans/area-a-wsoa/import-export/export.csv"' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'class="govuk-file-upload"' in page


def test_an_upload_is_previewed_and_imported_into_the_plan_on_confirmation(
    manager, plan_a, programme_manager_a
):
    response = _upload(manager, plan_a)
    upload = PlanImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _preview(plan_a, upload)
    assert not Action.objects.filter(plan=plan_a).exists()

    preview = manager.get(_preview(plan_a, upload))
    page = preview.content.decode()
    assert "What the import will do" in page
    assert "Actions" in page and ">5<" in page  # five actions created
    assert "its content will be replaced" in page
    assert not Action.objects.filter(plan=plan_a).exists()

    done = manager.post(_preview(plan_a, upload), {"plan_state": preview.context["plan_state"]})

    assert done.status_code == 302
    assert done["Location"] == plan_a.get_absolute_url()
    assert Action.objects.filter(plan=plan_a).count() == 5
    upload.refresh_from_db()
    assert upload.status == PlanImportStatus.IMPORTED
    assert bytes(upload.content) == b"" and upload.parsed == ""
    action = Action.objects.filter(plan=plan_a).first()
    assert action.history.get().history_user == programme_manager_a
    shown = manager.get(done["Location"]).content.decode()
    assert "Imported Area A WSoA: " in shown
    # Once imported, the preview is gone: the page says so rather than import twice.
    again = manager.get(_preview(plan_a, upload), follow=True)
    assert "already been imported" in again.content.decode()


def test_an_upload_with_its_story_so_far_goes_into_a_new_plan_of_the_area(manager, plan_a):
    _upload(
        manager,
        plan_a,
        into="new",
        plan_title="Area A  Local Area Plan",
        updates=_file(GOOD_UPDATES),
    )
    upload = PlanImport.objects.get()
    preview = manager.get(_preview(plan_a, upload))
    assert "a new plan will be created" in preview.content.decode()

    manager.post(_preview(plan_a, upload), {"plan_state": preview.context["plan_state"]})

    new = Plan.objects.get(slug="area-a-local-area-plan")
    assert new.area == plan_a.area and new.title == "Area A Local Area Plan"
    assert Action.objects.filter(plan=new).count() == 5
    assert not Action.objects.filter(plan=plan_a).exists()


def test_a_new_plan_needs_a_title(manager, plan_a):
    response = _upload(manager, plan_a, into="new", plan_title="  ")

    assert response.status_code == 400
    assert "Enter the title of the new plan" in response.content.decode()
    assert not PlanImport.objects.exists()


def test_the_preview_lists_every_problem_with_its_sheet_row_and_column_and_offers_no_import(
    manager, plan_a
):
    _upload(manager, plan_a, path=BAD)
    upload = PlanImport.objects.get()
    before = domain_counts()

    response = manager.get(_preview(plan_a, upload))
    page = response.content.decode()

    problems = response.context["preview"].problems
    assert len(problems) == 7
    assert "7 problems: nothing can be imported until they are fixed" in page
    assert '<td class="govuk-table__cell">by_when</td>' in page
    assert "&quot;Smarch 2023&quot; is not a month we can read." in page
    assert ">Import</button>" not in page
    # Confirming anyway writes nothing.
    refused = manager.post(_preview(plan_a, upload), {"plan_state": response.context["plan_state"]})
    assert refused.status_code == 400
    assert "Nothing was imported" in refused.content.decode()
    assert domain_counts() == before


def test_the_preview_shows_the_columns_of_the_file(manager, plan_a):
    _upload(manager, plan_a)
    page = manager.get(_preview(plan_a, PlanImport.objects.get())).content.decode()

    assert "Columns of the file" in page
    assert '<option value="outcome_target" selected>Outcome target</option>' in page
    assert "_beyond" not in page  # the reader's own column is not the file's


COUNCIL_SHEET = (
    "Ref,Priority,Issue to be addressed,What we will do,Lead officer,Timescale,Owner's notes\n"
    "1.1,1. Inclusion,Too many exclusions,Publish the local offer,Jo Littler,Dec 2023,Agreed\n"
)


def test_a_council_layout_is_mapped_and_a_column_can_be_chosen_again_on_the_page(manager, plan_a):
    upload = SimpleUploadedFile("council.csv", COUNCIL_SHEET.encode(), content_type="text/csv")
    manager.post(_page(plan_a), {"file": upload, "into": "this", "month": "2024-03"})
    stored = PlanImport.objects.get()
    page = manager.get(_preview(plan_a, stored)).content.decode()
    assert '<option value="action" selected>Action</option>' in page
    assert "will not be imported" in page and "Owner&#x27;s notes" in page

    # The programme manager says the notes column is the BRAGG column after all: refused,
    # as "Agreed" is no status, and listed on the page; then "not imported" again.
    response = manager.post(
        _preview(plan_a, stored),
        {
            "remap": "1",
            "column_A": "ref",
            "column_B": "priority",
            "column_C": "issue",
            "column_D": "action",
            "column_E": "actioned_by",
            "column_F": "by_when",
            "column_G": "action",
            "heading": "priority",
        },
    )
    assert response.status_code == 400
    assert "already fills Action." in response.content.decode()

    response = manager.post(
        _preview(plan_a, stored),
        {
            "remap": "1",
            "column_A": "ref",
            "column_B": "priority",
            "column_C": "issue",
            "column_D": "action",
            "column_E": "actioned_by",
            "column_F": "",
            "column_G": "",
            "heading": "priority",
        },
    )
    assert response.status_code == 302
    page = manager.get(_preview(plan_a, stored)).content.decode()
    assert "The file was read again with the columns you chose." in page
    assert "Timescale" in page and '<option value="by_when" selected>' not in page
    assert domain_counts()  # nothing imported by reading again
    assert not Action.objects.filter(text="Publish the local offer").exists()


def test_cancelling_an_upload_forgets_it_and_writes_nothing_to_the_plan(manager, plan_a):
    _upload(manager, plan_a)
    upload = PlanImport.objects.get()

    response = manager.post(
        reverse("spreadsheets:cancel", kwargs={"plan_slug": plan_a.slug, "import_id": upload.pk}),
        follow=True,
    )

    assert "was cancelled: nothing was imported" in response.content.decode()
    assert not PlanImport.objects.exists()
    assert not Action.objects.filter(plan=plan_a).exists()
    assert manager.get(_preview(plan_a, upload)).status_code == 404


def test_a_preview_read_before_the_plan_changed_is_shown_again_not_imported(
    manager, plan_a, programme_manager_a
):
    pending_upload(user=programme_manager_a, plan=plan_a)
    first = PlanImport.objects.get()
    read = manager.get(_preview(plan_a, first))
    # Someone else imports into the plan meanwhile.
    other = pending_upload(user=programme_manager_a, plan=plan_a, path=BAD.replace("bad", "messy"))
    manager.post(_preview(plan_a, other), {"plan_state": read.context["plan_state"]})
    changed = Action.objects.filter(plan=plan_a).count()
    assert changed > 0
    before = domain_counts()

    stale = manager.post(_preview(plan_a, first), {"plan_state": read.context["plan_state"]})

    assert stale.status_code == 409
    assert "The plan has changed since you read this preview" in stale.content.decode()
    assert domain_counts() == before
    fresh = manager.post(_preview(plan_a, first), {"plan_state": stale.context["plan_state"]})
    assert fresh.status_code == 302
    assert Action.objects.filter(plan=plan_a).count() == 5


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.pdf", b"%PDF-1.4 not a sheet", "XLSX"),
        ("plan.csv", b"", "The file is empty"),
        ("plan.xlsx", b"PK\x03\x04 not really a workbook", "plan.xlsx"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_message_and_nothing_is_kept(
    manager, plan_a, name, data, message
):
    before = domain_counts()

    response = manager.post(_page(plan_a), {"file": SimpleUploadedFile(name, data), "into": "this"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert domain_counts() == before


def test_a_file_over_the_size_limit_is_refused_with_its_size_and_the_limit(
    manager, plan_a, settings
):
    settings.SENDPLAN_IMPORT_MAX_BYTES = 1024
    before = domain_counts()

    response = _upload(manager, plan_a)

    assert response.status_code == 400
    assert "the largest file that can be imported is 0.000976562 MB" in response.content.decode()
    assert domain_counts() == before


def test_a_month_not_written_as_year_and_month_is_refused(manager, plan_a):
    response = _upload(manager, plan_a, month="March")

    assert response.status_code == 400
    assert "Enter the month as YYYY-MM, such as 2024-03." in response.content.decode()
    assert not PlanImport.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_plan_downloads_as_csv_and_as_xlsx(manager, plan_a, programme_manager_a, fmt):
    done = pending_upload(user=programme_manager_a, plan=plan_a)
    read = manager.get(_preview(plan_a, done))
    manager.post(_preview(plan_a, done), {"plan_state": read.context["plan_state"]})

    response = manager.get(reverse(f"spreadsheets:export_{fmt}", kwargs={"plan_slug": plan_a.slug}))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="area-a-wsoa.{fmt}"'
    if fmt == "csv":
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        text = response.content.decode()
        assert text.startswith("\ufeffref,priority,issue,")  # with a BOM, for Excel
        assert "Develop a comprehensive SEND Data Dashboard" in text
    else:
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames[:2] == ["plan", "updates"]
        assert workbook["plan"].max_row == 7  # the header and the sheet's six rows


# --- Who may use the pages --------------------------------------------------------------


def _urls(plan, upload) -> list[str]:
    kwargs = {"plan_slug": plan.slug}
    return [
        _page(plan),
        reverse("spreadsheets:export_csv", kwargs=kwargs),
        reverse("spreadsheets:export_xlsx", kwargs=kwargs),
        _preview(plan, upload),
    ]


@pytest.mark.parametrize("role", [Role.SEND_LEAD, Role.VIEWER, Role.IMPLEMENTATION_GROUP])
def test_members_who_are_not_the_programme_manager_are_refused(
    client, plan_a, programme_manager_a, role
):
    upload = pending_upload(user=programme_manager_a, plan=plan_a)
    member = factories.UserFactory()
    factories.MembershipFactory(user=member, area=plan_a.area, role=role)
    client.force_login(member)

    assert [client.get(url).status_code for url in _urls(plan_a, upload)] == [403] * 4
    cancel = reverse(
        "spreadsheets:cancel", kwargs={"plan_slug": plan_a.slug, "import_id": upload.pk}
    )
    assert client.post(cancel).status_code == 403
    assert client.post(_preview(plan_a, upload)).status_code == 403
    assert PlanImport.objects.filter(status=PlanImportStatus.PREVIEWED).count() == 1


def test_a_programme_manager_of_another_area_finds_nothing(client, plan_a, programme_manager_a):
    upload = pending_upload(user=programme_manager_a, plan=plan_a)
    other = factories.UserFactory()
    factories.MembershipFactory(
        user=other, area=factories.AreaFactory(), role=Role.PROGRAMME_MANAGER
    )
    client.force_login(other)

    assert [client.get(url).status_code for url in _urls(plan_a, upload)] == [404] * 4


def test_an_upload_is_seen_only_by_the_one_who_made_it_and_site_administrators(
    client, plan_a, programme_manager_a, admin_user
):
    upload = pending_upload(user=programme_manager_a, plan=plan_a)
    colleague = factories.UserFactory()
    factories.MembershipFactory(user=colleague, area=plan_a.area, role=Role.PROGRAMME_MANAGER)
    client.force_login(colleague)
    assert client.get(_preview(plan_a, upload)).status_code == 404
    assert upload.file_name not in client.get(_page(plan_a)).content.decode()

    client.force_login(admin_user)
    assert client.get(_preview(plan_a, upload)).status_code == 200


def test_an_upload_is_reached_only_from_a_plan_of_its_area(
    client, plan_a, plan_b, programme_manager_a
):
    upload = pending_upload(user=programme_manager_a, plan=plan_a)
    factories.MembershipFactory(
        user=programme_manager_a, area=plan_b.area, role=Role.PROGRAMME_MANAGER
    )
    client.force_login(programme_manager_a)

    assert client.get(_preview(plan_b, upload)).status_code == 404


# --- Uploads nobody confirmed -----------------------------------------------------------


def _aged(upload, days: int):
    PlanImport.objects.filter(pk=upload.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days)
    )


def test_the_daily_command_removes_uploads_left_unconfirmed_for_14_days(
    plan_a, programme_manager_a
):
    old = pending_upload(user=programme_manager_a, plan=plan_a)
    recent = pending_upload(user=programme_manager_a, plan=plan_a)
    imported = pending_upload(user=programme_manager_a, plan=plan_a)
    PlanImport.objects.filter(pk=imported.pk).update(status=PlanImportStatus.IMPORTED)
    _aged(old, 15)
    _aged(recent, 13)
    _aged(imported, 400)
    out = io.StringIO()

    call_command("clear_stale_imports", stdout=out)

    assert set(PlanImport.objects.values_list("pk", flat=True)) == {recent.pk, imported.pk}
    assert "Removed 1 upload not confirmed within 14 days." in out.getvalue()
    # Its history row says it was deleted.
    assert PlanImport.history.filter(id=old.pk, history_type="-").exists()


def test_the_days_kept_are_a_setting_and_an_option(plan_a, programme_manager_a, settings):
    upload = pending_upload(user=programme_manager_a, plan=plan_a)
    _aged(upload, 5)
    settings.SENDPLAN_IMPORT_KEEP_DAYS = 7
    call_command("clear_stale_imports", stdout=io.StringIO())
    assert PlanImport.objects.exists()

    call_command("clear_stale_imports", "--days", "3", stdout=io.StringIO())
    assert not PlanImport.objects.exists()


def test_a_new_upload_removes_the_stale_ones(manager, plan_a, programme_manager_a):
    old = pending_upload(user=programme_manager_a, plan=plan_a)
    _aged(old, 20)

    _upload(manager, plan_a)

    assert list(PlanImport.objects.values_list("pk", flat=True)) != [old.pk]
    assert not PlanImport.objects.filter(pk=old.pk).exists()
    assert PlanImport.objects.count() == 1


def test_the_command_refuses_a_negative_number_of_days(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Enter the number of days as 0 or more"):
        call_command("clear_stale_imports", "--days", "-1")


def test_the_page_says_how_long_an_upload_waits(manager, plan_a, programme_manager_a):
    with time_machine.travel(timezone.now()):
        pending_upload(user=programme_manager_a, plan=plan_a)
    page = manager.get(_page(plan_a)).content.decode()
    assert "Uploads waiting for you to confirm" in page
    assert "deleted after 14 days" in page


def _outline(page: str) -> list[list[str]]:
    """The rows of the preview's table "The plan as the file reads"."""
    table = re.search(r'<table class="govuk-table" id="outline">(.*?)</table>', page, re.S)
    assert table, "the preview shows no outline"
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table[1], re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]
    return [[html.unescape(c) for c in row] for row in cells[1:]]


def test_the_preview_shows_the_priorities_heading_rows_start_and_what_is_under_each(
    manager, plan_a
):
    from .layouts import super_header_workbook

    upload = SimpleUploadedFile("city.xlsx", super_header_workbook())
    manager.post(
        _page(plan_a),
        {"file": upload, "into": "new", "plan_title": "City LAP", "month": "2024-03"},
    )
    stored = PlanImport.objects.get()

    page = manager.get(_preview(plan_a, stored)).content.decode()

    # Priority, issues, actions, outcome targets: the merged heading rows became priorities.
    assert _outline(page) == [
        ["Priority 1: Inclusion", "1", "2", "1"],
        ["Priority 2: Transitions", "1", "1", "1"],
    ]
