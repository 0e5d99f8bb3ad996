"""plan_state(months=n): a window of months reads less and tells the same story."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from actions.models import EntryState
from progress.items import _split
from progress.plan_state import end_of_day, plan_state
from sendplan.models import Plan
from sendplan.months import add_months
from sendplan.ratings import BRAGG
from tests import factories

pytestmark = pytest.mark.django_db

START = dt.date(2022, 10, 1)


def _summary(state):
    """What pages show of a month: each item's status, latest and previous entry."""

    def rating(r):
        return None if r is None else (r.id, r.month, r.value, r.state)

    actions = {
        a.id: (rating(a.month_rating), rating(a.latest), a.overdue, a.status) for a in state.actions
    }
    targets = {
        t.id: (rating(t.month_rating), rating(t.latest), t.latest_measured, t.movement, t.rag)
        for t in state.targets
    }
    previous = {}
    for issue in state.issues:
        for item in [*issue.actions, *issue.targets]:
            current, before = _split(item.ratings, state.month)
            previous[("item", item.id)] = (rating(current), rating(before))
        current, before = _split(issue.story, state.month)
        previous[("story", issue.id)] = (
            current and current.id,
            before and before.id,
        )
    return actions, targets, previous


@pytest.fixture
def generated_plan():
    call_command(
        "generate_demo_data", "--areas", "1", "--months", "8", "--start-month", "2022-10",
        verbosity=0,
    )  # fmt: skip
    return Plan.objects.get(slug="area01-wsoa")


@pytest.mark.parametrize("months", [1, 3])
@pytest.mark.parametrize("include_drafts", [False, True])
def test_a_window_shows_the_same_statuses_latest_and_previous_entries(
    generated_plan, months, include_drafts
):
    for n in (0, 3, 7):
        month = add_months(START, n)
        full = plan_state(generated_plan, month=month, include_drafts=include_drafts)
        window = plan_state(
            generated_plan, month=month, include_drafts=include_drafts, months=months
        )
        assert _summary(window) == _summary(full), month


def test_a_window_as_at_a_date_matches_the_full_read_as_at_that_date(generated_plan):
    as_at = end_of_day(dt.date(2023, 2, 20))
    for month in (dt.date(2023, 1, 1), dt.date(2023, 2, 1)):
        full = plan_state(generated_plan, month=month, as_at=as_at)
        window = plan_state(generated_plan, month=month, as_at=as_at, months=1)
        assert _summary(window) == _summary(full)


def test_a_one_month_window_reads_at_most_two_rows_per_item(generated_plan):
    state = plan_state(generated_plan, month=add_months(START, 7), months=1)
    assert max(len(a.ratings) for a in state.actions) <= 2
    assert max(len(t.ratings) for t in state.targets) <= 3  # newest, newest measured
    assert max(len(i.story) for i in state.issues) <= 2


def test_the_latest_measured_figure_survives_a_month_without_one(plan_a, lead_a):
    issue = factories.IssueFactory(priority=factories.PriorityFactory(plan=plan_a, number=1))
    target = factories.OutcomeTargetFactory(
        issue=issue, target_value=Decimal(80), baseline=Decimal(40), direction="increase"
    )
    for month, measured in [(1, Decimal(55)), (2, None), (3, None)]:
        factories.ImpactRatingFactory(
            target=target,
            month=dt.date(2023, month, 1),
            rag="amber",
            measured_value=measured,
            state=EntryState.SUBMITTED,
        )
    action = factories.ActionFactory(issue=issue)
    factories.ActionStatusFactory(action=action, month=dt.date(2023, 1, 1), status=BRAGG.AMBER)
    state = plan_state(plan_a, month=dt.date(2023, 4, 1), months=1)
    (only,) = state.targets
    assert only.latest.month == dt.date(2023, 3, 1)
    assert only.latest_measured == Decimal(55)
    assert only.movement == "towards"
    assert state.actions[0].latest.value == BRAGG.AMBER
    assert state.actions[0].month_rating is None


