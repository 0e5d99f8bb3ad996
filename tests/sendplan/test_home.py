"""The home page: the areas and plans a user may see, and their role in each."""

from django.urls import reverse

from sendplan.models import Role
from tests import factories


def test_home_sends_an_anonymous_visitor_to_sign_in(client, db):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_lead_sees_their_area_their_role_and_their_plan(client, lead_a, plan_a):
    client.force_login(lead_a)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Area A" in body
    assert "SEND lead (action owner)" in body
    assert f'href="{plan_a.get_absolute_url()}">Area A WSoA</a>' in body


def test_lead_does_not_see_another_areas_plans(client, lead_a, plan_a, plan_b):
    client.force_login(lead_a)

    body = client.get(reverse("home")).content.decode()

    assert "Area B" not in body
    assert "Area B WSoA" not in body


def test_read_only_viewer_sees_their_area_with_the_viewer_role(client, viewer_a, plan_a):
    client.force_login(viewer_a)

    body = client.get(reverse("home")).content.decode()

    assert "Read-only viewer" in body
    assert "Area A WSoA" in body


def test_user_with_one_area_sees_its_name_in_the_header(client, lead_a, plan_a):
    client.force_login(lead_a)

    response = client.get(reverse("home"))

    assert response.context["current_area"].name == "Area A"
    assert 'class="sendplan-header__area"' in response.content.decode()


def test_user_with_two_areas_sees_both_and_no_area_in_the_header(client, lead_a, area_b):
    factories.MembershipFactory(user=lead_a, area=area_b, role=Role.PROGRAMME_MANAGER)
    client.force_login(lead_a)

    response = client.get(reverse("home"))

    body = response.content.decode()
    assert "Area A" in body
    assert "Area B" in body
    assert "Programme manager" in body
    assert response.context["current_area"] is None


def test_user_without_membership_is_told_to_ask_for_access(client, db):
    user = factories.UserFactory(username="nobody")
    client.force_login(user)

    body = client.get(reverse("home")).content.decode()

    assert "not a member of any local area" in body


def test_superuser_sees_every_area_and_the_admin_link(client, admin_user, plan_a, plan_b):
    client.force_login(admin_user)

    body = client.get(reverse("home")).content.decode()

    assert "Area A WSoA" in body
    assert "Area B WSoA" in body
    assert reverse("admin:index") in body


def test_non_staff_user_gets_no_admin_link(client, lead_a, plan_a):
    client.force_login(lead_a)

    body = client.get(reverse("home")).content.decode()

    assert reverse("admin:index") not in body


def test_home_offers_sign_out_as_a_post_form_with_a_csrf_token(client, lead_a):
    client.force_login(lead_a)

    body = client.get(reverse("home")).content.decode()

    assert f'<form method="post" action="{reverse("logout")}"' in body
    assert "csrfmiddlewaretoken" in body


def _home_queries(client, areas: int, plans: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = factories.UserFactory(username=f"many-{areas}-{plans}")
    for n in range(areas):
        area = factories.AreaFactory(name=f"Area {areas}-{plans}-{n}")
        factories.MembershipFactory(user=user, area=area, role=Role.SEND_LEAD)
        for _ in range(plans):
            factories.PlanFactory(area=area)
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_home_queries_do_not_grow_with_plans_and_grow_by_a_few_per_area(client, db):
    # Each area's panels (the user's roles and people there, its open months, forums and
    # latest issued pack) cost a fixed few queries; the plans in it cost none more.
    one_area = _home_queries(client, 1, 1)
    assert _home_queries(client, 1, 4) == one_area
    per_area = (_home_queries(client, 3, 1) - one_area) / 2
    assert per_area <= 8
