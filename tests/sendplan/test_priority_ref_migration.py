"""Priorities gain a reference as the plan writes it: an upgraded database keeps every
priority, its history and its place, each takes its number as its reference so pages name
it as before ("Priority 2"), and two issues may then share a reference."""

import datetime as dt

import pytest
from django.utils import timezone

from sendplan.models import Issue, Priority
from tests import factories
from tests.migration_states import schema_as_at

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BEFORE_REFERENCES = ("sendplan", "0007_partner_reviewer")


def test_priorities_stored_before_references_keep_their_number_title_and_history_as_ref():
    # Each test runs the migrations back and forth: one test holds all that is kept.
    plan = factories.PlanFactory()
    when = timezone.make_aware(dt.datetime(2023, 5, 9, 8, 0))

    with schema_as_at(BEFORE_REFERENCES) as old:
        OldPriority = old.get_model("sendplan", "Priority")
        first = OldPriority.objects.create(plan_id=plan.pk, number=1, title="Early help")
        second = OldPriority.objects.create(plan_id=plan.pk, number=2, title="Inclusion")
        old.get_model("sendplan", "HistoricalPriority").objects.create(
            id=second.pk,
            plan_id=plan.pk,
            number=2,
            title="Inclusion",
            description="",
            history_date=when,
            history_type="+",
        )
        old.get_model("sendplan", "Issue").objects.create(
            plan_id=plan.pk, priority_id=first.pk, ref="1.1", description="Help comes late"
        )

    priorities = Priority.objects.filter(plan=plan).order_by("number")
    assert [(p.pk, p.number, p.ref, p.title, p.label) for p in priorities] == [
        (first.pk, 1, "1", "Early help", "Priority 1: Early help"),
        (second.pk, 2, "2", "Inclusion", "Priority 2: Inclusion"),
    ]
    assert [h.ref for h in Priority.history.filter(id=second.pk)] == ["2"]
    # The uniqueness of an issue's reference is gone: the plan may write 1.1 twice.
    Issue.objects.create(
        plan=plan, priority=priorities[0], ref="1.1", description="Help comes late again"
    )
    assert Issue.objects.filter(plan=plan, ref="1.1").count() == 2
