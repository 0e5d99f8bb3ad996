"""Demo data for a fresh installation: the two seeded plans, logins for every role, and
clearly-marked EXAMPLE monthly updates for both plans, so pages have something to show.

Every example row is marked: BRAGG statuses, RAG impact ratings and story so far entries
carry ``is_example=True``, their notes and narratives begin "Example", and meetings say
"Example data" in their notes. The transcribed plans themselves are never changed, except
that actions shown as Blue get the completion date Blue requires (``check_bragg_rules``)
and that Durham's plan, which lists no actions or targets, gets example ones marked
"Example" (``demo.seeding.durham``) for its example months to rate.

Each plan's ratings are drawn from its own ``random.Random`` with a fixed seed (Darlington's
2023) in a fixed order whatever is in the database, and each row is written only where it
is missing, so a second run writes nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from actions.models import EntryState
from governance.models import Forum, Meeting
from outcomes.models import OutcomeTarget, TargetChangeRequest
from outcomes.services import propose_target_change
from sendplan.models import AdviserGrant, Area, Membership, Person, Plan, Region, Role
from sendplan.months import add_months

from .durham import DURHAM_MANAGER, DURHAM_PLAN, durham_stories, example_work
from .evidence import seed_example_evidence
from .examples import Raters, example_action_statuses, example_impact_ratings, example_stories
from .months import CLOSED_MONTHS, OPEN_MONTH, at_nine, reporting_months
from .plan_fixture import seed_plan_fixture
from .public_summary import seed_public_summary
from .writer import HistoryWriter, PartResult

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
    organisation: str = ""  # a partner reviewer's, printed beside their sign-off
    # An adviser: the region they advise on, or NATIONAL for every region.
    adviser_for: str = ""


NATIONAL = "national"
# The seeded areas' region.
DEMO_AREA_REGIONS = {"darlington": "North East", "durham": "North East"}


DEMO_ACCOUNTS = (
    DemoAccount("darlington-lead", (("darlington", Role.SEND_LEAD),), person="Jo Littler"),
    DemoAccount("darlington-lead2", (("darlington", Role.SEND_LEAD),), person="Tony Murphy"),
    DemoAccount("darlington-pm", (("darlington", Role.PROGRAMME_MANAGER),), person="David Watson"),
    DemoAccount("darlington-sig", (("darlington", Role.IMPLEMENTATION_GROUP),), name="Priya Shah"),
    DemoAccount("darlington-sae", (("darlington", Role.ASSURANCE_EXECUTIVE),), name="Sam Okafor"),
    DemoAccount("darlington-viewer", (("darlington", Role.VIEWER),), name="Morgan Ellis"),
    DemoAccount(
        "darlington-pcf",
        (("darlington", Role.PARTNER_REVIEWER),),
        name="Alex Morgan",
        organisation="Darlington Parent Carer Forum (example)",
    ),
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
        "north-east-adviser",
        (),
        name="Alex Morgan",
        label="Adviser (read only), North East",
        adviser_for="North East",
    ),
    DemoAccount(
        "national-adviser",
        (),
        name="Jamie Clarke",
        label="Adviser (read only), national",
        adviser_for=NATIONAL,
    ),
    DemoAccount(
        "admin", (), is_admin=True, label="Site administrator (all areas)", name="Robin Clarke"
    ),
)


EXAMPLE_STORY_MONTHS = (dt.date(2023, 1, 1), dt.date(2023, 2, 1), dt.date(2023, 3, 1))
EXAMPLE_STORY_ISSUES = ("1.2", "1.3", "1.9", "2.4")
OPEN_MONTH_DRAFT_STORY_ISSUES = ("1.2", "2.4")


def seed_demo(*, user) -> list[PartResult]:
    """Load both plans and add the demo logins and example data; safe to run twice."""
    results = []
    for name, path in (("Darlington plan", DARLINGTON_FIXTURE), ("Durham plan", DURHAM_FIXTURE)):
        loaded = seed_plan_fixture(path, user=user)
        results.append(PartResult(name, loaded.counts))
    results.append(_regions(user))
    results.append(_accounts(user))

    plan = Plan.objects.get(slug=DARLINGTON_PLAN)
    issues = {i.ref: i for i in plan.issues.prefetch_related("actions__lead_rows")}
    stories = [
        (issues[ref], None, month, EntryState.SUBMITTED)
        for ref in EXAMPLE_STORY_ISSUES
        for month in EXAMPLE_STORY_MONTHS
    ]
    stories += [
        (issues[ref], None, OPEN_MONTH, EntryState.DRAFT) for ref in OPEN_MONTH_DRAFT_STORY_ISSUES
    ]
    results += example_months(user, plan, "Darlington", "darlington-pm", 2023, stories)
    results.append(_example_meetings(user, plan))
    results.append(_example_change_request(plan))
    results.append(seed_public_summary(plan, user=user))
    results.append(seed_example_evidence(plan, manager="darlington-pm"))

    plan = Plan.objects.get(slug=DURHAM_PLAN)
    work = HistoryWriter(user, at=at_nine(CLOSED_MONTHS[0]))
    example_work(work, plan)
    results.append(PartResult("Durham example issues, actions and targets", work.counts))
    stories = durham_stories(plan, EXAMPLE_STORY_MONTHS)
    results += example_months(user, plan, "Durham", DURHAM_MANAGER, 2024, stories)
    return results


def example_months(
    user, plan: Plan, label: str, manager: str, seed: int, stories
) -> list[PartResult]:
    """The reporting months and example ratings and story so far of one plan, its ratings
    drawn from ``random.Random(seed)`` and its stories from ``random.Random(seed * 7)``."""
    months, statuses, ratings, story = (HistoryWriter(user) for _ in range(4))
    reporting_months(months, plan)
    raters = Raters.of(plan, manager)
    rng = random.Random(seed)  # noqa: S311 - repeatable example data, not secrets
    example_action_statuses(statuses, plan, rng, raters)
    example_impact_ratings(ratings, plan, rng, raters)
    example_stories(story, plan, stories, random.Random(seed * 7), raters)  # noqa: S311
    return [
        PartResult(f"{label} reporting months", months.counts),
        PartResult(f"{label} example BRAGG statuses", statuses.counts),
        PartResult(f"{label} example RAG impact ratings", ratings.counts),
        PartResult(f"{label} example story so far", story.counts),
    ]


def where_to_start(url: str) -> str:
    """Where a newcomer opens the demo and the login to try first (the first listed)."""
    account = DEMO_ACCOUNTS[0]
    area, role = account.roles[0]
    return (
        f"Open {url} and sign in as {account.username} with password {DEMO_PASSWORD}: "
        f"{account.person}, {Role(role).label} in {area.title()}."
    )


def _accounts(user) -> PartResult:
    writer = HistoryWriter(user, at=at_nine(CLOSED_MONTHS[0]))
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
                writer.save(
                    Membership(user=login, area=area, role=role, organisation=account.organisation)
                )
        if account.adviser_for:
            region = None
            if account.adviser_for != NATIONAL:
                region = Region.objects.get(name=account.adviser_for)
            if not AdviserGrant.objects.filter(user=login, region=region).exists():
                writer.save(AdviserGrant(user=login, region=region))
        if account.person:
            area = Area.objects.get(slug=account.roles[0][0])
            person = Person.objects.get(area=area, name=account.person)
            if person.user_id is None:
                person.user = login
                writer.save(person)
    return PartResult("Demo logins", writer.counts)


def _regions(user) -> PartResult:
    """Darlington and Durham in the North East (the migration made the nine regions)."""
    writer = HistoryWriter(user, at=at_nine(CLOSED_MONTHS[0]))
    for slug, name in DEMO_AREA_REGIONS.items():
        area = Area.objects.get(slug=slug)
        region = Region.objects.filter(name=name).first()
        if region is None:  # a database emptied since its migrations ran
            region = writer.save(Region(name=name))
        if area.region_id != region.id:
            area.region = region
            writer.save(area)
    return PartResult("Demo areas' regions", writer.counts)


def _mid_month_weekday(month: dt.date) -> dt.date:
    day = month.replace(day=15)
    while day.weekday() >= 5:  # Saturday or Sunday: the next Monday
        day += dt.timedelta(days=1)
    return day


def _month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _example_change_request(plan: Plan) -> PartResult:
    """One change to an outcome target, asked for by the lead and waiting for the
    programme manager or the assurance executive (issue 19), so a newcomer sees the flow."""
    done = PartResult("Darlington example target change request")
    if TargetChangeRequest.objects.filter(plan=plan, is_example=True).exists():
        return done
    lead = get_user_model().objects.get(username="darlington-lead")
    target = (
        OutcomeTarget.objects.filter(plan=plan, target_month__isnull=False)
        .order_by("issue__order", "order", "pk")
        .first()
    )
    if target is None:
        return done
    propose_target_change(
        target=target,
        user=lead,
        reason="Example data: the survey that measures this moves to the spring term, so "
        "the first results come six months later.",
        effective_month=OPEN_MONTH,
        target_month=add_months(target.target_month, 6),
        is_example=True,
    )
    done.counts["outcome target change requests"] += 1
    return done


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
            at=at_nine(scheduled - dt.timedelta(days=14)),
        )
    return PartResult("Darlington example meetings", writer.counts)
