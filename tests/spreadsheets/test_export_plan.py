"""Exporting a whole plan as a spreadsheet, and importing the export back (round trip)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from sendplan.models import IssueStrategyLink, Plan
from sendplan.ratings import BRAGG, RAG
from spreadsheets.columns import FORMULA_TRIGGERS, PLAN_HEADERS, escape_cell
from spreadsheets.reading import Upload
from spreadsheets.services import confirm_plan_import, export_plan, export_plan_updates
from tests import factories

from .import_helpers import canonical

MONTH = dt.date(2024, 3, 1)


@pytest.fixture
def darlington(db):
    """A plan shaped like Darlington's WSoA, with cells a spreadsheet would run."""
    area = factories.AreaFactory(name="Darlington", slug="darlington")
    plan = factories.PlanFactory(area=area, title="Darlington WSoA", slug="darlington-wsoa")
    first = factories.PriorityFactory(plan=plan, number=1, title="Meeting the needs of CYP")
    second = factories.PriorityFactory(plan=plan, number=2, title="Preparation for adulthood")
    i11 = factories.IssueFactory(
        priority=first, ref="1.1", description="Information shared once", order=0
    )
    i12 = factories.IssueFactory(
        priority=first, ref="1.2", description="=SUM(A1:A3) looks like a formula", order=1
    )
    i21 = factories.IssueFactory(priority=second, ref="2.1", description="Post 19 offer", order=2)
    factories.IssueFactory(priority=second, ref="2.2", description="[illegible]", order=3)
    for issue, names in ((i11, ["Inclusion", "EHCP"]), (i12, ["Data & Performance"])):
        for name in names:
            link = factories.StrategyLinkFactory(area=area, name=name)
            IssueStrategyLink.objects.create(plan=plan, issue=issue, strategy_link=link)

    consult = factories.ActionFactory(
        issue=i11,
        text="Consult with parent/carers",
        due_month=dt.date(2022, 10, 1),
        due_as_written="October 2022",
        completed_on=dt.date(2022, 10, 31),
        order=0,
    )
    for order, name in enumerate(["Jo Littler", "Tony Murphy"]):
        person = factories.PersonFactory(area=area, name=name)
        factories.ActionLeadFactory(action=consult, person=person, order=order)
    factories.ActionStatusFactory(action=consult, month=dt.date(2023, 3, 1), status=BRAGG.GREEN)
    factories.ActionStatusFactory(action=consult, month=dt.date(2023, 4, 1), status=BRAGG.BLUE)
    helpline = factories.ActionFactory(
        issue=i11, text="+44 helpline set up", due_month=None, is_ongoing=True, order=1
    )
    factories.ActionLeadFactory(
        action=helpline, person=factories.PersonFactory(area=area, name="@SEND team")
    )
    tribunal = factories.ActionFactory(
        issue=i12,
        text="-5 tribunal cases a year",
        due_month=dt.date(2023, 12, 1),
        due_as_written="Q3 2023/24",
        order=0,
    )
    factories.ActionStatusFactory(
        action=tribunal, month=dt.date(2023, 4, 1), status=BRAGG.RED, note="Delayed"
    )
    map_action = factories.ActionFactory(
        issue=i21, text="Map local opportunities", due_month=None, order=0
    )

    parents = factories.OutcomeTargetFactory(
        issue=i11,
        action=consult,
        text="90% of parents say the process was effective",
        target_month=dt.date(2022, 12, 1),
        order=0,
    )
    factories.ImpactRatingFactory(target=parents, month=dt.date(2023, 4, 1), rag=RAG.GREEN)
    factories.OutcomeTargetFactory(
        issue=i11,
        action=consult,
        text="\tTabbed target",
        target_month=dt.date(2024, 3, 1),
        target_as_written="Year End 2023/24",
        order=1,
    )
    factories.OutcomeTargetFactory(
        issue=i11, text="Unlinked target", target_month=None, is_ongoing=True, order=2
    )
    factories.OutcomeTargetFactory(
        issue=i21, action=map_action, text="@mention target", target_month=dt.date(2023, 9, 1)
    )

    factories.StoryEntryFactory(
        issue=i11,
        month=dt.date(2023, 4, 1),
        date_as_written="April 2023",
        narrative="<p>Consultation has taken place &amp; continues.</p>",
    )
    factories.StoryEntryFactory(
        issue=i11, month=dt.date(2022, 12, 1), narrative="=1+1 <b>is</b> not a formula"
    )
    factories.StoryEntryFactory(
        issue=None, priority=second, plan=plan, month=None, narrative="<p>Per priority.</p>"
    )
    return plan


