"""Demo data for a fresh installation: the two seeded plans, logins for every role, and
clearly-marked EXAMPLE monthly updates for Darlington, so pages have something to show.

Every example row is marked: BRAGG statuses, RAG impact ratings and story so far entries
carry ``is_example=True``, their notes and narratives begin "Example", and meetings say
"Example data" in their notes. The transcribed plan itself is never changed, except that
actions shown as Blue get the completion date Blue requires (``check_bragg_rules``).

Everything is drawn from ``random.Random(2023)`` in a fixed order before anything is
written, and each row is written only where it is missing, so a second run writes nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from actions.models import Action, ActionStatus, EntryState, StoryEntry, check_bragg_rules
from governance.models import Forum, Meeting
from outcomes.models import Direction, ImpactRating, OutcomeTarget
from sendplan.models import Area, Membership, MonthStatus, Person, Plan, ReportingMonth, Role
from sendplan.months import add_months
from sendplan.ratings import BRAGG, RAG

from .plan_fixture import month_end_noon, seed_plan_fixture
from .writer import HistoryWriter

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
DARLINGTON_FIXTURE = FIXTURES_DIR / "darlington-wsoa-2023.json"
DURHAM_FIXTURE = FIXTURES_DIR / "durham-lap-2024.json"
DARLINGTON_PLAN = "darlington-wsoa-2023"

DEMO_PASSWORD = "sendplan-demo-2023"  # noqa: S105 - printed for the demo on purpose


@dataclass(frozen=True)
class DemoAccount:
    username: str
    roles: tuple[tuple[str, str], ...]  # (area slug, role)
    person: str = ""  # the Person (in the first area) this login belongs to
    name: str = ""  # the name of a login that is no Person of the plan
    is_admin: bool = False
    label: str = ""


DEMO_ACCOUNTS = (
    DemoAccount("darlington-lead", (("darlington", Role.SEND_LEAD),), person="Jo Littler"),
    DemoAccount("darlington-lead2", (("darlington", Role.SEND_LEAD),), person="Tony Murphy"),
    DemoAccount("darlington-pm", (("darlington", Role.PROGRAMME_MANAGER),), person="David Watson"),
    DemoAccount("darlington-sig", (("darlington", Role.IMPLEMENTATION_GROUP),), name="Priya Shah"),
    DemoAccount("darlington-sae", (("darlington", Role.ASSURANCE_EXECUTIVE),), name="Sam Okafor"),
    DemoAccount("darlington-viewer", (("darlington", Role.VIEWER),), name="Morgan Ellis"),
    DemoAccount("durham-pm", (("durham", Role.PROGRAMME_MANAGER),), name="Ruth Hardy"),
    DemoAccount("durham-viewer", (("durham", Role.VIEWER),), name="Owen Price"),
    # Leads actions in one area and only reads the other: roles are per area. Linked to
    # Paul Richardson, who leads six Darlington actions no other login leads.
    DemoAccount(
        "multi-area",
        (("darlington", Role.SEND_LEAD), ("durham", Role.VIEWER)),
        person="Paul Richardson",
    ),
    DemoAccount(
        "admin", (), is_admin=True, label="Site administrator (all areas)", name="Robin Clarke"
    ),
)


CLOSED_MONTHS = tuple(add_months(dt.date(2022, 10, 1), n) for n in range(7))  # Oct-Apr
OPEN_MONTH = dt.date(2023, 5, 1)
OPEN_MONTH_DEADLINE = dt.date(2023, 5, 25)
EXAMPLE_STORY_MONTHS = (dt.date(2023, 1, 1), dt.date(2023, 2, 1), dt.date(2023, 3, 1))
EXAMPLE_STORY_ISSUES = ("1.2", "1.3", "1.9", "2.4")
OPEN_MONTH_DRAFT_STORY_ISSUES = ("1.2", "2.4")

AMBER_NOTES = (
    "Example data: on track, but capacity in the team is stretched this month.",
    "Example data: on track; waiting for partners to confirm their part.",
    "Example data: a planning meeting slipped; still expected by the due date.",
    "Example data: on track, but this month's data arrived late.",
)
RED_NOTES = (
    "Example data: recruitment to a key post is paused, so the work has stopped.",
    "Example data: partners have not agreed the approach; escalated to the Assurance Executive.",
    "Example data: the supplier has delayed delivery by three months.",
)
LATE_NOTE = "Example data: past its due date of {due}; a revised date goes to the SEND "
LATE_NOTE += "Implementation Group."
STORY_SENTENCES = (
    "Partners met this month and agreed the next steps; the lead will report back to the "
    "SEND Implementation Group.",
    "Work continues as planned. Feedback from the Parent Carer Forum has been taken into account.",
    "Progress was slower this month because of staff absence; no change to the due dates "
    "is expected.",
    "A task and finish group has drafted proposals, to be shared with families for comment "
    "next month.",
)


@dataclass
class PartResult:
    name: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def system_user():
    """The account commands act as when no user is named (see ``User.objects``)."""
    return get_user_model().objects.system_user()


def seed_demo(*, user) -> list[PartResult]:
    """Load both plans and add the demo logins and example data; safe to run twice."""
    results = []
    for name, path in (("Darlington plan", DARLINGTON_FIXTURE), ("Durham plan", DURHAM_FIXTURE)):
        loaded = seed_plan_fixture(path, user=user)
        results.append(PartResult(name, loaded.counts))

    plan = Plan.objects.get(slug=DARLINGTON_PLAN)
    results.append(_accounts(user))
    results.append(_reporting_months(user, plan))
    statuses, ratings = _example_ratings(user, plan)
    results += [statuses, ratings]
    results.append(_example_stories(user, plan))
    results.append(_example_meetings(user, plan))
    return results


def _at_nine(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def _accounts(user) -> PartResult:
    writer = HistoryWriter(user, at=_at_nine(CLOSED_MONTHS[0]))
    User = get_user_model()
    for account in DEMO_ACCOUNTS:
        login = User.objects.filter(username=account.username).first()
        if login is None:
            # Every login carries a name (a linked person's), so ratings, stories and
            # reports say who wrote them ("Jo Littler", not "darlington-lead").
            first, _, last = (account.person or account.name).partition(" ")
            login = User(
                username=account.username,
                first_name=first,
                last_name=last,
                email=f"{account.username}@example.org",
                is_staff=account.is_admin,
                is_superuser=account.is_admin,
            )
            login.set_password(DEMO_PASSWORD)
            writer.save(login)
        for area_slug, role in account.roles:
            area = Area.objects.get(slug=area_slug)
            if not Membership.objects.filter(user=login, area=area, role=role).exists():
                writer.save(Membership(user=login, area=area, role=role))
        if account.person:
            area = Area.objects.get(slug=account.roles[0][0])
            person = Person.objects.get(area=area, name=account.person)
            if person.user_id is None:
                person.user = login
                writer.save(person)
    return PartResult("Demo logins", writer.counts)


def _reporting_months(user, plan: Plan) -> PartResult:
    writer = HistoryWriter(user)
    existing = set(ReportingMonth.objects.filter(plan=plan).values_list("month", flat=True))
    # Closed months first: a plan may have only one open month at a time.
    for month in (*CLOSED_MONTHS, OPEN_MONTH):
        if month in existing:
            continue
        is_open = month == OPEN_MONTH
        writer.save(
            ReportingMonth(
                plan=plan,
                month=month,
                status=MonthStatus.OPEN if is_open else MonthStatus.CLOSED,
                deadline=OPEN_MONTH_DEADLINE if is_open else month.replace(day=25),
            ),
            at=_at_nine(month),
        )
    return PartResult("Reporting months", writer.counts)


def _rated_at(month: dt.date, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(month.year, month.month, day, 10, 30))


def _raters(plan: Plan) -> tuple[dict[int, object], object]:
    """Who rates what: each linked person's login, and the programme manager otherwise."""
    by_person = {p.pk: p.user for p in Person.objects.filter(area=plan.area, user__isnull=False)}
    manager = get_user_model().objects.get(username="darlington-pm")
    return by_person, manager


