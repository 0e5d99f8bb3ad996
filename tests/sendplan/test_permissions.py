"""The permission matrix, proved over every URL pattern of the project.

The patterns are found by walking ``get_resolver()``, so a page added later is covered
without editing this file, unless it brings an argument name SAMPLE_KWARGS does not know:
then the walk fails and asks for it. For every pattern:

- an anonymous visitor is sent to sign in (GET and POST), except the pages in PUBLIC;
- a user of another area (B) is refused (403/404) area A's pages, GET and POST, and no
  row or history row changes;
- a read-only viewer makes no successful write anywhere;

and for the monthly update, the plan pages and the import and export pages, each role gets
exactly what ``sendplan.access.ROLE_CAPABILITIES`` (the README's permission matrix) gives it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from actions.services import propose_due_date_change
from evidence.models import Evidence
from outcomes.services import propose_target_change
from sendplan.access import ADVISER, ROLE_CAPABILITIES, Can, role_label
from sendplan.models import MonthStatus, Plan, Role
from sendplan.ratings import BRAGG
from tests import factories
from tests.actions.conftest import domain_counts
from tests.spreadsheets.import_helpers import pending_upload

pytestmark = pytest.mark.django_db

# Pages anyone may open without signing in. Adding a public page means adding it here.
# (The admin's own login page sends visitors on to the site's sign-in page, and static
# files are served by WhiteNoise's middleware, not by a URL pattern.)
# The public progress summaries need no sign-in (and answer 404 until published).
PUBLIC = {"login", "health", "public:summary", "public:version", "public:pdf"}

# Pages that are not about one area: they show only the user's own account or areas.
NOT_AREA_SCOPED = {
    "home",
    "login",
    "logout",
    "health",
    "otp_verify",
    "two_factor",
    "two_factor_backup_codes",
    "two_factor_link",
    "two_factor_issue_link",
}

# Regex patterns with unnamed groups (simple_history's admin "revert" page) and their names.
POSITIONAL_GROUPS = {r"^([^/]+)/history/([^/]+)/$": ("object_id", "history_id")}


def _admin_app_label(route) -> str:
    match = re.search(r"\(\?P<app_label>([^)]*)\)", route.route)
    return match.group(1).split("|")[0] if match else "sendplan"


# How to fill each URL argument with one of area A's records.
SAMPLE_KWARGS = {
    "plan_slug": lambda w, r: w.plan.slug,
    "number": lambda w, r: w.priority.number,
    "ref": lambda w, r: w.issue.ref,
    "section": lambda w, r: w.issue.ref,
    "person_id": lambda w, r: w.lead_person.pk,
    "month": lambda w, r: w.open_month.month,
    "area_slug": lambda w, r: w.area.slug,
    "forum_slug": lambda w, r: w.forum.slug,
    "meeting_id": lambda w, r: w.meeting.pk,
    "decision_id": lambda w, r: w.decision_id,
    "report_id": lambda w, r: w.report_id,
    "request_id": lambda w, r: 1,
    "bundle_id": lambda w, r: 1,
    "review_id": lambda w, r: 1,
    "kind": lambda w, r: "action",
    "item_id": lambda w, r: w.action.pk,
    "evidence_id": lambda w, r: w.evidence.pk,
    "import_id": lambda w, r: w.import_id,
    "version_id": lambda w, r: 1,
    "target_id": lambda w, r: w.target.pk,
    "action_id": lambda w, r: w.action.pk,
    # A change waiting for a decision, asked for by the lead: of the target or the due date.
    "change_id": lambda w, r: w.target_change.pk if "target" in str(r) else w.due_change.pk,
    "token": lambda w, r: "no-such-set-up-link",
    # The admin's arguments: non-staff users never get past its login, whatever the object.
    "app_label": lambda w, r: _admin_app_label(r),
    "object_id": lambda w, r: w.plan.pk,
    "pk": lambda w, r: w.plan.pk,
    "id": lambda w, r: w.users["viewer"].pk,
    "history_id": lambda w, r: 1,
    "content_type_id": lambda w, r: ContentType.objects.get_for_model(Plan).pk,
    "url": lambda w, r: "no-such-admin-page/",
}


@dataclass(frozen=True)
class Route:
    route: str
    name: str | None
    args: tuple[str, ...]
    positional: bool

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")

    def __str__(self) -> str:
        return self.name or self.route


def _args_of(pattern) -> list[str]:
    if getattr(pattern, "converters", None):
        return list(pattern.converters)
    regex = pattern.regex
    if regex.groups > len(regex.groupindex):
        assert regex.pattern in POSITIONAL_GROUPS, f"Name the groups of {regex.pattern!r}"
        return list(POSITIONAL_GROUPS[regex.pattern])
    return list(regex.groupindex)


def _walk(patterns, prefix="", namespace=None, args=()):
    for entry in patterns:
        here = (*args, *_args_of(entry.pattern))
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns, here)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            regex = entry.pattern.regex
            yield Route(
                prefix + str(entry.pattern), name, here, regex.groups > len(regex.groupindex)
            )


ROUTES = list(_walk(get_resolver().url_patterns))


def url_for(route: Route, world) -> str:
    kwargs = {arg: SAMPLE_KWARGS[arg](world, route) for arg in route.args}
    for arg, value in kwargs.items():
        if isinstance(value, dt.date):
            kwargs[arg] = f"{value:%Y-%m}"
    if route.name and route.positional:
        return reverse(route.name, args=[kwargs[a] for a in route.args])
    if route.name:
        return reverse(route.name, kwargs=kwargs)
    text = route.route
    for arg, value in kwargs.items():
        text = re.sub(rf"\(\?P<{arg}>[^)]*\)", str(value), text)
    return "/" + text.replace("^", "").replace("$", "").replace("\\", "")


# A POST carrying something for every form on the site, so a missing permission check
# would show as a write rather than hide behind a form error.
POST_DATA = {
    "draft": "1",
    "submit": "1",
    "reason": "Testing the permission matrix",
    "month_0": "5",
    "month_1": "2023",
    "title": "Intruder",
    "text": "Intruder",
    "name": "Intruder",
}


TODAY = dt.date(2023, 5, 15)


@pytest.fixture(autouse=True)
def _in_may_2023():
    with time_machine.travel(
        timezone.make_aware(dt.datetime.combine(TODAY, dt.time(10))), tick=True
    ):
        yield


# Advisers of area A: for its region (True), or nationally (None).
ADVISERS = {"adviser": True, "national_adviser": None}
# The advisers' pages across areas: each shows the adviser's own areas only.
ADVISER_PAGES = {"reports:regional", "reports:regional_csv"}

ROLES = {
    "viewer": Role.VIEWER,
    "lead": Role.SEND_LEAD,
    "implementation_group": Role.IMPLEMENTATION_GROUP,
    "assurance_executive": Role.ASSURANCE_EXECUTIVE,
    "programme_manager": Role.PROGRAMME_MANAGER,
    "partner_reviewer": Role.PARTNER_REVIEWER,
}


@pytest.fixture
def world(db):
    """Area A with one of each record a URL can name; users of every role; an outsider."""
    area = factories.AreaFactory(name="Matrix Area A", slug="matrix-area-a")
    area_b = factories.AreaFactory(name="Matrix Area B", slug="matrix-area-b")
    plan = factories.PlanFactory(area=area, title="CANARY-A plan", slug="matrix-plan-a")
    factories.PlanFactory(area=area_b, title="Plan B", slug="matrix-plan-b")
    priority = factories.PriorityFactory(plan=plan, number=1, title="CANARY-A priority")
    issue = factories.IssueFactory(priority=priority, ref="1.1", description="CANARY-A issue")
    users = {}
    for key, role in ROLES.items():
        users[key] = factories.UserFactory(username=f"matrix-{key}")
        factories.MembershipFactory(user=users[key], area=area, role=role)
    users["admin"] = factories.UserFactory(
        username="matrix-admin", is_staff=True, is_superuser=True
    )
    users["outsider"] = factories.UserFactory(username="matrix-outsider")
    # Advisers hold no membership: area A is in the North East, area B in London.
    north_east = factories.RegionFactory(name="North East")
    london = factories.RegionFactory(name="London")
    area.region = north_east
    area.save()
    area_b.region = london
    area_b.save()
    for key, region in ADVISERS.items():
        users[key] = factories.UserFactory(username=f"matrix-{key}")
        factories.AdviserGrantFactory(user=users[key], region=region and north_east)
    users["adviser_b"] = factories.UserFactory(username="matrix-adviser-b")
    factories.AdviserGrantFactory(user=users["adviser_b"], region=london)
    factories.MembershipFactory(user=users["outsider"], area=area_b, role=Role.PROGRAMME_MANAGER)
    factories.PersonFactory(area=area_b, name="Outsider Person", user=users["outsider"])
    lead_person = factories.PersonFactory(area=area, name="CANARY-A lead", user=users["lead"])
    action = factories.ActionFactory(issue=issue, text="CANARY-A action")
    factories.ActionLeadFactory(action=action, person=lead_person)
    factories.ActionStatusFactory(
        action=action, month=dt.date(2023, 4, 1), status=BRAGG.AMBER, note="CANARY-A note"
    )
    target = factories.OutcomeTargetFactory(issue=issue, action=action, text="CANARY-A target")
    target_change = propose_target_change(
        target=target,
        user=users["lead"],
        reason="CANARY-A reason",
        effective_month=dt.date(2023, 5, 1),
        target_value=50,
    )
    due_change = propose_due_date_change(
        action=action,
        user=users["lead"],
        due_month=dt.date(2024, 9, 1),
        reason="CANARY-A reason",
        effective_month=dt.date(2023, 5, 1),
    )
    factories.StoryEntryFactory(issue=issue, month=dt.date(2023, 4, 1))
    factories.ReportingMonthFactory(plan=plan, month=dt.date(2023, 4, 1), status=MonthStatus.CLOSED)
    open_month = factories.ReportingMonthFactory(plan=plan, month=dt.date(2023, 5, 1))
    forum = factories.ForumFactory(area=area, name="CANARY-A forum", slug="matrix-forum")
    meeting = factories.MeetingFactory(forum=forum)
    decision_factory = getattr(factories, "DecisionFactory", None)
    decision = decision_factory(meeting=meeting) if decision_factory else None
    evidence = Evidence.objects.create(
        area=area,
        plan=plan,
        action=action,
        kind="link",
        url="https://example.org/canary-a-evidence",
        title="CANARY-A evidence",
        dated=dt.date(2023, 4, 1),
        added_by=users["lead"],
    )
    upload = pending_upload(user=users["programme_manager"], plan=plan)
    return SimpleNamespace(
        import_id=upload.pk,
        area=area,
        plan=plan,
        priority=priority,
        evidence=evidence,
        issue=issue,
        users=users,
        lead_person=lead_person,
        action=action,
        target=target,
        target_change=target_change,
        due_change=due_change,
        open_month=open_month,
        forum=forum,
        meeting=meeting,
        decision_id=decision.pk if decision else 1,
        report_id=1,
    )


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _sign_in_redirect(response) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and (
        location.startswith(reverse("login")) or location.startswith(reverse("admin:login"))
    )


def _admin_refused(response) -> bool:
    """The admin turns away users who are not staff: to its login, or (for its logout
    page) to its index, which does the same."""
    return _sign_in_redirect(response) or (
        response.status_code == 302 and response["Location"] == reverse("admin:index")
    )


def test_every_argument_name_of_every_url_pattern_has_a_sample():
    unknown = sorted({a for route in ROUTES for a in route.args} - set(SAMPLE_KWARGS))
    assert unknown == [], f"Add these URL arguments to SAMPLE_KWARGS: {unknown}"


def test_anonymous_visitors_are_sent_to_sign_in_everywhere_but_the_public_pages(world):
    client = _client()
    public = set()
    for route in ROUTES:
        url = url_for(route, world)
        for method in (client.get, client.post):
            if not _sign_in_redirect(method(url)):
                public.add(str(route))
    assert public == PUBLIC


@pytest.mark.parametrize("outsider", ["outsider", "adviser_b"])
def test_a_user_of_another_area_is_refused_every_page_and_changes_nothing(world, outsider):
    """Outsiders: a programme manager of area B, and an adviser for B's region only."""
    client = _client(world.users[outsider])
    before = domain_counts()
    let_through = []
    for route in ROUTES:
        if str(route) in NOT_AREA_SCOPED:
            continue
        url = url_for(route, world)
        if str(route) in ADVISER_PAGES and outsider == "adviser_b":
            # Their own page, of London's areas: nothing of area A (North East) on it.
            assert "CANARY-A" not in client.get(url).content.decode(), url
            assert client.post(url, POST_DATA).status_code == 405
            continue
        for method, data in (("get", None), ("post", POST_DATA)):
            response = getattr(client, method)(url, data)
            refused = response.status_code in (403, 404, 405) or (
                route.is_admin and _admin_refused(response)
            )
            if not refused:
                let_through.append(f"{method.upper()} {url} -> {response.status_code}")
    assert let_through == [], "\n".join(let_through)
    assert domain_counts() == before


