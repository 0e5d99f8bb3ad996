"""python manage.py seed_demo: both plans, a login per role and marked example data."""

import datetime as dt
import io

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.management import CommandError, call_command
from django.urls import reverse

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


@pytest.fixture
def durham(seeded):
    return Plan.objects.get(slug="durham-lap-2024")


def test_running_seed_demo_twice_changes_no_table_not_even_history(db):
    first = seed()
    counts = table_counts()
    second = seed("--url", "http://127.0.0.1:8101/")
    assert table_counts() == counts
    assert "Wrote 0 rows" in second
    # The parts seed_demo writes (the regions of its areas among them).
    assert second.count("already loaded") == 17
    assert "Darlington plan" in first and "already loaded" not in first
    # scripts/run passes its address: the output ends saying where to start.
    assert second.splitlines()[-1] == (
        "Open http://127.0.0.1:8101/ and sign in as darlington-lead with password "
        f"{DEMO_PASSWORD}: Jo Littler, SEND lead (action owner) in Darlington."
    )
    assert "Open http" not in first


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
    statuses = ActionStatus.objects.filter(action__in=led)
    rated = statuses.filter(carried_forward=False).values_list("rated_by", flat=True)
    assert set(rated) == {jo.pk}
    # A completed action carries itself into the open month, as when the programme manager
    # opens it: that row is the programme manager's, not Jo's.
    carried = statuses.filter(carried_forward=True).values_list("rated_by__username", flat=True)
    assert set(carried) <= {"darlington-pm"}
    assert "sendplan-demo-2023" in seeded


# --- Durham: example work and months, so its users see a working plan ------------------


def test_durham_has_the_same_reporting_months_as_darlington(durham, darlington):
    for plan in (durham, darlington):
        months = ReportingMonth.objects.filter(plan=plan).order_by("month")
        assert [(m.month, m.status) for m in months] == [
            *((m, MonthStatus.CLOSED) for m in CLOSED_MONTHS),
            (OPEN_MONTH, MonthStatus.OPEN),
        ]


def test_each_durham_area_for_improvement_gets_example_work_said_to_be_example(durham):
    for priority in durham.priorities.all():
        [issue] = priority.issues.all()
        assert issue.description.startswith("Example data:")
        actions = list(issue.actions.all())
        targets = list(issue.outcome_targets.all())
        assert actions and len(targets) == 1
        for item in [*actions, *targets]:
            assert item.text.startswith("Example"), item.text
        # An action towards each milestone the area serves, due in the milestone's month.
        for milestone in priority.milestones.all():
            assert any(
                a.due_month == milestone.due_month and milestone.text in a.text for a in actions
            )


def test_durham_example_ratings_cover_every_closed_month_and_are_marked(durham):
    actions = Action.objects.filter(plan=durham)
    statuses = ActionStatus.objects.filter(plan=durham, month__in=CLOSED_MONTHS)
    assert statuses.count() == actions.count() * len(CLOSED_MONTHS)
    targets = OutcomeTarget.objects.filter(plan=durham)
    ratings = ImpactRating.objects.filter(plan=durham, month__in=CLOSED_MONTHS)
    assert ratings.count() == targets.count() * len(CLOSED_MONTHS)
    all_statuses = ActionStatus.objects.filter(plan=durham).select_related("action")
    for row in [*all_statuses, *ImpactRating.objects.filter(plan=durham)]:
        assert row.is_example
        assert row.rated_by.username == "durham-pm"
        assert row.history.get().history_date == row.rated_at
    for status in all_statuses:
        check_bragg_rules(status.status, status.note, status.action.completed_on)
    used = set(statuses.values_list("status", flat=True))
    assert {BRAGG.BLUE, BRAGG.GREEN, BRAGG.AMBER} <= used


def test_a_completed_durham_action_is_carried_into_the_open_month(durham):
    blue = ActionStatus.objects.filter(plan=durham, month=CLOSED_MONTHS[-1], status=BRAGG.BLUE)
    assert blue.exists()
    for status in blue:
        may = ActionStatus.objects.get(action=status.action, month=OPEN_MONTH)
        assert (may.status, may.note, may.state) == (status.status, status.note, "submitted")
        assert may.carried_forward and may.is_example


def test_durham_areas_for_improvement_get_example_story_so_far(durham):
    entries = StoryEntry.objects.filter(plan=durham)
    assert set(entries.values_list("is_example", flat=True)) == {True}
    assert not entries.filter(issue__isnull=False).exists()
    for priority in durham.priorities.all():
        months = set(
            entries.filter(priority=priority, state=EntryState.SUBMITTED).values_list(
                "month", flat=True
            )
        )
        assert months == {dt.date(2023, 1, 1), dt.date(2023, 2, 1), dt.date(2023, 3, 1)}
    assert entries.filter(month=OPEN_MONTH, state=EntryState.DRAFT).exists()