def _reimport(importer, source, updates=None) -> Plan:
    plan, _ = confirm_plan_import(
        source=source,
        updates=updates,
        area_name="Darlington",
        plan_title="Darlington WSoA copy",
        user=importer,
        month=MONTH,
    )
    return plan


def test_exporting_as_xlsx_and_importing_the_file_gives_the_same_plan(darlington, importer):
    data = export_plan(plan=darlington, fmt="xlsx")

    copy = _reimport(importer, Upload("darlington.xlsx", data))

    assert copy.slug == "darlington-wsoa-copy"
    assert canonical(copy) == canonical(darlington)
    assert export_plan(plan=copy, fmt="csv") == export_plan(plan=darlington, fmt="csv")


def test_exporting_as_csv_and_importing_both_files_gives_the_same_plan(darlington, importer):
    plan_csv = export_plan(plan=darlington, fmt="csv")
    updates_csv = export_plan_updates(plan=darlington)

    copy = _reimport(
        importer, Upload("darlington.csv", plan_csv), Upload("updates.csv", updates_csv)
    )

    assert canonical(copy) == canonical(darlington)
    assert export_plan(plan=copy, fmt="csv") == plan_csv
    assert export_plan_updates(plan=copy) == updates_csv


def test_the_csv_export_has_the_importers_headers_and_one_row_per_line(darlington):
    rows = list(
        csv.reader(io.StringIO(export_plan(plan=darlington, fmt="csv").decode("utf-8-sig")))
    )

    assert rows[0] == list(PLAN_HEADERS)
    assert [row[0] for row in rows[1:]] == ["1.1", "1.1", "1.1", "1.1", "1.2", "2.1", "2.2"]
    first_action = rows[2]
    assert first_action[4:12] == [
        "Consult with parent/carers",
        "Jo Littler; Tony Murphy",
        "October 2022",
        "2022-10-31",
        "Blue",
        "90% of parents say the process was effective",
        "Dec 2022",
        "Green",
    ]


def test_no_csv_cell_begins_with_a_formula_trigger(darlington):
    cells = []
    for data in (export_plan(plan=darlington, fmt="csv"), export_plan_updates(plan=darlington)):
        cells += [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]

    assert [c for c in cells if c.startswith(FORMULA_TRIGGERS)] == []
    for escaped in (
        "'=SUM(A1:A3) looks like a formula",
        "'+44 helpline set up",
        "'-5 tribunal cases a year",
        "'@SEND team",
        "'\tTabbed target",
        "'@mention target",
        "'=1+1 <b>is</b> not a formula",
    ):
        assert escaped in cells


def test_no_xlsx_string_cell_begins_with_a_formula_trigger_and_numbers_stay_numeric(darlington):
    workbook = load_workbook(io.BytesIO(export_plan(plan=darlington, fmt="xlsx")))
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row]

    strings = [c.value for c in cells if isinstance(c.value, str)]
    assert [s for s in strings if s.startswith(FORMULA_TRIGGERS)] == []
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert "'\tTabbed target" in strings
    completed = workbook["plan"]["H3"]
    assert completed.is_date and completed.value.date() == dt.date(2022, 10, 31)
    # References are text, even a priority's bare number, so 1.10 stays 1.10; a
    # priority's story names it in the priority column.
    priority_ref = list(workbook["updates"].iter_rows(min_row=2))[-1][3]
    assert (priority_ref.value, priority_ref.number_format) == ("2", "@")


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("=1+1", "'=1+1"),
        ("+44", "'+44"),
        ("-5", "'-5"),
        ("@here", "'@here"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\0x", "'\0x"),
        ("'=already", "'=already"),
        ("plain", "plain"),
        (-5, -5),
        (3.5, 3.5),
        (dt.date(2023, 1, 1), dt.date(2023, 1, 1)),
    ],
)
def test_cells_a_spreadsheet_would_run_get_an_apostrophe_and_numbers_do_not(value, escaped):
    assert escape_cell(value) == escaped


