"""generate_demo_data: synthetic areas that are the same for the same seed, with history."""

import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction

from actions.models import Action, ActionStatus, EntryState, StoryEntry
from governance.models import Forum, Meeting
from outcomes.models import ImpactRating, OutcomeTarget
from sendplan.models import Area, Membership, MonthStatus, Plan, ReportingMonth

pytestmark = pytest.mark.django_db

DOMAIN_APPS = [
    "sendplan",
    "actions",
    "outcomes",
    "progress",
    "governance",
    "reports",
    "spreadsheets",
    "demo",
]


def generate(*args):
    out = StringIO()
    call_command("generate_demo_data", *args, stdout=out)
    return out.getvalue()


def signature():
    """What was generated, without primary keys (which differ from run to run)."""
    plans = Plan.objects.filter(slug__startswith="area").order_by("slug")
    return {
        "plans": list(plans.values_list("slug", "title")),
        "people": list(
            Area.objects.filter(slug__startswith="area")
            .order_by("slug", "people__name")
            .values_list("slug", "people__name", "people__role", "people__user__username")
        ),
        "actions": list(
            Action.objects.filter(plan__in=plans)
            .order_by("plan__slug", "order")
            .values_list("issue__ref", "text", "due_month", "original_due_month", "completed_on")
        ),
        "leads": list(
            Action.objects.filter(plan__in=plans)
            .order_by("plan__slug", "order", "lead_rows__order")
            .values_list("order", "lead_rows__person__name")
        ),
        "statuses": list(
            ActionStatus.objects.filter(plan__in=plans)
            .order_by("plan__slug", "action__order", "month")
            .values_list("month", "status", "note", "state", "rated_by__username", "rated_at")
        ),
        "ratings": list(
            ImpactRating.objects.filter(plan__in=plans)
            .order_by("plan__slug", "target__order", "month")
            .values_list("month", "rag", "measured_value", "state", "rated_at")
        ),
        "story": list(
            StoryEntry.objects.filter(plan__in=plans)
            .order_by("plan__slug", "issue__ref", "month")
            .values_list("issue__ref", "month", "narrative", "state", "author__username")
        ),
        "history": sorted(
            (str(row.history_date), row.history_type, row.history_user.username)
            for row in ActionStatus.history.filter(plan__in=plans).select_related("history_user")
        ),
    }


def generated_twice(*args):
    signatures = []
    for _ in range(2):
        with transaction.atomic():
            generate(*args)
            signatures.append(signature())
            transaction.set_rollback(True)
    return signatures


def test_the_same_seed_makes_the_same_data():
    first, second = generated_twice("--areas", "1", "--months", "3", "--seed", "7")
    assert first == second
    assert len(first["statuses"]) > 100


def test_another_seed_makes_different_data():
    with transaction.atomic():
        generate("--areas", "1", "--months", "3", "--seed", "7")
        seven = signature()
        transaction.set_rollback(True)
    generate("--areas", "1", "--months", "3", "--seed", "8")
    assert signature()["actions"] != seven["actions"]


def test_an_area_is_darlington_shaped_with_a_rating_for_every_closed_month():
    out = generate("--areas", "2", "--months", "4", "--start-month", "2023-01")
    assert "Created 2 areas x 4 months" in out
    plan = Plan.objects.get(slug="area02-wsoa")
    assert plan.priorities.count() == 2
    assert plan.issues.count() == 16
    assert Action.objects.filter(plan=plan).count() == 45
    assert OutcomeTarget.objects.filter(plan=plan).count() == 70
    assert 1 <= min(a.lead_rows.count() for a in Action.objects.filter(plan=plan)) <= 2
    months = list(ReportingMonth.objects.filter(plan=plan).order_by("month"))
    assert [m.month for m in months] == [dt.date(2023, m, 1) for m in (1, 2, 3, 4)]
    assert [m.status for m in months] == [MonthStatus.CLOSED] * 3 + [MonthStatus.OPEN]
    closed = ActionStatus.objects.filter(plan=plan, month__lt=dt.date(2023, 4, 1))
    assert closed.count() == 45 * 3
    assert not closed.filter(state=EntryState.DRAFT).exists()
    assert ImpactRating.objects.filter(plan=plan, month=dt.date(2023, 3, 1)).count() == 70
    assert StoryEntry.objects.filter(plan=plan, month=dt.date(2023, 3, 1)).count() == 16
    # The open month is part done: some submitted, some drafts, some not started.
    open_rows = ActionStatus.objects.filter(plan=plan, month=dt.date(2023, 4, 1))
    assert 0 < open_rows.count() < 45
    assert open_rows.filter(state=EntryState.DRAFT).exists()
    assert Forum.objects.filter(plan=plan).count() == 3
    assert Meeting.objects.filter(forum__plan=plan).count() == 4 + 1  # monthly + quarterly
    assert Membership.objects.filter(area=plan.area).count() == 10