def _action_rater(action: Action, by_person, manager):
    for lead in action.lead_rows.all():
        if lead.person_id in by_person:
            return by_person[lead.person_id]
    return manager


def _open_month_state(roll: float) -> str | None:
    """In the open month some updates are in, some are drafts, some are still missing."""
    if roll < 0.5:
        return EntryState.SUBMITTED
    if roll < 0.75:
        return EntryState.DRAFT
    return None


def _example_ratings(user, plan: Plan) -> tuple[PartResult, PartResult]:
    rng = random.Random(2023)  # noqa: S311 - repeatable example data, not secrets
    by_person, manager = _raters(plan)
    statuses = HistoryWriter(user)
    ratings = HistoryWriter(user)
    actions = list(
        Action.objects.filter(plan=plan)
        .select_related("issue")
        .prefetch_related("lead_rows")
        .order_by("issue__order", "order", "pk")
    )
    have_status = set(ActionStatus.objects.filter(plan=plan).values_list("action_id", "month"))
    last_closed = CLOSED_MONTHS[-1]

    for action in actions:
        # Every draw happens whatever is already in the database, so the same example
        # data comes out on every run and a second run finds it all in place.
        completes = rng.random() < 0.65
        completion_lag = rng.choice((0, 0, 1, 2))
        completion_day = rng.randint(3, 14)
        start_offset = rng.choice((0, 1, 1, 2, 3))
        open_roll = rng.random()
        monthly = [(rng.random(), rng.randrange(12), rng.randint(16, 24)) for _ in CLOSED_MONTHS]
        open_draw = (rng.random(), rng.randrange(12), rng.randint(8, 19))

        due = action.due_month
        completed_on = None
        if completes and due and not action.is_ongoing:
            month_done = add_months(due, completion_lag)
            if month_done <= last_closed:
                completed_on = month_done.replace(day=completion_day)
        if completed_on and action.completed_on is None:
            action.completed_on = completed_on
            statuses.save(action, at=_at_nine(completed_on))
        completed_on = action.completed_on

        start = add_months(CLOSED_MONTHS[0], start_offset)
        if due:
            start = min(start, add_months(due, -1))
        rater = _action_rater(action, by_person, manager)
        months = [
            (m, draw, EntryState.SUBMITTED) for m, draw in zip(CLOSED_MONTHS, monthly, strict=True)
        ]
        open_state = _open_month_state(open_roll)
        months.append((OPEN_MONTH, open_draw, open_state))
        before = (None, "")
        for month, (roll, pick, day), state in months:
            status, note = _bragg_for(action, month, start, completed_on, roll, pick)
            carried = month == OPEN_MONTH and before[0] == BRAGG.BLUE
            if carried:
                # A completed action carries itself into the month when it opens, as
                # progress.carry does when the programme manager opens a month.
                status, note, state = (*before, EntryState.SUBMITTED)
            before = (status, note)
            if state is None or (action.pk, month) in have_status:
                continue
            check_bragg_rules(status, note, completed_on)
            at = _at_nine(month) if carried else _rated_at(month, day)
            statuses.save(
                ActionStatus(
                    plan=plan,
                    action=action,
                    month=month,
                    status=status,
                    note=note,
                    state=state,
                    rated_by=manager if carried else rater,
                    rated_at=at,
                    is_example=True,
                    carried_forward=carried,
                ),
                at=at,
            )

    targets = list(
        OutcomeTarget.objects.filter(plan=plan)
        .select_related("action")
        .prefetch_related("action__lead_rows")
        .order_by("issue__order", "order", "pk")
    )
    have_rating = set(ImpactRating.objects.filter(plan=plan).values_list("target_id", "month"))
    for target in targets:
        quality = rng.random()
        open_roll = rng.random()
        monthly = [(rng.random(), rng.random(), rng.randint(16, 24)) for _ in CLOSED_MONTHS]
        open_draw = (rng.random(), rng.random(), rng.randint(8, 19))
        rater = _action_rater(target.action, by_person, manager) if target.action else manager
        months = [
            (m, draw, EntryState.SUBMITTED) for m, draw in zip(CLOSED_MONTHS, monthly, strict=True)
        ]
        open_state = _open_month_state(open_roll)
        if open_state:
            months.append((OPEN_MONTH, open_draw, open_state))
        for index, (month, (roll, spread, day), state) in enumerate(months):
            rag, note = _rag_for(target, month, index, quality, roll)
            if (target.pk, month) in have_rating:
                continue
            ratings.save(
                ImpactRating(
                    plan=plan,
                    target=target,
                    month=month,
                    rag=rag,
                    measured_value=_measured(target, month, index, spread),
                    note=note,
                    state=state,
                    rated_by=rater,
                    rated_at=_rated_at(month, day),
                    is_example=True,
                ),
                at=_rated_at(month, day),
            )
    return (
        PartResult("Example BRAGG statuses", statuses.counts),
        PartResult("Example RAG impact ratings", ratings.counts),
    )


