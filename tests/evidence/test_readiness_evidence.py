"""Readiness on a plan that requires evidence before Blue: a Blue action without evidence is
weak until evidence is added, and evidence withdrawn makes it weak again."""

import datetime as dt

import pytest

from evidence import services
from progress.readiness import plan_readiness
from sendplan.models import MonthStatus
from sendplan.ratings import BRAGG
from tests import factories
from tests.evidence.files import big_pdf, upload

pytestmark = pytest.mark.django_db
APRIL = dt.date(2023, 4, 1)


def _blue_evidence_findings(plan):
    return [
        (f.text, f.words)
        for section in plan_readiness(plan, month=APRIL).priorities
        for f in section.findings
        if f.check == "blue_evidence"
    ]


def test_blue_without_the_required_evidence_is_weak_until_some_is_added(world):
    plan, action = world.plan, world.action
    factories.ReportingMonthFactory(plan=plan, month=APRIL, status=MonthStatus.CLOSED)
    action.completed_on = dt.date(2023, 4, 10)
    action.save()
    factories.ActionStatusFactory(action=action, month=APRIL, status=BRAGG.BLUE, note="Done")
    assert _blue_evidence_findings(plan) == []  # the plan does not ask for evidence

    plan.evidence_required_for_blue = True
    plan.save()
    assert _blue_evidence_findings(plan) == [
        ("Publish the local offer", "Blue with no evidence, which the plan requires.")
    ]

    item = services.plan_item(plan, "action", action.pk)
    evidence = services.add_file(
        item,
        upload(big_pdf(3_000), "offer.pdf"),
        user=world.users["pm"],
        title="Offer",
        dated=APRIL,
    )
    assert _blue_evidence_findings(plan) == []

    services.withdraw(evidence, user=world.users["pm"], reason="Wrong version")
    assert len(_blue_evidence_findings(plan)) == 1
