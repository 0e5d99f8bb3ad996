import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sendplan.models import Priority, issue_url_key
from tests import factories


@pytest.mark.django_db
def test_issue_takes_its_plan_from_its_priority():
    priority = factories.PriorityFactory()
    issue = factories.IssueFactory(priority=priority, plan=None)
    assert issue.plan == priority.plan


@pytest.mark.django_db
def test_action_cannot_belong_to_another_plan_than_its_issue():
    issue = factories.IssueFactory()
    other_plan = factories.PlanFactory()
    with pytest.raises(ValidationError):
        factories.ActionFactory(issue=issue, plan=other_plan)


@pytest.mark.django_db
def test_revising_the_due_month_keeps_the_original():
    import datetime as dt

    action = factories.ActionFactory(due_month=dt.date(2022, 12, 1))
    action.due_month = dt.date(2023, 6, 1)
    action.save()
    action.refresh_from_db()
    assert action.original_due_month == dt.date(2022, 12, 1)
    assert action.is_slipped


@pytest.mark.django_db
def test_the_admin_views_a_plan_on_the_site_at_its_plan_page(client, admin_user, plan_a, settings):
    settings.SENDPLAN_REQUIRE_MFA = False
    client.force_login(admin_user)

    change_page = client.get(reverse("admin:sendplan_plan_change", args=[plan_a.pk]))
    view_on_site = re.search(r'href="([^"]+)" class="viewsitelink"', change_page.content.decode())

    assert view_on_site, "no View on site link"
    assert client.get(view_on_site[1])["Location"].endswith("/plans/area-a-wsoa/")


@pytest.mark.parametrize(
    ("ref", "title", "label", "short"),
    [
        ("2", "Inclusion", "Priority 2: Inclusion", "Priority 2"),
        ("A", "Ready for adulthood", "A: Ready for adulthood", "A"),
        ("Pillar 2", "Inclusion", "Pillar 2: Inclusion", "Pillar 2"),
        ("Pillar 2", "Pillar 2 - Inclusion", "Pillar 2 - Inclusion", "Pillar 2"),
        ("1", "10 ways to listen", "Priority 1: 10 ways to listen", "Priority 1"),
        ("", "Area for improvement 1", "Area for improvement 1", "Area for improvement 1"),
    ],
)
def test_a_priority_is_named_as_the_plan_writes_it(ref, title, label, short):
    priority = Priority(number=7, ref=ref, title=title)

    assert (priority.label, priority.short_label) == (label, short)


@pytest.mark.parametrize(
    ("ref", "shared", "key"),
    [("1.2", False, "1.2"), ("A2", True, "id-9"), ("1/2", False, "id-9"), ("id-3", False, "id-9")],
)
def test_an_issues_address_is_its_ref_unless_that_cannot_name_it_alone(ref, shared, key):
    assert issue_url_key(ref, 9, shared=shared) == key
