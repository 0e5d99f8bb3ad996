"""The advisers' regional page: who reaches it, which areas each adviser sees, what a row
says, its filters, order, like-with-like comparison and CSV, and its query count."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import Forum
from progress.readiness import plan_readiness
from reports.models import IssuedReport
from sendplan.models import PlanKind, Region, Role
from tests import factories
from tests.builders import build_readiness_plan

pytestmark = pytest.mark.django_db

URL = "/advisers/areas/"


def _region(name):
    return factories.RegionFactory(name=name)


def _area(name, region, kind=PlanKind.WSOA):
    area = factories.AreaFactory(name=name, slug=name.lower().replace(" ", "-"), region=region)
    factories.PlanFactory(area=area, title=f"{name} plan", slug=f"{area.slug}-plan", kind=kind)
    return area


@pytest.fixture
def regions(db):
    north_east = _region("North East")
    london = _region("London")
    _area("Darlington", north_east)
    _area("Durham", north_east, kind=PlanKind.PRIORITY_ACTION_PLAN)
    _area("Camden", london)
    return north_east, london


@pytest.fixture
def national_adviser(db):
    return factories.AdviserGrantFactory(
        user=factories.UserFactory(username="national-adviser"), region=None
    ).user


@pytest.fixture
def north_east_adviser(regions):
    return factories.AdviserGrantFactory(
        user=factories.UserFactory(username="north-east-adviser"), region=regions[0]
    ).user


def _csv_areas(response) -> list[str]:
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    return [r["Area"] for r in rows]


def test_a_national_adviser_sees_every_area(client, regions, national_adviser):
    client.force_login(national_adviser)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Every area (national)" in html
    for name in ("Darlington", "Durham", "Camden"):
        assert name in html
    assert _csv_areas(client.get(reverse("reports:regional_csv"))) == [
        "Camden",
        "Darlington",
        "Durham",
    ]


def test_a_regional_adviser_sees_only_the_areas_of_their_region(
    client, regions, north_east_adviser
):
    client.force_login(north_east_adviser)
    html = client.get(URL).content.decode()
    assert "Areas in North East" in html
    assert "Darlington" in html and "Durham" in html
    assert "Camden" not in html
    csv_page = client.get(reverse("reports:regional_csv"))
    assert _csv_areas(csv_page) == ["Darlington", "Durham"]
    # Asking for another region by its filter shows nothing of it either.
    assert client.get(URL, {"region": "london"}).status_code == 200
    assert "Camden" not in client.get(URL, {"region": "london"}).content.decode()


@pytest.mark.parametrize(
    "role", [Role.SEND_LEAD, Role.PROGRAMME_MANAGER, Role.VIEWER, Role.ASSURANCE_EXECUTIVE]
)
def test_another_role_cannot_open_the_regional_page(client, regions, role):
    user = factories.UserFactory(username=f"member-{role}")
    factories.MembershipFactory(user=user, area=regions[0].areas.first(), role=role)
    client.force_login(user)
    assert client.get(URL).status_code == 404
    assert client.get(reverse("reports:regional_csv")).status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in(client, regions):
    page = client.get(URL)
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))


def test_a_regional_adviser_reads_their_areas_plans_and_no_other(
    client, regions, north_east_adviser
):
    client.force_login(north_east_adviser)
    assert client.get(reverse("reports:dashboard", args=["darlington-plan"])).status_code == 200
    assert client.get(reverse("reports:plan_detail", args=["durham-plan"])).status_code == 200
    assert client.get(reverse("reports:dashboard", args=["camden-plan"])).status_code == 404
    assert client.get(reverse("reports:plan_detail", args=["camden-plan"])).status_code == 404


def test_the_home_page_lists_the_areas_an_adviser_reads(client, regions, north_east_adviser):
    client.force_login(north_east_adviser)
    html = client.get(reverse("home")).content.decode()
    assert "Darlington plan" in html and "Durham plan" in html
    assert "Camden" not in html
    assert "Adviser (read only)" in html
    assert reverse("reports:regional") in html


def test_an_adviser_cannot_preview_a_pack_nor_change_a_month(client, regions, national_adviser):
    area = regions[0].areas.get(name="Darlington")
    forum = factories.ForumFactory(area=area)
    client.force_login(national_adviser)
    preview = reverse("reports:report_preview", args=[area.slug, forum.slug])
    assert client.get(preview).status_code == 403
    assert (
        client.get(reverse("reports:forum_reports", args=[area.slug, forum.slug])).status_code
        == 200
    )
    open_month = reverse("progress:open_month", args=["darlington-plan"])
    assert client.post(open_month, {"month": "2023-05"}).status_code == 403


def test_a_row_gives_the_readiness_score_the_plans_readiness_page_gives(client, national_adviser):
    area = factories.AreaFactory(name="Hartlepool", slug="hartlepool", region=_region("North East"))
    plan = factories.PlanFactory(area=area, title="Hartlepool WSoA", slug="hartlepool-wsoa")
    build_readiness_plan(plan)
    expected = plan_readiness(plan)
    client.force_login(national_adviser)
    html = client.get(URL).content.decode()
    assert f"{expected.score.words}." in html
    assert "18 of 29 checks passed (62%)" in html
    assert "Developing (50% to 79%)" in html
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("reports:regional_csv")).text)))
    row = rows[0]
    assert row["Readiness checks passed"] == "18" and row["Readiness checks applicable"] == "29"
    assert row["Month shown"] == "2023-04"
    assert row["Months into the plan"] == "4"  # January to April 2023
    change = expected.trend[-1].percent - expected.trend[-2].percent
    assert row["Readiness change since the month before (points)"] == str(change)
    assert int(row["Overdue actions"]) == sum(
        1 for p in expected.priorities for a in p.priority.actions if a.overdue
    )


def test_the_filters_keep_the_kind_and_region_chosen(client, regions, national_adviser):
    client.force_login(national_adviser)
    csv_url = reverse("reports:regional_csv")
    assert _csv_areas(client.get(csv_url, {"kind": PlanKind.PRIORITY_ACTION_PLAN})) == ["Durham"]
    assert _csv_areas(client.get(csv_url, {"region": "london"})) == ["Camden"]
    assert _csv_areas(client.get(csv_url, {"band": "none"})) == ["Camden", "Darlington", "Durham"]
    assert _csv_areas(client.get(csv_url, {"band": "strong"})) == []
    bad = client.get(URL, {"kind": "nonsense"})
    assert "Select a kind of plan from the list" in bad.content.decode()


def test_sorting_by_region_then_reversing_it(client, regions, national_adviser):
    client.force_login(national_adviser)
    csv_url = reverse("reports:regional_csv")
    assert _csv_areas(client.get(csv_url, {"sort": "region"}))[0] == "Camden"
    assert _csv_areas(client.get(csv_url, {"sort": "-region"}))[-1] == "Camden"
    page = client.get(URL, {"sort": "region"}).content.decode()
    assert "sort=-region" in page  # the header now offers the other direction


def test_like_with_like_keeps_plans_of_the_same_kind_and_months_in(
    client, regions, national_adviser
):
    client.force_login(national_adviser)
    csv_url = reverse("reports:regional_csv")
    assert _csv_areas(client.get(csv_url, {"like": "darlington-plan"})) == [
        "Camden",
        "Darlington",
    ]
    assert _csv_areas(client.get(csv_url, {"like": "durham-plan"})) == ["Durham"]


def test_a_regional_adviser_cannot_compare_with_a_plan_outside_their_region(
    client, regions, north_east_adviser
):
    client.force_login(north_east_adviser)
    assert _csv_areas(client.get(reverse("reports:regional_csv"), {"like": "camden-plan"})) == []


def _issue_pack(plan, month: int, user):
    forum = Forum.objects.filter(area=plan.area).first() or factories.ForumFactory(area=plan.area)
    label = dt.date(2023, month, 1).strftime("%B %Y")
    IssuedReport(
        plan=plan,
        forum=forum,
        period_code=f"2023-{month:02}",
        period_label=label,
        period_start=dt.date(2023, month, 1),
        period_end=dt.date(2023, month, 1),
        as_at=timezone.now(),
        title=f"Progress statement {label}",
        filename="pack.pdf",
        content=b"%PDF-1.4 pack",
        page_count=1,
        issued_by=user,
        issued_at=timezone.make_aware(dt.datetime(2023, month, 20, 12)),
    ).save()


def test_the_latest_issued_pack_links_to_its_download(client, regions, national_adviser):
    area = regions[0].areas.get(name="Darlington")
    for month in (3, 4):
        _issue_pack(area.plans.get(), month, national_adviser)
    latest = IssuedReport.objects.get(period_label="April 2023")
    client.force_login(national_adviser)
    html = client.get(URL).content.decode()
    assert latest.get_absolute_url() in html
    assert "April 2023 (PDF)" in html and "March 2023 (PDF)" not in html
    assert client.get(latest.get_absolute_url()).status_code == 200


def test_the_csv_escapes_a_name_a_spreadsheet_would_run(client, national_adviser):
    _area("=HYPERLINK(1)", _region("London"))
    client.force_login(national_adviser)
    assert _csv_areas(client.get(reverse("reports:regional_csv"))) == ["'=HYPERLINK(1)"]


# Queries of the regional page for a national adviser, whatever the number of areas:
#  1 session, 2 user, 3 adviser grants, 4 regions (filter choices),
#  5 plans with their areas, regions and latest pack id, 6 reporting months, 7 latest packs
#  with their forums and areas, 8-15 plan tables (issues, priorities, issue strategy links,
#  actions, action leads, outcome targets, people, strategy links), 16-18 BRAGG statuses,
#  RAG ratings, story so far, 19-20 due-date and target changes approved but not yet in
#  effect, 21-22 milestones and their priorities.
# With each plan's figures kept (progress.figures), 8 reads the kept figures and 9-10 count
# the change requests waiting (targets, due dates); where some plans' figures are not kept,
# 9-22 above work them out for those plans and one more query keeps them.
KEPT_QUERIES = 10
REGIONAL_QUERIES = 26


def _build_areas(count: int, first: int = 0):
    region = _region("North West")
    for n in range(first, first + count):
        area = factories.AreaFactory(name=f"Area {n:03}", slug=f"area-{n:03}", region=region)
        plan = factories.PlanFactory(area=area, slug=f"area-{n:03}-plan")
        build_readiness_plan(plan)
        _issue_pack(plan, 4, factories.UserFactory(username="pm"))


def test_the_query_count_is_the_same_for_ten_areas_and_for_all_153(
    client, national_adviser, django_assert_num_queries
):
    _build_areas(10)
    client.force_login(national_adviser)
    with django_assert_num_queries(REGIONAL_QUERIES):
        page = client.get(URL)
    assert page.content.decode().count("18 of 29 checks passed (62%)") == 10
    assert page.content.decode().count("April 2023 (PDF)") == 10
    with django_assert_num_queries(KEPT_QUERIES):
        again = client.get(URL)
    assert again.content.decode().count("18 of 29 checks passed (62%)") == 10
    _build_areas(143, first=10)  # 153 areas, as many as England has
    with django_assert_num_queries(REGIONAL_QUERIES):
        page = client.get(URL)
    assert page.content.decode().count("18 of 29 checks passed (62%)") == 153
    with django_assert_num_queries(KEPT_QUERIES):
        client.get(URL)


def test_regions_are_the_nine_english_regions_by_default(db):
    assert list(Region.objects.order_by("name").values_list("name", flat=True)) == [
        "East Midlands",
        "East of England",
        "London",
        "North East",
        "North West",
        "South East",
        "South West",
        "West Midlands",
        "Yorkshire and the Humber",
    ]


def test_a_national_advisers_home_lists_every_area(client, regions, national_adviser):
    client.force_login(national_adviser)
    html = client.get(reverse("home")).content.decode()
    for name in ("Darlington plan", "Durham plan", "Camden plan"):
        assert name in html