def _at(day: dt.date, hour: int = 12):
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_a_window_as_at_a_date_takes_each_row_as_it_stood_then(plan_a):
    import time_machine

    with time_machine.travel(_at(dt.date(2023, 2, 3)), tick=False):
        issue = factories.IssueFactory(priority=factories.PriorityFactory(plan=plan_a, number=1))
        edited, removed, kept = (factories.ActionFactory(issue=issue) for _ in range(3))
        january = factories.ActionStatusFactory(
            action=edited, month=dt.date(2023, 1, 1), status=BRAGG.GREEN
        )
        draft = factories.ActionStatusFactory(
            action=edited, month=dt.date(2022, 12, 1), status=BRAGG.RED, note="x",
            state=EntryState.DRAFT,
        )  # fmt: skip
        factories.ActionStatusFactory(action=edited, month=dt.date(2022, 11, 1), status=BRAGG.GREY)
        gone = factories.ActionStatusFactory(
            action=removed, month=dt.date(2023, 1, 1), status=BRAGG.AMBER, note="x"
        )
        late = factories.ActionStatusFactory(
            action=kept, month=dt.date(2023, 1, 1), status=BRAGG.BLUE
        )
    with time_machine.travel(_at(dt.date(2023, 2, 10)), tick=False):
        gone.delete()
    with time_machine.travel(_at(dt.date(2023, 3, 1)), tick=False):
        january.status = BRAGG.RED
        january.note = "Worse"
        january.save()
        draft.state = EntryState.SUBMITTED  # submitted only after the moment looked at
        draft.save()
        late.delete()

    state = plan_state(
        plan_a, month=dt.date(2023, 2, 1), as_at=end_of_day(dt.date(2023, 2, 20)), months=1
    )

    by_id = {a.id: a for a in state.actions}
    # Before the window (February): the newest row submitted by 20 February, as it read then.
    assert (by_id[edited.id].latest.month, by_id[edited.id].latest.value) == (
        dt.date(2023, 1, 1),
        BRAGG.GREEN,
    )
    assert by_id[removed.id].latest is None  # deleted on 10 February
    assert by_id[kept.id].latest.value == BRAGG.BLUE  # deleted only in March
    # A draft then is not the newest submitted row, even though it was submitted later.
    one_month_ago = plan_state(
        plan_a, month=dt.date(2023, 1, 1), as_at=end_of_day(dt.date(2023, 2, 20)), months=1
    )
    older = {a.id: a for a in one_month_ago.actions}[edited.id]
    assert older.month_rating.value == BRAGG.GREEN
    full = plan_state(plan_a, month=dt.date(2023, 2, 1), as_at=end_of_day(dt.date(2023, 2, 20)))
    assert _summary(state) == _summary(full)


def _by_issue(state, issue_ids) -> dict:
    """What pages show of the items of these issues (statuses, latest, previous)."""
    actions, targets, _ = _summary(state)
    shown = {}
    for issue in state.issues:
        if issue.id not in issue_ids:
            continue
        for kind, items, summary in (
            ("action", issue.actions, actions),
            ("target", issue.targets, targets),
        ):
            for item in items:
                current, before = _split(item.ratings, state.month)
                shown[(kind, item.id)] = (
                    summary[item.id],
                    current and current.id,
                    before and before.id,
                )
        current, before = _split(issue.story, state.month)
        shown[("story", issue.id)] = (current and current.id, before and before.id)
    return shown


@pytest.mark.parametrize(
    ("months", "as_at"), [(1, None), (None, None), (1, end_of_day(dt.date(2023, 2, 20)))]
)
def test_reading_some_issues_tells_the_same_story_of_them_and_reads_no_other(
    generated_plan, months, as_at
):
    month = dt.date(2023, 2, 1)
    full = plan_state(generated_plan, month=month, months=months, as_at=as_at)
    some = {issue.id for issue in full.issues[1:4]}
    part = plan_state(generated_plan, month=month, months=months, as_at=as_at, issue_ids=some)

    assert {issue.id for issue in part.issues} == some
    assert {p.id for p in part.priorities} == {i.priority_id for i in full.issues if i.id in some}
    assert {a.issue_id for a in part.actions} | {t.issue_id for t in part.targets} <= some
    assert _by_issue(part, some) == _by_issue(full, some)
    assert len(_by_issue(part, some)) > len(some)
    by_id = {a.id: a for a in full.actions}
    for action in part.actions:
        assert [p.id for p in action.leads] == [p.id for p in by_id[action.id].leads]


def test_no_months_reads_the_structure_and_leads_without_entries(
    generated_plan, django_assert_max_num_queries
):
    month = dt.date(2023, 2, 1)
    full = plan_state(generated_plan, month=month, months=1)
    # people, strategy links, issues, priorities, issue links, actions, due-date changes
    # not yet in effect, leads, targets, target changes not yet in effect
    with django_assert_max_num_queries(10):
        bare = plan_state(generated_plan, month=month, months=0, include_drafts=True)

    assert [i.id for i in bare.issues] == [i.id for i in full.issues]
    assert [(a.id, [p.id for p in a.leads]) for a in bare.actions] == [
        (a.id, [p.id for p in a.leads]) for a in full.actions
    ]
    assert [t.id for t in bare.targets] == [t.id for t in full.targets]
    assert not any(a.ratings or a.latest for a in bare.actions)
    assert not any(t.ratings for t in bare.targets)
    assert not any(i.story for i in bare.issues)