def _bragg_for(action, month, start, completed_on, roll, pick) -> tuple[str, str]:
    if completed_on and month >= completed_on.replace(day=1):
        return BRAGG.BLUE, f"Example data: completed on {completed_on:%d %B %Y}."
    if month < start:
        return BRAGG.GREY, ""
    if action.due_month and not action.is_ongoing and month > action.due_month:
        status = BRAGG.RED if roll < 0.3 else BRAGG.AMBER
        return status, LATE_NOTE.format(due=action.due_as_written or f"{action.due_month:%b %Y}")
    if roll < 0.72:
        return BRAGG.GREEN, ""
    if roll < 0.93:
        return BRAGG.AMBER, AMBER_NOTES[pick % len(AMBER_NOTES)]
    return BRAGG.RED, RED_NOTES[pick % len(RED_NOTES)]


def _rag_for(target, month, index, quality, roll) -> tuple[str, str]:
    if month < dt.date(2022, 12, 1):
        return RAG.AMBER, "Example data: impact not yet measured."
    if target.target_month and month > target.target_month:
        if quality > 0.5:
            return RAG.GREEN, "Example data: target date passed; impact shown in the data."
        if quality > 0.25:
            return RAG.AMBER, "Example data: target date passed; impact still being measured."
        return RAG.RED, "Example data: target date passed without the impact being measured."
    # Impact shows slowly: the chance of Green grows month by month.
    if roll < 0.05 * index + 0.35 * quality:
        return RAG.GREEN, "Example data: early signs of positive impact."
    if roll < 0.93:
        return RAG.AMBER, "Example data: impact being measured; no change yet."
    return RAG.RED, "Example data: figures moved the wrong way this month."