def test_pages_for_everyone_show_no_other_areas_records(world):
    client = _client(world.users["outsider"])
    for name in ("home",):
        assert "CANARY-A" not in client.get(reverse(name)).content.decode()


@pytest.mark.parametrize("reader", ["viewer", *ADVISERS])
def test_a_read_only_viewer_makes_no_successful_write(world, reader):
    """A viewer, and the advisers, who read area A and write nothing."""
    client = _client(world.users[reader])
    written = []
    for route in ROUTES:
        if str(route) in NOT_AREA_SCOPED:
            continue
        url = url_for(route, world)
        if route.is_admin:
            if str(route) != "admin:login" and not _admin_refused(client.post(url, POST_DATA)):
                written.append(f"POST {url} was let into the admin")
            continue
        before = domain_counts()
        response = client.post(url, POST_DATA)
        if domain_counts() != before:
            written.append(f"POST {url} -> {response.status_code} changed rows")
        elif str(route).startswith("progress:") and response.status_code not in (403, 405):
            written.append(f"POST {url} -> {response.status_code}, expected 403 or 405")
    assert written == [], "\n".join(written)


# --- Each role's allowed and forbidden pages --------------------------------------------

# What each page of the monthly update and the plan needs (GET).
PAGE_NEEDS = {
    "reports:plan_detail": Can.VIEW,
    "reports:priority_detail": Can.VIEW,
    "reports:issue_detail": Can.VIEW,
    "reports:readiness": Can.VIEW,
    "progress:my_updates": Can.UPDATE_OWN,
    "progress:lead_updates": Can.UPDATE_OWN,  # the sample person is the lead themself
    # progress:my_section is a part of the user's own items: not found for someone who
    # leads nothing there (tests/progress/test_my_updates.py).
    "progress:lead_section": Can.UPDATE_OWN,
    "progress:my_check": Can.UPDATE_OWN,
    "progress:lead_check": Can.UPDATE_OWN,
    "progress:month": Can.MANAGE_MONTHS,
    "progress:month_detail": Can.MANAGE_MONTHS,
    "progress:open_month": Can.MANAGE_MONTHS,
    "progress:close_month": Can.MANAGE_MONTHS,
    "progress:reopen_month": Can.MANAGE_MONTHS,
    "evidence:item": Can.VIEW,
    "evidence:decision": Can.VIEW,
    "evidence:area_evidence": Can.VIEW,
    # The sample action's lead may withdraw its evidence; so may the programme manager.
    "evidence:withdraw": Can.UPDATE_OWN,
    "spreadsheets:import_export": Can.IMPORT_EXPORT,
    "spreadsheets:export_csv": Can.IMPORT_EXPORT,
    "spreadsheets:export_xlsx": Can.IMPORT_EXPORT,
    # The sample upload is the programme manager's; site administrators see every upload.
    "spreadsheets:preview": Can.IMPORT_EXPORT,
    "progress:change_requests": Can.VIEW,
    # The sample lead leads the target's action: they may ask; approvers decide.
    "progress:propose_target_change": Can.UPDATE_OWN,
    "progress:propose_due_date_change": Can.UPDATE_OWN,
    "progress:decide_target_change": Can.APPROVE_CHANGES,
    "progress:decide_due_date_change": Can.APPROVE_CHANGES,
}


