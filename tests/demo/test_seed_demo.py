"""python manage.py seed_demo: both plans, a login per role and marked example data."""

import datetime as dt
import io

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.management import CommandError, call_command

from actions.models import Action, ActionStatus, EntryState, StoryEntry, check_bragg_rules
from demo.seeding import DEMO_PASSWORD
from governance.models import Meeting
from outcomes.models import ImpactRating, OutcomeTarget
from sendplan.models import Membership, MonthStatus, Person, Plan, ReportingMonth, Role, User
from sendplan.ratings import BRAGG, RAG
from tests import factories
from tests.demo.test_seed_fixtures import (
    DARLINGTON_ACTIONS,
    DARLINGTON_DATED_STORY,
    DARLINGTON_TARGETS,
    DARLINGTON_UNDATED_STORY,
    _history_models,
    table_counts,
)

CLOSED_MONTHS = [dt.date(2022, 10, 1), dt.date(2022, 11, 1), dt.date(2022, 12, 1)] + [
    dt.date(2023, m, 1) for m in range(1, 5)
]
OPEN_MONTH = dt.date(2023, 5, 1)


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    return seed()


@pytest.fixture
def darlington(seeded):
    return Plan.objects.get(slug="darlington-wsoa-2023")


def test_running_seed_demo_twice_changes_no_table_not_even_history(db):
    first = seed()
    counts = table_counts()
    second = seed()
    assert table_counts() == counts
    assert "Wrote 0 rows" in second
    assert second.count("already loaded") == 8
    assert "Darlington plan" in first and "already loaded" not in first


def test_seed_demo_leaves_no_history_row_without_a_user(seeded):
    for model in _history_models():
        history = getattr(model, model._meta.simple_history_manager_attribute).model
        assert not history.objects.filter(history_user__isnull=True).exists(), model


def test_seed_demo_records_the_given_user_in_the_history(db):
    loader = factories.UserFactory(username="loader")
    seed("--user", "loader")
    plan = Plan.objects.get(slug="darlington-wsoa-2023")
    assert plan.history.get().history_user == loader
    status = ActionStatus.objects.filter(plan=plan).first()
    assert status.history.get().history_user == loader


def test_seed_demo_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="no user called 'nobody'"):
        seed("--user", "nobody")
    assert not Plan.objects.exists()


def test_a_dry_run_writes_nothing(db):
    before = table_counts()
    out = seed("--dry-run")
    assert "Would write" in out
    assert table_counts() == before


def test_darlington_reporting_months_run_to_an_open_may_2023(darlington):
    months = ReportingMonth.objects.filter(plan=darlington).order_by("month")
    assert [m.month for m in months] == [*CLOSED_MONTHS, OPEN_MONTH]
    assert {m.status for m in months[:7]} == {MonthStatus.CLOSED}
    may = months.get(month=OPEN_MONTH)
    assert (may.status, may.deadline) == (MonthStatus.OPEN, dt.date(2023, 5, 25))


def test_every_action_and_target_has_an_example_rating_in_each_closed_month(darlington):
    statuses = ActionStatus.objects.filter(plan=darlington, month__in=CLOSED_MONTHS)
    assert statuses.count() == DARLINGTON_ACTIONS * len(CLOSED_MONTHS)
    ratings = ImpactRating.objects.filter(plan=darlington, month__in=CLOSED_MONTHS)
    assert ratings.count() == DARLINGTON_TARGETS * len(CLOSED_MONTHS)
    for rows in (statuses, ratings):
        assert set(rows.values_list("is_example", "state").distinct()) == {
            (True, EntryState.SUBMITTED)
        }
    for row in [*statuses, *ratings]:
        assert row.rated_at.date().replace(day=1) == row.month
        assert row.rated_by is not None


def test_example_bragg_statuses_obey_the_plans_rules(darlington):
    statuses = ActionStatus.objects.filter(plan=darlington).select_related("action")
    for status in statuses:
        check_bragg_rules(status.status, status.note, status.action.completed_on)
        if status.status == BRAGG.BLUE:
            assert status.action.completed_on.replace(day=1) <= status.month
        if status.note:
            assert status.note.startswith("Example data:")
    for rating in ImpactRating.objects.filter(plan=darlington, rag=RAG.RED):
        assert rating.note.startswith("Example data:")


def test_example_statuses_start_mostly_grey_and_move_on(darlington):
    first = ActionStatus.objects.filter(plan=darlington, month=CLOSED_MONTHS[0])
    last = ActionStatus.objects.filter(plan=darlington, month=CLOSED_MONTHS[-1])
    assert first.filter(status=BRAGG.GREY).count() > DARLINGTON_ACTIONS / 2
    assert not last.filter(status=BRAGG.GREY).exists()
    used = set(ActionStatus.objects.filter(plan=darlington).values_list("status", flat=True))
    assert used == set(BRAGG.values)


