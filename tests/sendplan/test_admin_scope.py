"""The admin for staff who are not site administrators: only their own areas' records, on
every page, form, filter and history view (findings 1 to 3 of the December 2026 probe).

The staff member is the programme manager of Durham only; Darlington is another area.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from sendplan.models import Membership, Person, Plan, Role, User
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


def test_the_view_on_site_link_leads_only_to_the_staff_members_areas(
    durham, durham_plan, darlington_plan
):
    from django.contrib.contenttypes.models import ContentType

    plans = ContentType.objects.get_for_model(Plan).pk
    client = client_for(staff_of(durham, "view_plan"))

    other = client.get(reverse("admin:view_on_site", args=[plans, darlington_plan.pk]))
    own = client.get(reverse("admin:view_on_site", args=[plans, durham_plan.pk]))

    assert other.status_code == 404
    assert "darlington" not in other.get("Location", "")
    assert own.status_code == 302
    assert own["Location"].endswith(durham_plan.get_absolute_url())


def test_a_site_administrator_still_reads_the_history_of_a_deleted_record(
    admin_user, darlington_plan
):
    url = history_url(darlington_plan)
    darlington_plan.delete()

    response = client_for(admin_user).get(url)

    assert response.status_code == 200
    assert b"Darlington WSoA (revised)" in response.content


# --- Finding 2: links to other areas' records, and the user admin -----------------------


class _FormReader(HTMLParser):
    """What a browser sends back from an admin page's form, unchanged."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: dict[str, list[str]] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind != "submit":
                self.data.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, text):
        if self._textarea:
            self.data[self._textarea][0] += text.removeprefix("\n")


def form_on(response) -> dict[str, list[str]]:
    reader = _FormReader()
    reader.feed(response.content.decode())
    return {name: values for name, values in reader.data.items() if "__prefix__" not in name}