def _capabilities(role_key: str) -> frozenset:
    if role_key in ADVISERS:
        return ROLE_CAPABILITIES[ADVISER]
    if role_key == "admin":
        return frozenset(Can)
    return ROLE_CAPABILITIES[ROLES[role_key]]


@pytest.mark.parametrize("role_key", [*ROLES, *ADVISERS, "admin"])
def test_each_role_opens_exactly_the_pages_its_capabilities_allow(world, role_key):
    client = _client(world.users[role_key])
    routes = {str(route): route for route in ROUTES}
    wrong = []
    for name, need in PAGE_NEEDS.items():
        response = client.get(url_for(routes[name], world))
        expected = 200 if need in _capabilities(role_key) else 403
        if response.status_code != expected:
            wrong.append(f"{name}: {response.status_code}, expected {expected}")
    assert wrong == []


def test_a_lead_may_not_open_another_leads_updates_but_the_programme_manager_may(world):
    other = factories.PersonFactory(area=world.area, name="Another Lead")
    url = reverse(
        "progress:lead_updates", kwargs={"plan_slug": world.plan.slug, "person_id": other.pk}
    )
    assert _client(world.users["lead"]).get(url).status_code == 403
    assert _client(world.users["programme_manager"]).get(url).status_code == 200


def test_only_a_programme_manager_or_admin_may_close_a_month(world):
    url = reverse(
        "progress:close_month",
        kwargs={"plan_slug": world.plan.slug, "month": world.open_month.month},
    )
    for key in ("viewer", "lead", "implementation_group", "assurance_executive"):
        assert _client(world.users[key]).post(url).status_code == 403
        world.open_month.refresh_from_db()
        assert world.open_month.is_open
    assert _client(world.users["programme_manager"]).post(url).status_code == 302
    world.open_month.refresh_from_db()
    assert not world.open_month.is_open