# --- The command -----------------------------------------------------------------------


def test_the_export_command_writes_a_workbook_the_import_command_reads(
    darlington, importer, tmp_path
):
    output = tmp_path / "darlington.xlsx"
    out = StringIO()

    call_command(
        "export_plan", plan="darlington-wsoa", format="xlsx", output=str(output), stdout=out
    )
    call_command(
        "import_plan",
        str(output),
        area="Darlington",
        plan="Darlington copy",
        user="importer",
        month=MONTH,
        stdout=StringIO(),
    )

    assert f"Wrote Darlington WSoA (darlington-wsoa) to {output} as XLSX." in out.getvalue()
    assert canonical(Plan.objects.get(slug="darlington-copy")) == canonical(darlington)


def test_the_export_command_writes_the_story_so_far_beside_a_csv(darlington, tmp_path):
    output = tmp_path / "plan.csv"

    call_command("export_plan", "--plan", "darlington-wsoa", "--format", "csv", "-o", str(output))

    assert output.read_bytes() == export_plan(plan=darlington, fmt="csv")
    assert (tmp_path / "plan-updates.csv").read_bytes() == export_plan_updates(plan=darlington)


def test_the_export_command_writes_the_format_the_file_is_named(darlington, tmp_path):
    out = StringIO()

    call_command(
        "export_plan", "--plan", "darlington-wsoa", "-o", str(tmp_path / "p.csv"), stdout=out
    )
    call_command(
        "export_plan", "--plan", "darlington-wsoa", "-o", str(tmp_path / "p.XLSX"), stdout=out
    )
    call_command("export_plan", "--plan", "darlington-wsoa", "-o", str(tmp_path / "p"), stdout=out)

    assert (tmp_path / "p.csv").read_bytes() == export_plan(plan=darlington, fmt="csv")
    assert (tmp_path / "p-updates.csv").read_bytes() == export_plan_updates(plan=darlington)
    assert load_workbook(tmp_path / "p.XLSX").sheetnames[0] == "plan"
    assert load_workbook(io.BytesIO((tmp_path / "p").read_bytes())).sheetnames[0] == "plan"
    assert f"to {tmp_path / 'p.csv'} as CSV." in out.getvalue()


def test_the_export_command_refuses_a_format_the_name_contradicts(darlington, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command(
            "export_plan",
            "--plan",
            "darlington-wsoa",
            "--format",
            "xlsx",
            "-o",
            str(tmp_path / "plan.csv"),
        )

    assert str(error.value) == (
        "plan.csv ends in .csv but --format is xlsx: name the file .xlsx, or leave "
        "--format out to write CSV."
    )
    assert not (tmp_path / "plan.csv").exists()


def test_the_export_command_names_an_unknown_plan(db, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("export_plan", plan="nowhere", output=str(tmp_path / "x.xlsx"))

    assert str(error.value) == 'There is no plan with the slug "nowhere".'


# --- The admin -------------------------------------------------------------------------


def test_the_plan_list_exports_one_plan_as_xlsx(darlington, admin_user, client):
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:sendplan_plan_changelist"),
        {"action": "export_plan_xlsx", "_selected_action": [darlington.pk]},
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="darlington-wsoa.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["plan", "updates", "about", "findings", "milestones"]
    assert [c.value for c in workbook["plan"][1]] == list(PLAN_HEADERS)


def test_the_plan_list_exports_only_one_plan_at_a_time(darlington, admin_user, client):
    other = factories.PlanFactory(area=darlington.area)
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:sendplan_plan_changelist"),
        {"action": "export_plan_csv", "_selected_action": [darlington.pk, other.pk]},
        follow=True,
    )

    assert b"Select one plan to export." in response.content


def test_staff_of_another_area_cannot_export_a_plan(darlington, client, area_b):
    from django.contrib.auth.models import Permission

    staff = factories.UserFactory(username="staff-b", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_plan"))
    factories.MembershipFactory(user=staff, area=area_b, role="programme_manager")
    client.force_login(staff)

    response = client.post(
        reverse("admin:sendplan_plan_changelist"),
        {"action": "export_plan_csv", "_selected_action": [darlington.pk]},
        follow=True,
    )

    assert "Content-Disposition" not in response
    assert b"Darlington WSoA" not in response.content
