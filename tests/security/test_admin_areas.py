"""F5 in the admin: a staff member of area B, holding every permission and a verified
authenticator, walks every admin URL of every registered model admin with area A's records
(change list, add, change, delete, history list and version pages, and every page of the
admin's own), every change list with each of its filters applied as a site administrator
sees them, and every autocomplete; then POSTs to each URL with links to area A's records.

They are refused area A's records (404, 403 or a redirect), see none of area A's canary
strings anywhere, and no row or history row changes.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance.models import DecisionLink
from sendplan.admin_scope import ScopedAdmin
from sendplan.models import Finding, FindingKind, IssueStrategyLink, Role, User
from spreadsheets.models import PlanImport
from tests import factories

from .conftest import PASSWORD, canary
from .urlwalk import _issued_report, all_routes, url_for

pytestmark = pytest.mark.django_db

# Area A's canary strings (area B's own plan is "CANARY-plan-b-7f3a"), the names and slugs
# of the area, its plan and forum, its members and lead, the site administrator and their
# authenticator.
AREA_A = re.compile(
    r"CANARY-(?!plan-b-)[\w-]+-7f3a|Canary Area A|canary-area-a|canary-plan-a|canary-forum|"
    r"canary-(?:viewer|lead|programme_manager|admin)\b|Canary Lead|Canary app"
)
# Pages that would end the walk's session.
SIGN_OUT = {"admin:logout"}
# URL arguments that name a record: with area A's record, the page must refuse.
RECORD_ARGUMENTS = {"object_id", "id", "pk"}
REFUSED = {302, 403, 404}


def leaks(response) -> list[str]:
    text = response.content.decode(errors="replace") + response.get("Location", "")
    return sorted(set(AREA_A.findall(text)))


def row_counts() -> dict[str, int]:
    """Rows of every table the admin reaches, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"sendplan", "actions", "outcomes", "governance", "reports", "auth", "otp_totp"}
        or model is StaticDevice
    }


def request_as(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.fixture
def area_a_records(world):
    """For each registered model, one of area A's records: what the admin shows area A's
    programme manager (and, for models only site administrators reach, one of theirs)."""
    plan, issue = world.plan, world.issue
    _issued_report(world, None)
    Finding.objects.create(plan=plan, kind=FindingKind.STRENGTH, text=canary("finding"))
    link = factories.StrategyLinkFactory(area=world.area, name=canary("strategy"))
    IssueStrategyLink.objects.create(plan=plan, issue=issue, strategy_link=link)
    milestone = factories.MilestoneFactory(plan=plan, text=canary("milestone"))
    factories.MilestonePriorityFactory(milestone=milestone, priority=world.priority)
    factories.AttendanceFactory(meeting=world.meeting, person=world.lead_person)
    DecisionLink.objects.create(decision=world.decision, action=world.action)
    PlanImport.objects.create(
        created_by=world.users["programme_manager"],
        area_name=world.area.name,
        plan_title=canary("import"),
        slug="canary-import",
        month=world.open_month.month,
        file_name="canary.xlsx",
        content=b"",
        sha256="0" * 64,
    )
    Group.objects.create(name="Canary group")
    StaticDevice.objects.create(user=world.users["admin"], name="Canary app backup codes")
    as_member = request_as(world.users["programme_manager"])
    for model, model_admin in admin.site._registry.items():
        record = model_admin.get_queryset(as_member).order_by("pk").first()
        world.admin_objects[model] = record or model._default_manager.order_by("pk").first()
    return world.admin_objects


@pytest.fixture
def staff_b(world):
    """Area B's programme manager, staff with every permission, and their own plan."""
    user = factories.UserFactory(username="staff-of-b", is_staff=True)
    factories.MembershipFactory(user=user, area=world.other_area, role=Role.PROGRAMME_MANAGER)
    user.user_permissions.set(Permission.objects.all())
    factories.PriorityFactory(plan=world.other_plan, number=1, title="B's own priority")
    return user


def verified_client(user) -> Client:
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    client = Client(raise_request_exception=False)
    signed_in = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert signed_in.status_code == 302
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert client.post(reverse("otp_verify"), {"code": code}).status_code == 302
    return client


@pytest.fixture
def client_b(staff_b):
    with override_settings(SENDPLAN_REQUIRE_MFA=True):
        client = verified_client(staff_b)
        # The walk means something only if the admin is open to them: their own plan shows.
        own = client.get(reverse("admin:sendplan_plan_changelist"))
        assert own.status_code == 200 and "CANARY-plan-b-7f3a" in own.content.decode()
        yield client


def links_to_area_a(records, staff) -> dict[str, list[str]]:
    """A POST for any admin form: every link names one of area A's records (the staff
    member's own account where the link is to a user), the rest is filled in plausibly."""
    data = {
        "name": ["Intruder"],
        "title": ["Intruder"],
        "text": ["Intruder"],
        "narrative": ["Intruder"],
        "role": [Role.PROGRAMME_MANAGER],
        "is_staff": ["on"],
        "is_superuser": ["on"],
        "post": ["yes"],
    }
    for model in admin.site._registry:
        for field in model._meta.get_fields():
            if not (field.concrete and field.is_relation) or field.related_model is None:
                continue
            if field.related_model is User:
                target = staff
            else:
                target = records.get(field.related_model)
                if target is None:
                    target = field.related_model._default_manager.order_by("pk").first()
            if target is not None:
                data.setdefault(field.name, [str(target.pk)])
    data["user_permissions"] = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]
    return data