def test_a_role_in_one_area_gives_nothing_in_another(world):
    """The same person is a lead in area A and only a viewer in area B."""
    user = world.users["lead"]
    plan_b = Plan.objects.get(slug="matrix-plan-b")
    factories.MembershipFactory(user=user, area=plan_b.area, role=Role.VIEWER)
    client = _client(user)
    assert client.get(reverse("progress:my_updates", args=[world.plan.slug])).status_code == 200
    assert client.get(reverse("progress:my_updates", args=[plan_b.slug])).status_code == 403
    assert client.get(reverse("reports:plan_detail", args=[plan_b.slug])).status_code == 200


@pytest.mark.parametrize("role_key", [*ROLES, "outsider"])
def test_only_advisers_open_the_regional_page(world, role_key):
    for name in ADVISER_PAGES:
        assert _client(world.users[role_key]).get(reverse(name)).status_code == 404
        for adviser in ADVISERS:
            assert _client(world.users[adviser]).get(reverse(name)).status_code == 200


def test_advisers_see_no_draft_and_no_preview(world):
    """A lead's draft for the open month is not shown to an adviser; nor is a preview."""
    factories.ActionStatusFactory(
        action=world.action,
        month=world.open_month.month,
        status=BRAGG.RED,
        note="CANARY-draft-note",
        state="draft",
    )
    for adviser in (*ADVISERS, "adviser_b"):
        client = _client(world.users[adviser])
        for url in (
            reverse("reports:plan_detail", args=[world.plan.slug]) + "?month=2023-05",
            reverse("reports:issue_detail", args=[world.plan.slug, world.issue.ref])
            + "?month=2023-05",
            reverse("reports:dashboard", args=[world.plan.slug]) + "?month=2023-05",
            reverse("reports:regional"),
        ):
            assert "CANARY-draft-note" not in client.get(url).content.decode(), url
        preview = reverse("reports:report_preview", args=[world.area.slug, world.forum.slug])
        assert client.get(preview).status_code in (403, 404)


# --- The README's matrix is the one the server enforces ---------------------------------


def _readme_matrix() -> dict[str, set[str]]:
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = readme.split("## Permission matrix", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    header = next(line for line in section.splitlines() if line.startswith("| Capability"))
    roles = [cell.strip() for cell in header.strip("|").split("|")][1:]
    matrix = {role: set() for role in roles}
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        capability = re.match(r"`([a-z_]+)`", cells[0]).group(1)
        for role, cell in zip(roles, cells[1:], strict=True):
            if cell.startswith("Yes"):
                matrix[role].add(capability)
    return matrix


def test_the_readme_permission_matrix_matches_the_one_enforced():
    matrix = _readme_matrix()
    for role, capabilities in ROLE_CAPABILITIES.items():
        assert matrix[role_label(role)] == {c.value for c in capabilities}, role
    assert matrix["Site administrator"] == {c.value for c in Can}
