"""progress.items: the items of a month's update and who leads each."""

import datetime as dt

import pytest
from django.core.management import call_command

from progress.items import (
    issues_holding,
    issues_led_by,
    items_led_by,
    lead_items,
    month_items,
)
from progress.plan_state import plan_state
from sendplan.models import Person, Plan
from tests import factories
from tests.actions.conftest import _in_may_2023  # noqa: F401  (today in May 2023)

pytestmark = pytest.mark.django_db


def _shown(items):
    """What the monthly update shows of each item."""
    return [
        (
            item.key,
            item.lead_ids,
            item.progress,
            item.current and item.current.id,
            item.previous and item.previous.id,
            item.previous_by,
        )
        for item in items
    ]


def test_a_leads_items_read_from_their_issues_are_those_of_the_whole_plan():
    call_command(
        "generate_demo_data", "--areas", "1", "--months", "4", "--start-month", "2022-10",
        verbosity=0,
    )  # fmt: skip
    plan = Plan.objects.get(slug="area01-wsoa")
    month = dt.date(2023, 1, 1)
    everything = month_items(plan_state(plan, month=month, include_drafts=True, months=1))
    leads = Person.objects.filter(area=plan.area, lead_rows__isnull=False).distinct()
    assert leads.count() > 1
    for person in leads:
        expected = items_led_by(everything, {person.id})
        assert expected
        assert _shown(lead_items(plan, month, {person.id})) == _shown(expected)


def test_a_target_tied_to_a_leads_action_in_another_issue_is_theirs(plan_a, lead_a):
    person = lead_a.people.get()
    priority = factories.PriorityFactory(plan=plan_a, number=1)
    theirs = factories.IssueFactory(priority=priority, ref="1.1")
    elsewhere = factories.IssueFactory(priority=priority, ref="1.2")
    action = factories.ActionFactory(issue=theirs)
    factories.ActionLeadFactory(action=action, person=person)
    target = factories.OutcomeTargetFactory(issue=elsewhere, action=action)
    factories.ActionFactory(issue=factories.IssueFactory(priority=priority, ref="1.3"))

    assert issues_led_by(plan_a, {person.id}) == {theirs.id, elsewhere.id}
    keys = [item.key for item in lead_items(plan_a, dt.date(2023, 5, 1), {person.id})]
    assert f"target-{target.pk}" in keys
    assert f"action-{action.pk}" in keys


def test_the_issues_holding_items_include_those_their_leads_are_read_from(plan_a):
    priority = factories.PriorityFactory(plan=plan_a, number=1)
    first, second = (factories.IssueFactory(priority=priority, ref=r) for r in ("1.1", "1.2"))
    other = factories.IssueFactory(priority=factories.PriorityFactory(plan=plan_a, number=2))
    action = factories.ActionFactory(issue=first)
    tied_elsewhere = factories.OutcomeTargetFactory(issue=other, action=action)
    untied = factories.OutcomeTargetFactory(issue=second, action=None)

    assert issues_holding(plan_a, [f"action-{action.pk}"]) == {first.id}
    assert issues_holding(plan_a, [f"target-{tied_elsewhere.pk}"]) == {other.id, first.id}
    assert issues_holding(plan_a, [f"target-{untied.pk}", f"story-{other.pk}"]) == {
        second.id,
        other.id,
    }
    assert issues_holding(plan_a, [f"story-p{priority.pk}"]) == {first.id, second.id}
    # Keys naming nothing (or another plan's items) hold no issue.
    elsewhere = factories.ActionFactory()
    assert issues_holding(plan_a, ["action-x", "story-p", f"action-{elsewhere.pk}"]) == set()
    assert issues_holding(plan_a, ["action-99999999999999999999"]) == set()
