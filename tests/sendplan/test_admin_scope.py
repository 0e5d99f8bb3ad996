"""The admin for staff who are not site administrators: only their own areas' records, on
every page, form, filter and history view (findings 1 to 3 of the December 2026 probe).

The staff member is the programme manager of Durham only; Darlington is another area.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from sendplan.models import Role, User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def durham(db):
    return factories.AreaFactory(name="Durham", slug="durham")


@pytest.fixture
def darlington(db):
    return factories.AreaFactory(name="Darlington", slug="darlington")


@pytest.fixture
def darlington_plan(darlington):
    plan = factories.PlanFactory(area=darlington, title="Darlington WSoA", slug="darlington-wsoa")
    plan.title = "Darlington WSoA (revised)"
    plan.save()  # a second history row, so the history page has a change to show
    return plan


@pytest.fixture
def durham_plan(durham):
    return factories.PlanFactory(area=durham, title="Durham WSoA", slug="durham-wsoa")


def staff_of(area, *permissions: str, username: str = "durham-staff") -> User:
    user = factories.UserFactory(username=username, is_staff=True)
    factories.MembershipFactory(user=user, area=area, role=Role.PROGRAMME_MANAGER)
    user.user_permissions.add(*Permission.objects.filter(codename__in=permissions))
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def history_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


def version_url(obj) -> str:
    opts = obj._meta
    version = obj.history.order_by("history_id").first()
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[obj.pk, version.history_id],
    )


# --- Finding 1: history pages -----------------------------------------------------------


def test_staff_of_another_area_cannot_open_a_plans_history(durham, darlington_plan):
    client = client_for(staff_of(durham, "view_plan"))

    for url in (history_url(darlington_plan), version_url(darlington_plan)):
        response = client.get(url)

        assert response.status_code == 404, url
        assert b"Darlington WSoA" not in response.content


def test_staff_of_another_area_cannot_read_story_so_far_or_due_date_reasons_in_history(
    durham, darlington_plan
):
    priority = factories.PriorityFactory(plan=darlington_plan, number=1)
    issue = factories.IssueFactory(priority=priority, plan=darlington_plan, ref="1.1")
    story = factories.StoryEntryFactory(
        issue=issue, plan=darlington_plan, narrative="<p>Darlington's first story</p>"
    )
    story.narrative = "<p>Darlington's story, rewritten</p>"
    story.save()
    action = factories.ActionFactory(issue=issue, plan=darlington_plan)
    action.due_revised_reason = "Darlington's commissioner left"
    action.save()
    client = client_for(staff_of(durham, "view_storyentry", "view_action"))

    for obj in (story, action):
        for url in (history_url(obj), version_url(obj)):
            response = client.get(url)

            assert response.status_code == 404, url
            assert b"Darlington" not in response.content, url


def test_staff_still_read_the_history_of_their_own_areas_records(durham, durham_plan):
    durham_plan.title = "Durham WSoA (revised)"
    durham_plan.save()
    client = client_for(staff_of(durham, "view_plan"))

    assert client.get(history_url(durham_plan)).status_code == 200
    assert client.get(version_url(durham_plan)).status_code == 200


def test_a_site_administrator_still_reads_the_history_of_a_deleted_record(
    admin_user, darlington_plan
):
    url = history_url(darlington_plan)
    darlington_plan.delete()

    response = client_for(admin_user).get(url)

    assert response.status_code == 200
    assert b"Darlington WSoA (revised)" in response.content
