"""Importing a whole plan through the import_plan command and the admin's pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from actions.models import ActionStatus
from sendplan.models import Plan
from spreadsheets.models import PlanImport, PlanImportStatus
from tests import factories

from .import_helpers import (
    BAD,
    BAD_PROBLEMS,
    BAD_UPDATES,
    GOOD,
    GOOD_UPDATES,
    MONTH,
    row_counts,
    write_file,
)

# --- The command -----------------------------------------------------------------------


def _command(*args, **options):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_plan", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_a_plan_and_prints_what_it_created(importer):
    out, _ = _command(
        GOOD,
        area="Southend",
        plan="Southend WSoA",
        updates=GOOD_UPDATES,
        user="importer",
        month=MONTH,
    )

    plan = Plan.objects.get(slug="southend-wsoa")
    assert "Imported Southend WSoA (southend-wsoa) for Southend:" in out
    assert "actions: 5 created, 0 changed, 0 deleted" in out
    assert ActionStatus.objects.filter(plan=plan, month=MONTH).count() == 5


def test_the_command_acts_as_the_system_user_when_no_user_is_given(db):
    _command(GOOD, area="Southend", plan="Southend WSoA", slug="southend")

    plan = Plan.objects.get(slug="southend")
    creator = plan.history.get().history_user
    assert creator.username == "sendplan-system"
    assert not creator.is_active
    assert not creator.has_usable_password()


def test_the_commands_dry_run_writes_nothing(importer):
    before = row_counts()

    out, _ = _command(GOOD, area="Southend", plan="Southend WSoA", dry_run=True, user="importer")

    assert "Dry run: nothing was written." in out
    assert "issues to be addressed: 3 created, 0 changed, 0 deleted" in out
    assert row_counts() == before


def test_the_command_with_replace_run_twice_changes_nothing(importer):
    _command(GOOD, area="Southend", plan="Southend WSoA", user="importer", month=MONTH)

    out, _ = _command(
        GOOD, area="Southend", plan="Southend WSoA", user="importer", month=MONTH, replace=True
    )

    assert "nothing to change" in out


def test_the_command_refuses_a_second_import_without_replace(importer):
    _command(GOOD, area="Southend", plan="Southend WSoA", user="importer")

    with pytest.raises(CommandError, match=r"already has content .* \(--replace\)"):
        _command(GOOD, area="Southend", plan="Southend WSoA", user="importer")


def test_the_command_names_a_missing_file(db):
    with pytest.raises(CommandError) as error:
        _command("tests/files/nowhere.csv", area="Southend", plan="Southend WSoA")

    assert str(error.value) == "There is no file tests/files/nowhere.csv."
    assert error.value.returncode == 1


def test_the_command_says_how_to_name_the_columns_of_a_sheet_it_cannot_recognise(db, tmp_path):
    source = write_file(tmp_path, "plan.csv", "Colour,Size,Shape\nRed,Big,Round\n")

    with pytest.raises(CommandError) as error:
        _command(source, area="Southend", plan="Southend WSoA")

    assert str(error.value) == (
        "No header row of a plan table was found in plan.csv: no column is headed as "
        "actions, outcome targets or issues to be addressed (the first row has: Colour, "
        'Size, Shape). Give the columns with --columns, such as {"ref": "No.", "action": '
        '"What we will do"}, or choose them on the preview page.'
    )


def test_the_command_reads_a_councils_own_headers_and_names_what_is_missing(db, tmp_path):
    source = write_file(tmp_path, "plan.csv", "Ref,Action,Lead\n1.1,Do it,Jo\n")

    with pytest.raises(CommandError) as error:
        _command(source, area="Southend", plan="Southend WSoA")

    assert str(error.value) == (
        "Row 2, column priority: Enter the title of priority 1: this is the first row that "
        "names it."
    )


def test_the_command_gives_one_line_for_one_bad_row(db, tmp_path):
    text = (
        Path(GOOD)
        .read_text(encoding="utf-8")
        .replace("Tony Murphy,Sept 2023", "Tony Murphy,31/02/2023")
    )
    source = write_file(tmp_path, "plan.csv", text)

    with pytest.raises(CommandError) as error:
        _command(source, area="Southend", plan="Southend WSoA")

    assert str(error.value) == (
        'Row 3, column by_when: Enter a month such as "Dec 2022" or "2023-03"; "31/02/2023" '
        "is not a date."
    )


def test_the_command_prints_each_of_many_bad_rows_on_its_own_line(db):
    before = row_counts()

    with pytest.raises(CommandError) as error:
        _command(BAD, area="Southend", plan="Southend WSoA", updates=BAD_UPDATES)

    assert str(error.value) == "10 problems were found; nothing was imported."
    assert row_counts() == before


def test_the_command_prints_the_problems_to_stderr(db, capsys):
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_plan", BAD, area="Southend", plan="Southend WSoA", stderr=err, stdout=StringIO()
        )

    assert err.getvalue().splitlines() == BAD_PROBLEMS[:7]  # the plan sheet's seven


def test_the_command_names_an_unknown_user(db):
    with pytest.raises(CommandError, match='There is no user "nobody".'):
        _command(GOOD, area="Southend", plan="Southend WSoA", user="nobody")


def test_the_command_refuses_a_month_not_written_as_year_and_month(db):
    with pytest.raises(CommandError, match="Enter --month as YYYY-MM"):
        call_command(
            "import_plan", GOOD, "--area", "Southend", "--plan", "Southend WSoA", "--month", "March"
        )


# --- The admin -------------------------------------------------------------------------


@pytest.fixture
def admin_client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def _upload(client, path=GOOD, updates=GOOD_UPDATES, **fields):
    data = {
        "area_name": "Darlington",
        "plan_title": "Darlington WSoA",
        "month": "2024-03",
        **fields,
    }
    with open(path, "rb") as plan_file:
        data["file"] = plan_file
        if updates:
            with open(updates, "rb") as updates_file:
                data["updates"] = updates_file
                return client.post(reverse("admin:spreadsheets_planimport_add"), data)
        return client.post(reverse("admin:spreadsheets_planimport_add"), data)


def test_the_admin_previews_an_upload_and_imports_it_on_confirmation(admin_user, admin_client_for):
    client = admin_client_for(admin_user)

    response = _upload(client)
    stored = PlanImport.objects.get()
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert b"What the import will do" in preview.content
    assert not Plan.objects.exists()

    done = client.post(response["Location"], {"sha256": stored.sha256})

    plan = Plan.objects.get(slug="darlington-wsoa")
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:sendplan_plan_change", args=[plan.pk])
    stored.refresh_from_db()
    assert stored.status == PlanImportStatus.IMPORTED
    assert stored.plan == plan
    assert bytes(stored.content) == b""
    assert plan.history.get().history_user == admin_user


def test_the_admin_preview_lists_every_problem_and_offers_no_import(admin_user, admin_client_for):
    client = admin_client_for(admin_user)

    response = client.get(_upload(client, path=BAD, updates=BAD_UPDATES)["Location"])

    assert b"10 problems" in response.content
    assert b"Smarch 2023" in response.content
    assert b'value="Import"' not in response.content


def test_the_admin_does_not_import_a_stored_file_that_has_changed(admin_user, admin_client_for):
    client = admin_client_for(admin_user)
    location = _upload(client)["Location"]
    stored = PlanImport.objects.get()
    PlanImport.objects.filter(pk=stored.pk).update(content=b"ref\n")

    response = client.post(location, {"sha256": stored.sha256})

    assert response.status_code == 302
    assert not Plan.objects.exists()


def test_the_admin_refuses_a_file_over_the_size_limit(admin_user, admin_client_for, settings):
    settings.SENDPLAN_IMPORT_MAX_BYTES = 100
    client = admin_client_for(admin_user)

    response = _upload(client, updates=None)

    assert response.status_code == 200
    assert b"the largest file that can be imported is" in response.content
    assert not PlanImport.objects.exists()


def test_staff_without_the_import_permission_cannot_upload(admin_client_for, db):
    staff = factories.UserFactory(username="staff", is_staff=True)
    client = admin_client_for(staff)

    response = client.get(reverse("admin:spreadsheets_planimport_add"))

    assert response.status_code == 403


def test_a_programme_manager_imports_only_into_their_own_area(admin_client_for, db):
    from django.contrib.auth.models import Permission

    area = factories.AreaFactory(name="Darlington", slug="darlington")
    other = factories.AreaFactory(name="Durham", slug="durham")
    manager = factories.UserFactory(username="pm", is_staff=True)
    manager.user_permissions.add(Permission.objects.get(codename="add_planimport"))
    factories.MembershipFactory(user=manager, area=area, role="programme_manager")
    client = admin_client_for(manager)

    refused = _upload(client, area_name=other.name)
    accepted = _upload(client, area_name="darlington")

    assert b"Select a local area where you are the programme manager" in refused.content
    assert accepted.status_code == 302
    assert PlanImport.objects.get().area_name == "Darlington"