def admin_routes():
    return [route for route in all_routes() if route.is_admin and str(route) not in SIGN_OUT]


def test_staff_of_another_area_reach_none_of_its_records_on_any_admin_page(
    world, area_a_records, client_b
):
    wrong = []
    for route in admin_routes():
        url = url_for(route, world)
        response = client_b.get(url)
        if leaks(response):
            wrong.append(f"GET {url} shows {leaks(response)}")
        if RECORD_ARGUMENTS & set(route.args) and response.status_code not in REFUSED:
            wrong.append(f"GET {url} -> {response.status_code}")
        if response.status_code >= 500:
            wrong.append(f"GET {url} -> {response.status_code}")

    assert wrong == [], "\n".join(wrong)


def test_staff_of_another_area_change_nothing_by_posting_to_any_admin_page(
    world, area_a_records, staff_b, client_b
):
    data = links_to_area_a(area_a_records, staff_b)
    wrong = []
    for route in admin_routes():
        url = url_for(route, world)
        record = area_a_records.get(route.model_admin.model) if route.model_admin else None
        post = dict(data)
        if str(route).endswith("_changelist") and record is not None:
            post.update({"action": ["delete_selected"], "_selected_action": [str(record.pk)]})
        before = row_counts()
        response = client_b.post(url, post)
        if row_counts() != before:
            changed = {k for k, v in row_counts().items() if before[k] != v}
            wrong.append(f"POST {url} -> {response.status_code} changed {sorted(changed)}")
        if leaks(response):
            wrong.append(f"POST {url} shows {leaks(response)}")
        if RECORD_ARGUMENTS & set(route.args) and response.status_code not in REFUSED:
            wrong.append(f"POST {url} -> {response.status_code}")

    assert wrong == [], "\n".join(wrong)
    staff_b.refresh_from_db()
    assert not staff_b.is_superuser and not staff_b.groups.exists()


def filtered_changelists(site_administrator):
    """Each change list with each choice of each of its filters, as a site administrator
    sees them (so area A's areas, plans and forums are among them)."""
    request = request_as(site_administrator)
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        changelist = model_admin.get_changelist_instance(request)
        for spec in changelist.filter_specs:
            for choice in spec.choices(changelist):
                yield url + choice["query_string"]


def test_staff_of_another_area_see_none_of_its_records_in_any_filter(
    world, area_a_records, client_b
):
    urls = [
        *filtered_changelists(world.users["admin"]),
        *(f"{url}?_facets=True" for url in filtered_changelists(world.users["admin"])),
    ]
    assert any("area__id__exact" in url for url in urls)
    wrong = []
    for url in urls:
        response = client_b.get(url)
        if leaks(response) or response.status_code >= 500:
            wrong.append(f"GET {url} -> {response.status_code} shows {leaks(response)}")

    assert wrong == [], "\n".join(wrong)


def test_staff_of_another_area_find_none_of_its_records_by_autocomplete(
    world, area_a_records, client_b
):
    searches = [
        {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field_name,
            "term": term,
        }
        for model, model_admin in admin.site._registry.items()
        for field_name in model_admin.autocomplete_fields
        for term in ("", "canary", "a")
    ]
    assert searches
    wrong = []
    for search in searches:
        response = client_b.get(reverse("admin:autocomplete"), search)
        if leaks(response):
            wrong.append(f"{search} shows {leaks(response)}")

    assert wrong == [], "\n".join(wrong)


def test_every_area_scoped_model_has_an_area_a_record_to_walk_with(world, area_a_records):
    # (Model admins for site administrators only answer 403 before looking for a record.)
    missing = [
        model._meta.label
        for model, record in area_a_records.items()
        if record is None and isinstance(admin.site.get_model_admin(model), ScopedAdmin)
    ]

    assert missing == []