def test_history_rows_name_a_user_and_fall_in_the_months_they_describe():
    generate("--areas", "1", "--months", "3", "--start-month", "2023-01")
    plan = Plan.objects.get(slug="area01-wsoa")
    for model in apps.get_models():
        if model._meta.app_label in DOMAIN_APPS and hasattr(model, "history"):
            assert not model.history.filter(history_user__isnull=True).exists(), model
    statuses = ActionStatus.history.filter(plan=plan)
    assert statuses.count() > ActionStatus.objects.filter(plan=plan).count()  # drafts first
    for row in statuses:
        assert (row.history_date.year, row.history_date.month) == (row.month.year, row.month.month)
        assert row.history_user.username.startswith("area01-")
    # The month closed early in the next month: as at mid-February, January was closed
    # and February open.
    feb = ReportingMonth.history.filter(plan=plan, month=dt.date(2023, 2, 1)).order_by(
        "history_date"
    )
    assert [r.status for r in feb] == [MonthStatus.OPEN, MonthStatus.CLOSED]
    assert feb[1].history_date.date() == dt.date(2023, 3, 1)


def test_generated_leads_sign_in_with_the_password_given():
    generate("--areas", "1", "--months", "2", "--password", "a long test password 42")
    user = get_user_model().objects.get(username="area01-lead1")
    assert authenticate(username="area01-lead1", password="a long test password 42") == user
    assert user.people.get().lead_rows.exists()


def test_running_again_adds_only_the_new_areas():
    generate("--areas", "1", "--months", "2")
    first_area = ActionStatus.history.filter(plan__slug="area01-wsoa")
    history = first_area.count()
    out = generate("--areas", "2", "--months", "2")
    assert "Already there, left alone: area01" in out
    assert Area.objects.filter(slug__startswith="area").count() == 2
    assert first_area.count() == history
    assert ActionStatus.history.filter(plan__slug="area02-wsoa").exists()


def test_a_dry_run_writes_nothing():
    out = generate("--areas", "1", "--months", "2", "--dry-run")
    assert "Would create 1 areas" in out
    assert not Area.objects.filter(slug="area01").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--areas", "0"], "Enter a number of areas"),
        (["--months", "0"], "Enter a number of months"),
        (["--start-month", "October 2022"], "Enter the start month"),
        (["--start-month", "2099-01"], "in the future"),
        (["--user", "nobody-at-all"], "There is no user called"),
    ],
)
def test_bad_input_is_refused_with_a_plain_message(args, message):
    with pytest.raises(CommandError, match=message):
        generate(*args)


def test_an_areas_people_actions_and_leads_do_not_depend_on_the_months():
    def shape():
        plan = Plan.objects.get(slug="area01-wsoa")
        return (
            list(
                Action.objects.filter(plan=plan)
                .order_by("order", "lead_rows__order")
                .values_list("issue__ref", "text", "is_ongoing", "lead_rows__person__name")
            ),
            list(
                OutcomeTarget.objects.filter(plan=plan)
                .order_by("order")
                .values_list("issue__ref", "text", "action__order", "baseline")
            ),
        )

    with transaction.atomic():
        generate("--areas", "1", "--months", "2", "--start-month", "2023-01")
        short = shape()
        transaction.set_rollback(True)
    generate("--areas", "1", "--months", "7", "--start-month", "2023-01")
    assert shape() == short


def test_each_generated_plan_publishes_a_summary_for_families(client):
    from public.models import SummaryVersion

    call_command("generate_demo_data", "--areas", "2", "--months", "3", stdout=StringIO())
    assert SummaryVersion.objects.published().count() == 2
    plan = Plan.objects.filter(source="generate_demo_data").order_by("slug").first()
    page = client.get(f"/public/{plan.area.slug}/{plan.slug}/")
    assert page.status_code == 200
    assert "We meet families each month" in page.content.decode()


def test_generated_areas_go_into_the_regions_in_turn_with_adviser_logins(db):
    from sendplan.models import AdviserGrant

    call_command("generate_demo_data", "--areas", "2", "--months", "2", stdout=StringIO())
    regions = dict(Area.objects.values_list("slug", "region__name"))
    assert regions == {"area01": "North East", "area02": "North West"}
    grants = {g.user.username: g.region for g in AdviserGrant.objects.select_related("user")}
    assert grants["national-adviser"] is None
    assert grants["north-east-adviser"].name == "North East"
    assert len(grants) == 10  # national, and one for each of the nine regions


def test_a_national_adviser_sees_all_153_generated_areas_and_a_regional_adviser_only_theirs(
    client,
):
    import csv
    import io

    call_command("generate_demo_data", "--areas", "153", "--months", "1", stdout=StringIO())
    users = get_user_model().objects
    client.force_login(users.get(username="national-adviser"))
    page = client.get("/advisers/areas/")
    assert "153 plans shown." in page.content.decode()
    assert client.post("/advisers/areas/").status_code == 405  # read only

    client.force_login(users.get(username="north-east-adviser"))
    rows = list(csv.DictReader(io.StringIO(client.get("/advisers/areas.csv").content.decode())))
    assert len(rows) == Area.objects.filter(region__name="North East").count() == 17
    assert {row["Region"] for row in rows} == {"North East"}

    client.force_login(users.get(username="area01-lead1"))
    assert client.get("/advisers/areas/").status_code == 404