def add_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def test_staff_cannot_make_themselves_a_member_of_another_area(durham, darlington):
    staff = staff_of(durham, "add_membership", "view_membership")
    client = client_for(staff)

    response = client.post(
        add_url(Membership),
        {"user": staff.pk, "area": darlington.pk, "role": Role.PROGRAMME_MANAGER},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Membership.objects.filter(area=darlington).exists()


def test_staff_cannot_give_a_role_in_another_area_from_a_users_page(durham, darlington):
    member = factories.UserFactory(username="durham-viewer")
    factories.MembershipFactory(user=member, area=durham, role=Role.VIEWER)
    client = client_for(
        staff_of(durham, "change_user", "view_user", "add_membership", "change_membership")
    )
    data = form_on(client.get(change_url(member)))
    assert data["memberships-TOTAL_FORMS"] == ["1"]
    data.update(
        {
            "memberships-TOTAL_FORMS": ["2"],
            "memberships-1-user": [str(member.pk)],
            "memberships-1-area": [str(darlington.pk)],
            "memberships-1-role": [Role.PROGRAMME_MANAGER],
        }
    )

    response = client.post(change_url(member), data)

    assert response.status_code == 200
    assert not Membership.objects.filter(area=darlington).exists()


def test_a_link_to_another_area_is_refused_on_save_even_past_the_form(durham, darlington, rf):
    from django.contrib import admin
    from django.core.exceptions import PermissionDenied

    staff = staff_of(durham, "add_person")
    request = rf.post("/")
    request.user = staff
    person = factories.PersonFactory.build(area=darlington, name="Smuggled")

    with pytest.raises(PermissionDenied):
        admin.site.get_model_admin(Person).save_model(request, person, form=None, change=False)

    assert not Person.objects.filter(name="Smuggled").exists()


def test_staff_editing_a_record_keep_its_links_to_people_outside_their_areas(
    durham, durham_plan, admin_user
):
    priority = factories.PriorityFactory(plan=durham_plan, number=1)
    issue = factories.IssueFactory(priority=priority, plan=durham_plan, ref="1.1")
    entry = factories.StoryEntryFactory(issue=issue, plan=durham_plan, author=admin_user)
    client = client_for(staff_of(durham, "change_storyentry", "view_storyentry"))
    data = form_on(client.get(change_url(entry)))
    data["narrative"] = ["<p>Corrected by Durham's staff.</p>"]

    response = client.post(change_url(entry), data)

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.narrative == "<p>Corrected by Durham's staff.</p>"
    assert entry.author == admin_user


def test_a_deletion_names_no_record_of_another_area(durham, darlington_plan):
    from actions.models import ActionStatus

    rater = factories.UserFactory(username="moved-to-durham")
    factories.MembershipFactory(user=rater, area=durham, role=Role.SEND_LEAD)
    priority = factories.PriorityFactory(plan=darlington_plan, number=1)
    issue = factories.IssueFactory(priority=priority, plan=darlington_plan, ref="1.1")
    action = factories.ActionFactory(issue=issue, plan=darlington_plan, text="Darlington's action")
    factories.ActionStatusFactory(action=action, plan=darlington_plan, rated_by=rater)
    client = client_for(
        staff_of(durham, "delete_user", "view_user", "delete_membership", "delete_actionstatus")
    )
    delete_url = reverse("admin:sendplan_user_delete", args=[rater.pk])

    page = client.get(delete_url).content.decode()
    client.post(delete_url, {"post": "yes"})

    assert "Darlington" not in page
    assert User.objects.filter(pk=rater.pk).exists()
    assert ActionStatus.objects.filter(rated_by=rater).exists()


def test_the_user_list_shows_only_users_who_share_an_area_with_the_staff_member(durham, darlington):
    factories.MembershipFactory(
        user=factories.UserFactory(username="durham-lead"), area=durham, role=Role.SEND_LEAD
    )
    factories.MembershipFactory(
        user=factories.UserFactory(username="darlington-lead"),
        area=darlington,
        role=Role.SEND_LEAD,
    )
    factories.UserFactory(username="site-administrator", is_staff=True, is_superuser=True)
    client = client_for(staff_of(durham, "view_user"))

    page = client.get(reverse("admin:sendplan_user_changelist")).content.decode()

    assert "durham-lead" in page
    assert "darlington-lead" not in page
    assert "site-administrator" not in page


def test_a_users_page_shows_only_their_roles_in_the_staff_members_areas(durham, darlington):
    both = factories.UserFactory(username="in-both")
    factories.MembershipFactory(user=both, area=durham, role=Role.VIEWER)
    factories.MembershipFactory(user=both, area=darlington, role=Role.PROGRAMME_MANAGER)
    client = client_for(staff_of(durham, "view_user", "view_membership"))

    page = client.get(change_url(both)).content.decode()

    assert "Durham" in page
    assert "Darlington" not in page


def test_staff_cannot_make_themselves_a_site_administrator(durham):
    staff = staff_of(durham, "change_user", "view_user")
    client = client_for(staff)
    page = client.get(change_url(staff))
    data = form_on(page)
    assert "is_superuser" not in data and "user_permissions" not in data
    data.update(
        {
            "is_staff": ["on"],
            "is_superuser": ["on"],
            "groups": [str(Group.objects.create(name="Everything").pk)],
            "user_permissions": [str(p.pk) for p in Permission.objects.all()],
            "first_name": ["Renamed"],
        }
    )

    response = client.post(change_url(staff), data)

    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.first_name == "Renamed"
    assert staff.is_staff and not staff.is_superuser
    assert not staff.groups.exists()
    assert staff.user_permissions.count() == 2


def test_staff_cannot_change_an_account_that_has_a_role_in_another_area(durham, darlington):
    both = factories.UserFactory(username="in-both", first_name="Kept")
    factories.MembershipFactory(user=both, area=durham, role=Role.VIEWER)
    factories.MembershipFactory(user=both, area=darlington, role=Role.PROGRAMME_MANAGER)
    client = client_for(staff_of(durham, "change_user", "view_user"))
    password_url = reverse("admin:auth_user_password_change", args=[both.pk])

    refused = client.post(
        change_url(both), {**form_on(client.get(change_url(both))), "first_name": "Changed"}
    )

    assert refused.status_code == 403
    assert client.get(password_url).status_code == 403
    both.refresh_from_db()
    assert both.first_name == "Kept"


def test_staff_cannot_open_groups_or_authenticator_devices_whatever_their_permissions(durham):
    staff = staff_of(durham, *Permission.objects.values_list("codename", flat=True))
    client = client_for(staff)

    for name in (
        "admin:auth_group_changelist",
        "admin:auth_group_add",
        "admin:otp_totp_totpdevice_changelist",
        "admin:otp_static_staticdevice_changelist",
        "admin:axes_accessattempt_changelist",
    ):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.post(reverse("admin:auth_group_add"), {"name": "Mine"}).status_code == 403
    assert not Group.objects.exists()


def test_staff_add_a_user_with_a_role_in_one_of_their_areas(durham):
    client = client_for(staff_of(durham, "add_user", "change_user", "view_user", "add_membership"))
    data = form_on(client.get(add_url(User)))
    data.update(
        {
            "username": ["new-lead"],
            "password1": ["a long enough passphrase 42"],
            "password2": ["a long enough passphrase 42"],
        }
    )

    without_role = client.post(add_url(User), data)
    data.update({"memberships-0-area": [str(durham.pk)], "memberships-0-role": [Role.SEND_LEAD]})
    with_role = client.post(add_url(User), data)

    assert without_role.status_code == 200
    assert with_role.status_code == 302
    added = User.objects.get(username="new-lead")
    assert list(added.memberships.values_list("area__name", "role")) == [("Durham", "send_lead")]
    assert not added.is_staff


def test_an_inline_that_shows_every_area_fails_the_system_checks():
    from django.contrib import admin

    from sendplan.admin_scope import AreaScopedAdmin
    from sendplan.models import Plan, Priority

    class EveryAreasPriorities(admin.TabularInline):
        model = Priority

    class LeakyPlanAdmin(AreaScopedAdmin):
        inlines = [EveryAreasPriorities]

    errors = LeakyPlanAdmin(Plan, admin.site).check()

    assert [error.id for error in errors] == ["sendplan.E001"]


# --- Finding 3: filter sidebars ---------------------------------------------------------


def sidebar(response) -> str:
    page = response.content.decode()
    assert 'id="changelist-filter"' in page
    return page.split('id="changelist-filter"', 1)[1].split("</nav>", 1)[0]


def test_the_filter_sidebars_list_only_the_staff_members_areas_and_plans(
    durham, darlington, durham_plan, darlington_plan
):
    factories.PlanFactory(area=durham, title="Durham APP", slug="durham-app")
    factories.PriorityFactory(plan=durham_plan, number=1)
    factories.PriorityFactory(plan=darlington_plan, number=1)
    factories.MeetingFactory(
        forum=factories.ForumFactory(area=durham, name="Durham board", slug="board")
    )
    factories.MeetingFactory(
        forum=factories.ForumFactory(area=durham, name="Durham group", slug="group")
    )
    factories.MeetingFactory(
        forum=factories.ForumFactory(area=darlington, name="Darl board", slug="board")
    )
    staff = staff_of(durham, "view_plan", "view_priority", "view_meeting", "view_membership")
    factories.MembershipFactory(user=staff, area=durham, role=Role.VIEWER)
    client = client_for(staff)

    for name in (
        "admin:sendplan_plan_changelist",
        "admin:sendplan_priority_changelist",
        "admin:governance_meeting_changelist",
        "admin:sendplan_membership_changelist",
    ):
        filters = sidebar(client.get(reverse(name), {"_facets": "True"}))

        assert "Darl" not in filters, name
    assert "Durham WSoA" in sidebar(client.get(reverse("admin:sendplan_priority_changelist")))
    assert "Durham board" in sidebar(client.get(reverse("admin:governance_meeting_changelist")))


def test_a_filter_that_lists_every_area_fails_the_system_checks():
    from django.contrib import admin

    from sendplan.admin_scope import AreaScopedAdmin
    from sendplan.models import Plan

    class LeakyPlanAdmin(AreaScopedAdmin):
        list_filter = ["kind", ("area", admin.RelatedFieldListFilter)]

    errors = LeakyPlanAdmin(Plan, admin.site).check()

    assert [error.id for error in errors] == ["sendplan.E002"]
