"""Area A with a plan whose action, target and story entry a lead leads, a meeting
decision, and area B; evidence files go to a temporary folder of each test's own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client

from sendplan.models import Role
from tests import factories


@pytest.fixture
def evidence_dir(tmp_path, settings) -> Path:
    folder = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": "/no-public-url/"},
        },
    }
    return folder


def stored_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _member(area, role, username):
    user = factories.UserFactory(username=username)
    factories.MembershipFactory(user=user, area=area, role=role)
    return user


@pytest.fixture
def world(db, evidence_dir):
    area = factories.AreaFactory(name="Evidence Area A", slug="evidence-a")
    area_b = factories.AreaFactory(name="Evidence Area B", slug="evidence-b")
    plan = factories.PlanFactory(area=area, title="Plan A", slug="evidence-plan-a")
    plan_b = factories.PlanFactory(area=area_b, title="Plan B", slug="evidence-plan-b")
    priority = factories.PriorityFactory(plan=plan, number=1, title="Priority one")
    issue = factories.IssueFactory(priority=priority, ref="1.1", description="Issue one")
    users = {
        "lead": _member(area, Role.SEND_LEAD, "ev-lead"),
        "other_lead": _member(area, Role.SEND_LEAD, "ev-other-lead"),
        "viewer": _member(area, Role.VIEWER, "ev-viewer"),
        "pm": _member(area, Role.PROGRAMME_MANAGER, "ev-pm"),
        "outsider": _member(area_b, Role.PROGRAMME_MANAGER, "ev-outsider"),
    }
    person = factories.PersonFactory(area=area, name="Lead Person", user=users["lead"])
    factories.PersonFactory(area=area, name="Other Lead", user=users["other_lead"])
    action = factories.ActionFactory(issue=issue, text="Publish the local offer")
    factories.ActionLeadFactory(action=action, person=person)
    target = factories.OutcomeTargetFactory(issue=issue, action=action, text="90% of plans")
    story = factories.StoryEntryFactory(issue=issue, month=dt.date(2023, 4, 1))
    forum = factories.ForumFactory(area=area)
    meeting = factories.MeetingFactory(forum=forum)
    decision = factories.DecisionFactory(meeting=meeting, owner=person)
    return SimpleNamespace(
        area=area,
        area_b=area_b,
        plan=plan,
        plan_b=plan_b,
        issue=issue,
        users=users,
        person=person,
        action=action,
        target=target,
        story=story,
        forum=forum,
        meeting=meeting,
        decision=decision,
        folder=evidence_dir,
    )
