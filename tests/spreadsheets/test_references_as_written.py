"""References and priorities as the council wrote them (issue 17, point 1): any reference
text at any level, priorities titled as written with an optional short reference, the
same reference on two issues kept as two, in the plan's own order, on the pages and in
the export. (A generated plan's round trip is in ``test_whole_plan_export``.)"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from actions.models import Action
from sendplan.models import Issue, Plan, Priority, Role
from spreadsheets.reading import Upload
from spreadsheets.services import (
    PlanImportError,
    confirm_plan_import,
    export_plan,
    preview_plan_import,
)
from tests import factories

MONTH = dt.date(2024, 3, 1)
HEADER = (
    "ref,priority,issue,strategy_links,action,actioned_by,by_when,completed,bragg,"
    "outcome_target,target_date,impact_rag,priority_ref\r\n"
)
# A pillar numbered by itself ("2"), letters ("A2", "A3"), a plan's "Action 1.1", a
# priority with a lettered reference and one with none, and "A2" written twice under one
# priority for two different needs.
AS_WRITTEN = HEADER + (
    "2,Pillar 2 - Inclusion,Too many exclusions,,Launch the charter,Jo,Jan 2025,,,,,,Pillar 2\r\n"
    "A2,Ready for adulthood,Too few work placements,,Open supported internships,Sam,"
    "Mar 2025,,,,,,A\r\n"
    "A2,Ready for adulthood,Transport stops at 19,,Extend post-19 transport,Sam,"
    "Sep 2025,,,,,,A\r\n"
    "A3,Ready for adulthood,,,Review the careers offer,Sam,Jun 2025,,,,,,A\r\n"
    "Action 1.1,Communication with families,Families hear late,,Write monthly,Kim,"
    "Ongoing,,,,,,\r\n"
)


def _import(
    importer, sheet: str | bytes, *, name="plan.csv", area="Borough", plan="Plan", updates=None
):
    data = sheet.encode() if isinstance(sheet, str) else sheet
    copy, _ = confirm_plan_import(
        source=Upload(name, data),
        updates=Upload("updates.csv", updates) if updates else None,
        area_name=area,
        plan_title=plan,
        user=importer,
        month=MONTH,
    )
    return copy


@pytest.fixture
def as_written(importer):
    return _import(importer, AS_WRITTEN)


def test_references_and_priorities_are_kept_exactly_as_the_plan_writes_them(as_written):
    priorities = Priority.objects.filter(plan=as_written).order_by("number")
    assert [(p.number, p.ref, p.title, p.label) for p in priorities] == [
        (1, "Pillar 2", "Pillar 2 - Inclusion", "Pillar 2 - Inclusion"),
        (2, "A", "Ready for adulthood", "A: Ready for adulthood"),
        (3, "", "Communication with families", "Communication with families"),
    ]
    issues = Issue.objects.filter(plan=as_written).order_by("order")
    assert [(i.ref, i.description, i.priority.ref) for i in issues] == [
        ("2", "Too many exclusions", "Pillar 2"),
        ("A2", "Too few work placements", "A"),
        ("A2", "Transport stops at 19", "A"),
        ("A3", "", "A"),
        ("Action 1.1", "Families hear late", ""),
    ]
    assert Action.objects.filter(plan=as_written).count() == 5


def test_the_export_gives_back_every_reference_as_written_and_the_duplicate_twice(
    as_written, importer
):
    rows = list(
        csv.reader(io.StringIO(export_plan(plan=as_written, fmt="csv").decode("utf-8-sig")))
    )

    priority_ref = rows[0].index("priority_ref")
    assert [(r[0], r[1], r[2], r[priority_ref]) for r in rows[1:]] == [
        ("2", "Pillar 2 - Inclusion", "Too many exclusions", "Pillar 2"),
        ("A2", "Ready for adulthood", "Too few work placements", "A"),
        ("A2", "Ready for adulthood", "Transport stops at 19", "A"),
        ("A3", "Ready for adulthood", "", "A"),
        ("Action 1.1", "Communication with families", "Families hear late", ""),
    ]
    # Imported again into an empty area, the file comes back the same.
    again = _import(importer, export_plan(plan=as_written, fmt="csv"), area="Other", plan="Copy")
    assert export_plan(plan=again, fmt="csv") == export_plan(plan=as_written, fmt="csv")


@pytest.fixture
def reader(as_written):
    user = factories.UserFactory(username="reader")
    factories.MembershipFactory(user=user, area=as_written.area, role=Role.VIEWER)
    return user


def test_the_plan_page_shows_the_references_and_priorities_as_written(client, reader, as_written):
    client.force_login(reader)

    page = client.get(reverse("reports:plan_detail", args=[as_written.slug])).content.decode()

    headings = ["Pillar 2 - Inclusion", "A: Ready for adulthood", "Communication with families"]
    assert [page.index(h) for h in headings] == sorted(page.index(h) for h in headings)
    assert "Priority 1" not in page and "Priority 2" not in page
    assert page.count(">A2</a>") == 2
    assert ">Action 1.1</a>" in page


def test_a_reference_two_issues_share_asks_which_and_each_has_its_own_page(
    client, reader, as_written
):
    client.force_login(reader)
    first, second = Issue.objects.filter(plan=as_written, ref="A2").order_by("order")

    choose = client.get(reverse("reports:issue_detail", args=[as_written.slug, "A2"]))
    pages = [
        client.get(reverse("reports:issue_detail", args=[as_written.slug, f"id-{i.pk}"]))
        for i in (first, second)
    ]

    assert "The plan writes A2 more than once" in choose.content.decode()
    assert f"/issues/id-{first.pk}/" in choose.content.decode()
    assert [p.status_code for p in pages] == [200, 200]
    assert "Too few work placements" in pages[0].content.decode()
    assert "Transport stops at 19" in pages[1].content.decode()
    # A unique reference keeps its readable address.
    single = client.get(reverse("reports:issue_detail", args=[as_written.slug, "Action 1.1"]))
    assert "Families hear late" in single.content.decode()


def test_a_reference_of_twenty_one_characters_is_refused_with_its_row(importer):
    sheet = HEADER + "1.1,Early help,,,Open a helpline,,,,,,,,A reference too long!\r\n"

    with pytest.raises(PlanImportError) as error:
        _import(importer, sheet)

    assert str(error.value) == (
        "Row 2, column priority_ref: The priority's reference must be 20 characters or "
        'fewer, as the plan writes it; "A reference too long!" has 21. Put longer words in '
        "the title."
    )
    assert not Plan.objects.exists()


def test_a_priority_reference_given_with_two_titles_is_refused(importer):
    sheet = HEADER + (
        "1.1,Early help,,,Open a helpline,,,,,,,,1\r\n1.2,Late help,,,Close it,,,,,,,,1\r\n"
    )

    preview = preview_plan_import(
        source=Upload("plan.csv", sheet.encode()), area_name="B", plan_title="P", user=importer
    )

    assert [str(p) for p in preview.problems] == [
        'Row 3, column priority: Priority 1 is named differently on row 2 ("Early help"). '
        "Leave the cell blank or repeat that title."
    ]


# --- A generated plan, round trip --------------------------------------------------------


def test_the_page_of_an_issue_sharing_its_reference_keeps_to_its_id_in_its_links(
    client, reader, as_written
):
    client.force_login(reader)
    second = Issue.objects.filter(plan=as_written, ref="A2").order_by("order").last()

    page = client.get(reverse("reports:issue_detail", args=[as_written.slug, f"id-{second.pk}"]))

    assert "Transport stops at 19" in page.content.decode()
    assert page.context["issue"].url_key == f"id-{second.pk}"
