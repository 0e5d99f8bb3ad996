"""Pages cost the same number of queries however big the installation grows.

Each page is read on a generated installation of 1 area x 2 months, then on the last
area of an installation grown to 3 areas, that area with 5 months of ratings, story so far,
meetings and history: more areas, more months, more rows of every kind. Each page's own
tests name its queries; here only the count is compared. A page whose URL does not exist
yet is skipped.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db

PAGES = {
    "home": ("home", lambda n: {}),
    "plan page": ("reports:plan_detail", lambda n: {"plan_slug": f"area{n:02d}-wsoa"}),
    "plan page as at a date": (
        "reports:plan_detail",
        lambda n: {"plan_slug": f"area{n:02d}-wsoa"},
    ),
    "priority page": (
        "reports:priority_detail",
        lambda n: {"plan_slug": f"area{n:02d}-wsoa", "number": 1},
    ),
    "issue page": (
        "reports:issue_detail",
        lambda n: {"plan_slug": f"area{n:02d}-wsoa", "ref": "1.2"},
    ),
    "dashboard": ("reports:dashboard", lambda n: {"plan_slug": f"area{n:02d}-wsoa"}),
    "dashboard items": ("reports:dashboard_items", lambda n: {"plan_slug": f"area{n:02d}-wsoa"}),
    "readiness page": ("reports:readiness", lambda n: {"plan_slug": f"area{n:02d}-wsoa"}),
    "my updates": ("progress:my_updates", lambda n: {"plan_slug": f"area{n:02d}-wsoa"}),
    "forum page": (
        "governance:forum_detail",
        lambda n: {"area_slug": f"area{n:02d}", "forum_slug": "send-implementation-group"},
    ),
    "forum list": ("governance:forum_list", lambda n: {"area_slug": f"area{n:02d}"}),
}
QUERY = {
    "plan page as at a date": "?as_at=2023-02-15",
    # A trend bar of a month both installations have rated.
    "dashboard items": "?chart=bragg-trend&bar=2022-11&value=green",
}


def _urls(area: int) -> dict[str, str]:
    urls = {}
    for page, (name, kwargs) in PAGES.items():
        try:
            urls[page] = reverse(name, kwargs=kwargs(area)) + QUERY.get(page, "")
        except NoReverseMatch:
            continue  # that page does not exist yet
    return urls


def _queries(client, area: int) -> dict[str, int]:
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=f"area{area:02d}-lead1"))
    counts = {}
    for page, url in _urls(area).items():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[page] = len(ctx)
    return counts


def test_every_page_costs_the_same_queries_on_a_bigger_installation(client):
    generate = ["generate_demo_data", "--start-month", "2022-10"]
    call_command(*generate, "--areas", "1", "--months", "2", verbosity=0)
    small = _queries(client, 1)

    call_command(*generate, "--areas", "2", "--first-area", "2", "--months", "5", verbosity=0)
    big = _queries(client, 3)

    assert {page: big[page] <= small[page] for page in small} == dict.fromkeys(small, True), (
        f"queries on 1 area x 2 months: {small}; on 3 areas, 5 months: {big}"
    )
    assert {"plan page", "home"} <= set(small)


def _admin_changelists() -> dict[str, str]:
    from django.contrib import admin

    return {
        f"{model._meta.app_label}.{model._meta.model_name}": reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        )
        for model in admin.site._registry
    }


def _admin_queries(client) -> dict[str, int]:
    counts = {}
    for name, url in _admin_changelists().items():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[name] = len(ctx)
    return counts


def test_every_admin_list_costs_the_same_queries_on_a_bigger_installation(
    client, django_user_model, settings
):
    # The site administrator's lists span every area: a list or a filter whose rows each
    # cost a query (a forum named with its area, a story entry with its issue) shows here.
    settings.SENDPLAN_REQUIRE_MFA = False
    client.force_login(django_user_model.objects.create_superuser("site-admin", "a@example.org"))
    generate = ["generate_demo_data", "--start-month", "2022-10"]
    call_command(*generate, "--areas", "1", "--months", "2", verbosity=0)
    small = _admin_queries(client)

    call_command(*generate, "--areas", "2", "--first-area", "2", "--months", "5", verbosity=0)
    big = _admin_queries(client)

    assert {name: big[name] <= small[name] for name in small} == dict.fromkeys(small, True), (
        f"queries on 1 area x 2 months: {small}; on 3 areas, 5 months: {big}"
    )
    assert {"actions.storyentry", "governance.meeting", "reports.issuedreport"} <= set(small)
