"""The plan as it stood: live and "as at" reads agree, and a past date stays unchanged."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from actions.models import EntryState
from progress.plan_state import NOT_RATED, end_of_day, plan_state
from sendplan.ratings import BRAGG
from tests import factories

APRIL = dt.date(2023, 4, 1)


def _at(day: dt.date, hour: int = 12):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _save(obj, user=None):
    obj._history_user = user
    obj.save()
    return obj


@pytest.fixture
def small_plan(db):
    with time_machine.travel(_at(dt.date(2023, 4, 20)), tick=False):
        plan = factories.PlanFactory()
        priority = factories.PriorityFactory(plan=plan, number=1, title="Meeting needs")
        issue = factories.IssueFactory(priority=priority, ref="1.1", description="Tell it once")
        lead = factories.PersonFactory(area=plan.area, name="Jo Littler")
        action = factories.ActionFactory(
            issue=issue, text="Consult with parent carers", due_month=dt.date(2022, 10, 1)
        )
        factories.ActionLeadFactory(action=action, person=lead)
        target = factories.OutcomeTargetFactory(issue=issue, text="90% say effective")
        factories.ActionStatusFactory(action=action, month=APRIL, status=BRAGG.AMBER, note="Slow")
        factories.ImpactRatingFactory(target=target, month=APRIL, rag="amber")
        factories.StoryEntryFactory(issue=issue, month=APRIL, narrative="<p>First story</p>")
    return plan


def test_live_state_holds_the_structure_leads_ratings_and_story(small_plan):
    state = plan_state(small_plan, month=APRIL)
    [priority] = state.priorities
    [issue] = priority.issues
    [action] = issue.actions
    assert issue.ref == "1.1"
    assert [p.name for p in action.leads] == ["Jo Littler"]
    assert action.status == BRAGG.AMBER
    assert action.is_overdue(APRIL)
    assert issue.targets[0].rag == "amber"
    assert issue.story[0].narrative == "<p>First story</p>"
    assert state.bragg_counts()["amber"] == 1


def test_a_page_as_at_a_date_is_unchanged_by_later_edits(small_plan):
    before = plan_state(small_plan, month=APRIL, as_at=end_of_day(dt.date(2023, 4, 30)))
    with time_machine.travel(_at(dt.date(2023, 5, 3)), tick=False):
        state = plan_state(small_plan, month=APRIL)
        action_row = small_plan.actions.get()
        action_row.text = "Rewritten later"
        action_row.completed_on = dt.date(2023, 5, 2)
        _save(action_row)
        status = action_row.statuses.get()
        status.status = BRAGG.GREEN
        status.note = ""
        _save(status)
        story = small_plan.story_entries.get()
        story.narrative = "<p>Rewritten story</p>"
        _save(story)
        small_plan.outcome_targets.get().delete()
        new_issue = factories.IssueFactory(priority=small_plan.priorities.get(), ref="1.2")
        assert new_issue.pk
        factories.ActionLeadFactory(
            action=action_row, person=factories.PersonFactory(area=small_plan.area, name="New")
        )
    after = plan_state(small_plan, month=APRIL, as_at=end_of_day(dt.date(2023, 4, 30)))
    assert after.priorities[0].issues[0].actions[0].text == "Consult with parent carers"
    assert after.actions[0].status == BRAGG.AMBER
    assert [p.name for p in after.actions[0].leads] == ["Jo Littler"]
    assert after.story[0].narrative == "<p>First story</p>"
    assert len(after.targets) == 1
    assert [i.ref for i in after.issues] == ["1.1"]
    assert after.bragg_counts() == before.bragg_counts()
    assert state.actions[0].text == "Consult with parent carers"
    live = plan_state(small_plan, month=APRIL)
    assert live.actions[0].text == "Rewritten later"
    assert live.actions[0].status == BRAGG.GREEN
    assert [i.ref for i in live.issues] == ["1.1", "1.2"]
    assert live.targets == []


def test_drafts_are_left_out_unless_asked_for(small_plan):
    status = small_plan.action_statuses.get()
    status.state = EntryState.DRAFT
    _save(status)
    assert plan_state(small_plan, month=APRIL).actions[0].status == NOT_RATED
    assert plan_state(small_plan, month=APRIL, include_drafts=True).actions[0].status == "amber"


def test_without_the_story_the_state_is_the_same_but_for_the_story(
    small_plan, django_assert_num_queries
):
    # With the changes approved but not yet in effect (due dates, targets): 13.
    with django_assert_num_queries(13):
        full = plan_state(small_plan, month=APRIL, months=1)
    with django_assert_num_queries(12):  # one query fewer: no story so far is read
        bare = plan_state(small_plan, month=APRIL, months=1, story=False)

    assert [i.story for i in bare.issues] == [[]]
    assert full.issues[0].story[0].narrative == "<p>First story</p>"
    [action], [bare_action] = full.actions, bare.actions
    assert (bare_action.status, bare_action.latest.note) == (action.status, action.latest.note)
    assert bare.targets[0].rag == full.targets[0].rag == "amber"


def test_reading_a_plan_costs_the_same_queries_whatever_its_size(
    small_plan, django_assert_num_queries
):
    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            plan_state(small_plan, month=APRIL)
            plan_state(small_plan, month=APRIL, as_at=end_of_day(dt.date(2023, 4, 30)))
        return len(ctx)

    small = count()
    issue = small_plan.issues.get()
    for _ in range(10):
        action = factories.ActionFactory(issue=issue)
        factories.ActionLeadFactory(action=action)
        factories.ActionStatusFactory(action=action, month=APRIL)
        factories.ImpactRatingFactory(target=factories.OutcomeTargetFactory(issue=issue))
    other_plan = factories.PlanFactory()
    factories.ActionFactory(issue=factories.IssueFactory(priority__plan=other_plan))
    assert count() == small