def _measured(target, month, index, spread) -> Decimal | None:
    """A made-up measured figure for quantified targets, moving towards the target."""
    if target.target_value is None or month < dt.date(2023, 1, 1):
        return None
    progress = min(1.0, 0.45 + 0.09 * index + 0.1 * spread)
    value = float(target.target_value)
    if target.direction == Direction.DECREASE:
        figure = value * (1.8 - 0.8 * progress)
    else:
        figure = value * progress
    return Decimal(str(round(figure)))


def _example_stories(user, plan: Plan) -> PartResult:
    rng = random.Random(2023 * 7)  # noqa: S311 - repeatable example data
    writer = HistoryWriter(user)
    by_person, manager = _raters(plan)
    have = set(
        StoryEntry.objects.filter(plan=plan, issue__isnull=False).values_list("issue_id", "month")
    )
    issues = {i.ref: i for i in plan.issues.prefetch_related("actions__lead_rows")}
    wanted = [
        (ref, m, EntryState.SUBMITTED) for ref in EXAMPLE_STORY_ISSUES for m in EXAMPLE_STORY_MONTHS
    ]
    wanted += [(ref, OPEN_MONTH, EntryState.DRAFT) for ref in OPEN_MONTH_DRAFT_STORY_ISSUES]
    for ref, month, state in wanted:
        sentence = STORY_SENTENCES[rng.randrange(len(STORY_SENTENCES))]
        issue = issues[ref]
        # Never add an example beside a month the plan itself reports.
        if (issue.pk, month) in have:
            continue
        first_action = min(issue.actions.all(), key=lambda a: a.order, default=None)
        author = _action_rater(first_action, by_person, manager) if first_action else manager
        written_at = month_end_noon(month) if month != OPEN_MONTH else _rated_at(month, 12)
        writer.save(
            StoryEntry(
                plan=plan,
                issue=issue,
                month=month,
                date_as_written=f"{month:%B %Y}",
                narrative=(
                    "<p>Example update: this is example data added by seed_demo, not part "
                    f"of the plan. {sentence}</p>"
                ),
                state=state,
                author=author,
                written_at=written_at,
                is_example=True,
            ),
            at=written_at,
        )
    return PartResult("Example story so far", writer.counts)


def _mid_month_weekday(month: dt.date) -> dt.date:
    day = month.replace(day=15)
    while day.weekday() >= 5:  # Saturday or Sunday: the next Monday
        day += dt.timedelta(days=1)
    return day


def _month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _example_meetings(user, plan: Plan) -> PartResult:
    writer = HistoryWriter(user)
    forums = {f.slug: f for f in Forum.objects.filter(area=plan.area)}
    note = "Example data: not a real meeting; added by seed_demo to show the monitoring cycle."
    wanted = []
    # SEND Implementation Group: monthly, reviewing the month before.
    for n in range(7):  # Nov 2022 to May 2023
        month = add_months(dt.date(2022, 11, 1), n)
        reviewed = add_months(month, -1)
        wanted.append(("send-implementation-group", month, reviewed, _month_end(reviewed)))
    # SEND Assurance Executive: quarterly, reviewing the quarter before.
    for month in (dt.date(2023, 1, 1), dt.date(2023, 4, 1)):
        wanted.append(
            (
                "send-assurance-executive",
                month,
                add_months(month, -3),
                _month_end(add_months(month, -1)),
            )
        )
    # Health and Wellbeing Board: annually, reviewing the year to the end of May.
    wanted.append(
        (
            "health-and-wellbeing-board",
            dt.date(2023, 6, 1),
            dt.date(2022, 6, 1),
            dt.date(2023, 5, 31),
        )
    )
    for slug, month, period_start, period_end in wanted:
        forum = forums[slug]
        scheduled = _mid_month_weekday(month)
        if Meeting.objects.filter(forum=forum, scheduled_for=scheduled).exists():
            continue
        writer.save(
            Meeting(
                forum=forum,
                scheduled_for=scheduled,
                # Meetings before the open month have happened; later ones are to come.
                held_on=scheduled if month < OPEN_MONTH else None,
                period_start=period_start,
                period_end=period_end,
                notes=note,
            ),
            at=_at_nine(scheduled - dt.timedelta(days=14)),
        )
    return PartResult("Example meetings", writer.counts)