def test_durham_pages_open_on_its_latest_closed_month_with_ratings_to_show(durham, client):
    client.force_login(User.objects.get(username="durham-viewer"))
    page = client.get(reverse("reports:plan_detail", args=[durham.slug])).content.decode()
    board = client.get(reverse("reports:dashboard", args=[durham.slug])).content.decode()
    assert "April 2023 at a glance" in page
    assert "Dashboard for April 2023" in board
    for html in (page, board):
        assert "December 2026" not in html
        assert '<option value="2023-04" selected>April 2023</option>' in html
    # The milestones linked to an area for improvement take their status from its actions.
    milestones = board.split('id="milestones"')[1].split("</table>")[0]
    assert milestones.count("Linked to no priority.") == 2
    assert milestones.count(" of 3 actions completed") + milestones.count("of 2 actions") == 5


def test_seed_demo_publishes_darlingtons_example_public_summary(seeded):
    from django.test import Client

    response = Client().get("/public/darlington/darlington-wsoa-2023/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Example" in body and "you now get a reply from us within two weeks" in body


def test_seed_demo_attaches_example_evidence_that_a_bundle_carries_byte_for_byte(
    darlington, client
):
    import hashlib
    import zipfile

    from demo.seeding.evidence import EVIDENCE_DIR
    from evidence.models import Evidence
    from reports.bundles import collect, end_of, write_bundle

    evidence = list(Evidence.objects.filter(plan=darlington).order_by("added_at"))
    assert [e.kind for e in evidence].count("file") == 3
    assert [e.kind for e in evidence].count("link") == 1
    assert {e.content_type for e in evidence if e.kind == "file"} == {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    assert all(e.is_example and e.title.startswith("Example") for e in evidence)
    # Added in the demo's past, by the lead of the action where the lead has a login.
    assert all(e.added_at.year in (2022, 2023) for e in evidence)
    minutes = next(e for e in evidence if e.file_name == "example-sig-minutes-2023-03.pdf")
    assert minutes.action is not None
    assert minutes.added_by.username == "darlington-lead2"  # Tony Murphy leads 1.3's action
    # The item's page marks it as example data.
    client.force_login(User.objects.get(username="darlington-viewer"))
    page = client.get(
        reverse(
            "evidence:item",
            kwargs={
                "plan_slug": darlington.slug,
                "kind": "action",
                "item_id": minutes.action_id,
            },
        )
    ).content.decode()
    assert "Example: SEND Implementation Group minutes, March 2023" in page
    assert "Example data" in page

    content = collect(darlington, as_at=end_of(dt.date(2023, 5, 10)))
    out = io.BytesIO()
    write_bundle(out, content)
    with zipfile.ZipFile(out) as bundle:
        files = [n for n in bundle.namelist() if n.startswith("evidence/")]
        assert len(files) == 3
        fixture = (EVIDENCE_DIR / "example-ehcp-timeliness-2022-23.xlsx").read_bytes()
        stored = [bundle.read(n) for n in files if n.endswith(".xlsx")]
        assert stored == [fixture]
        assert hashlib.sha256(fixture).hexdigest() in {e.sha256 for e in evidence}
    # As at a date before any was added, the bundle holds none.
    before = collect(darlington, as_at=end_of(dt.date(2022, 11, 1)))
    assert before.files == [] and before.links == []


def test_darlington_has_one_example_target_change_waiting_for_a_decision(darlington):
    from actions.change_requests import ChangeStatus
    from outcomes.models import TargetChangeRequest

    change = TargetChangeRequest.objects.get(plan=darlington)
    assert change.is_example
    assert change.status == ChangeStatus.PENDING
    assert change.requested_by.username == "darlington-lead"
    assert change.reason.startswith("Example data:")
    assert change.target.target_month != change.new_target_month  # nothing applied yet


def test_seed_demo_puts_both_areas_in_the_north_east_and_adds_the_advisers(db, client):
    from sendplan.models import AdviserGrant, Area

    seed()
    assert set(Area.objects.values_list("region__name", flat=True)) == {"North East"}
    grants = {g.user.username: g.region for g in AdviserGrant.objects.select_related("user")}
    assert grants["national-adviser"] is None
    assert grants["north-east-adviser"].name == "North East"
    assert client.login(username="north-east-adviser", password=DEMO_PASSWORD)
    page = client.get(reverse("reports:regional")).content.decode()
    assert "Darlington" in page and "Durham" in page
