"""A seeded world for the security sweeps: area A with one of every record, each holding
a unique canary string, users for the four roles, and an outsider in area B."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance.models import Decision
from sendplan.models import ReportingMonth, Role
from sendplan.ratings import BRAGG
from tests import factories

PASSWORD = "correct horse battery staple"  # UserFactory's password
ROLES = ("viewer", "lead", "programme_manager", "admin")


def canary(name: str) -> str:
    return f"CANARY-{name}-7f3a"


@pytest.fixture
def world(db):
    area = factories.AreaFactory(name="Canary Area A", slug="canary-area-a")
    other_area = factories.AreaFactory(name="Canary Area B", slug="canary-area-b")
    plan = factories.PlanFactory(area=area, title=canary("plan"), slug="canary-plan-a")
    other_plan = factories.PlanFactory(area=other_area, title=canary("plan-b"), slug="canary-b")
    priority = factories.PriorityFactory(plan=plan, number=1, title=canary("priority"))
    issue = factories.IssueFactory(priority=priority, plan=plan, ref="1.1")
    users = {}
    for role, membership in [
        ("viewer", Role.VIEWER),
        ("lead", Role.SEND_LEAD),
        ("programme_manager", Role.PROGRAMME_MANAGER),
    ]:
        users[role] = factories.UserFactory(username=f"canary-{role}")
        factories.MembershipFactory(user=users[role], area=area, role=membership)
    users["admin"] = factories.UserFactory(
        username="canary-admin", is_staff=True, is_superuser=True
    )
    users["outsider"] = factories.UserFactory(username="canary-outsider")
    factories.MembershipFactory(user=users["outsider"], area=other_area, role=Role.SEND_LEAD)
    lead_person = factories.PersonFactory(area=area, name="Canary Lead", user=users["lead"])
    action = factories.ActionFactory(issue=issue, plan=plan, text=canary("action"))
    factories.ActionLeadFactory(action=action, plan=plan, person=lead_person)
    factories.ActionStatusFactory(
        action=action, plan=plan, status=BRAGG.AMBER, note=canary("note"), month=dt.date(2023, 4, 1)
    )
    target = factories.OutcomeTargetFactory(issue=issue, plan=plan, text=canary("target"))
    factories.ImpactRatingFactory(target=target, plan=plan)
    story = factories.StoryEntryFactory(
        issue=issue, plan=plan, narrative=f"<p>{canary('story')}</p>"
    )
    open_month = factories.ReportingMonthFactory(plan=plan, month=dt.date(2023, 5, 1))
    ReportingMonth.objects.create(plan=plan, month=dt.date(2023, 4, 1), status="closed")
    forum = factories.ForumFactory(area=area, name=canary("forum"), slug="canary-forum")
    factories.ForumMemberFactory(forum=forum, person=lead_person)
    meeting = factories.MeetingFactory(forum=forum)
    decision = Decision.objects.create(
        meeting=meeting, kind="decision", text=canary("decision"), owner=lead_person
    )
    totp_device = TOTPDevice.objects.create(user=users["admin"], name="Canary app")
    return SimpleNamespace(
        area=area,
        other_area=other_area,
        plan=plan,
        other_plan=other_plan,
        priority=priority,
        issue=issue,
        action=action,
        target=target,
        story=story,
        lead_person=lead_person,
        open_month=open_month,
        forum=forum,
        meeting=meeting,
        decision=decision,
        users=users,
        totp_device=totp_device,
        admin_objects={},
    )


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture(scope="session")
def seeded_scratch(tmp_path_factory):
    """A database outside the test database, migrated from empty and seeded with the demo
    (real plans, example ratings and history), on the suite's backend. The migrate and
    seed_demo results are kept for the tests to assert on."""
    from types import SimpleNamespace

    from .scratchdb import manage, scratch_database

    tmp = tmp_path_factory.mktemp("scratch")
    with scratch_database(tmp, "source") as url:
        migrated = manage(url, "migrate", "--no-input")
        seeded = manage(url, "seed_demo") if migrated.returncode == 0 else None
        yield SimpleNamespace(url=url, tmp=tmp, migrated=migrated, seeded=seeded)