def test_the_open_month_has_some_updates_submitted_some_draft_and_some_missing(darlington):
    may = ActionStatus.objects.filter(plan=darlington, month=OPEN_MONTH)
    states = set(may.values_list("state", flat=True))
    assert states == {EntryState.SUBMITTED, EntryState.DRAFT}
    assert 0 < may.count() < DARLINGTON_ACTIONS
    may_ratings = ImpactRating.objects.filter(plan=darlington, month=OPEN_MONTH)
    assert 0 < may_ratings.count() < OutcomeTarget.objects.filter(plan=darlington).count()


def test_example_story_fills_months_the_plan_lacks_and_leaves_the_transcribed_alone(darlington):
    transcribed = StoryEntry.objects.filter(plan=darlington, is_example=False)
    assert transcribed.count() == DARLINGTON_DATED_STORY + DARLINGTON_UNDATED_STORY
    assert all(e.history.count() == 1 for e in transcribed)
    examples = StoryEntry.objects.filter(plan=darlington, is_example=True)
    assert examples.filter(month__in=CLOSED_MONTHS).count() == 12
    assert examples.filter(month=OPEN_MONTH, state=EntryState.DRAFT).count() == 2
    for entry in examples:
        assert entry.narrative.startswith("<p>Example update:")
        assert not transcribed.filter(issue=entry.issue, month=entry.month).exists()


def test_example_meetings_follow_each_forums_cadence(darlington):
    meetings = Meeting.objects.filter(forum__area=darlington.area)
    by_forum = {}
    for meeting in meetings:
        by_forum.setdefault(meeting.forum.slug, []).append(meeting.scheduled_for.replace(day=1))
        assert meeting.notes.startswith("Example data:")
        assert meeting.scheduled_for.weekday() < 5
    assert sorted(by_forum["send-implementation-group"]) == [
        dt.date(2022, 11, 1),
        dt.date(2022, 12, 1),
        *(dt.date(2023, m, 1) for m in range(1, 6)),
    ]
    assert sorted(by_forum["send-assurance-executive"]) == [
        dt.date(2023, 1, 1),
        dt.date(2023, 4, 1),
    ]
    assert by_forum["health-and-wellbeing-board"] == [dt.date(2023, 6, 1)]
    january = meetings.get(forum__slug="send-assurance-executive", scheduled_for__month=1)
    assert (january.period_start, january.period_end) == (
        dt.date(2022, 10, 1),
        dt.date(2022, 12, 31),
    )


DEMO_LOGINS = {
    "darlington-lead": {("darlington", Role.SEND_LEAD)},
    "darlington-lead2": {("darlington", Role.SEND_LEAD)},
    "darlington-pm": {("darlington", Role.PROGRAMME_MANAGER)},
    "darlington-sig": {("darlington", Role.IMPLEMENTATION_GROUP)},
    "darlington-sae": {("darlington", Role.ASSURANCE_EXECUTIVE)},
    "darlington-viewer": {("darlington", Role.VIEWER)},
    "durham-pm": {("durham", Role.PROGRAMME_MANAGER)},
    "durham-viewer": {("durham", Role.VIEWER)},
    "multi-area": {("darlington", Role.SEND_LEAD), ("durham", Role.VIEWER)},
    "admin": set(),
}


def test_each_demo_login_signs_in_with_its_roles_in_each_area(seeded):
    for username, memberships in DEMO_LOGINS.items():
        user = authenticate(username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        roles = set(Membership.objects.filter(user=user).values_list("area__slug", "role"))
        assert roles == memberships, username
        assert (user.is_staff, user.is_superuser) == ((username == "admin"),) * 2
        MinimumLengthValidator(min_length=12).validate(DEMO_PASSWORD, user)
        assert f"{username} " in seeded
    assert User.objects.filter(username__in=DEMO_LOGINS).count() == len(DEMO_LOGINS)


def test_demo_leads_are_the_people_named_in_the_plan(seeded):
    def person(username):
        return Person.objects.get(user__username=username).name

    assert person("darlington-lead") == "Jo Littler"
    assert person("darlington-lead2") == "Tony Murphy"
    assert person("darlington-pm") == "David Watson"
    jo = User.objects.get(username="darlington-lead")
    led = Action.objects.filter(lead_rows__person__user=jo)
    assert led.count() > 3
    assert set(ActionStatus.objects.filter(action__in=led).values_list("rated_by", flat=True)) == {
        jo.pk
    }
    assert "sendplan-demo-2023" in seeded
