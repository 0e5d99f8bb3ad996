"""Synthetic areas for scale tests and benchmarks (``manage.py generate_demo_data``).

Each area gets a Darlington-shaped plan: two priorities, sixteen issues to be addressed,
about 45 actions with one or two leads and about 70 outcome targets, a BRAGG status for
every action and a RAG impact rating for every target in every month, a story so far entry
for every issue in every month, reporting months (the last one open), three forums with
members and their meetings, and logins for every role (``area07-lead1``, ``area07-pm``...).

Everything comes from ``random.Random(seed)`` drawn in a fixed order, and every date from
the months, never from the clock, so the same arguments make the same rows. The audit
history is realistic: each row's history is dated in the month it describes and names the
user who would have written it; a quarter of the ratings were saved as a draft first; some
actions slipped (their due month revised) and many were completed, each a dated change.

Speed matters (50 areas x 36 months in minutes), so rows are written with simple-history's
``bulk_create_with_history`` and ``bulk_update_with_history``: they write the history rows
themselves, with a user and a change reason, so nothing here bypasses the audit trail.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actions.models import Action, ActionLead, ActionStatus, EntryState, StoryEntry
from governance.models import Cadence, Forum, ForumMember, Meeting
from outcomes.models import Direction, ImpactRating, OutcomeTarget
from sendplan.models import (
    Area,
    Finding,
    FindingKind,
    Issue,
    IssueStrategyLink,
    Membership,
    MonthStatus,
    Person,
    Plan,
    PlanKind,
    Priority,
    ReportingMonth,
    Role,
    StrategyLink,
)
from sendplan.months import add_months
from sendplan.ratings import BRAGG, RAG

CHANGE_REASON = "generated"
BATCH = 500
DEFAULT_START = dt.date(2022, 10, 1)  # Darlington's first reporting month
LEAD_LOGINS = 6
PEOPLE_PER_AREA = 24
LEAD_PEOPLE = 10
ISSUES_PER_PRIORITY = (12, 4)
ACTIONS_PER_AREA = 45
TARGETS_PER_AREA = 70

# --- Words ------------------------------------------------------------------------------

FIRST_NAMES = """
Aisha Alex Amira Ben Carla Chloe Daniel David Elaine Emma Fatima Gareth Hannah Imran Jack
James Jo Karen Liam Lucy Mark Nadia Olivia Paul Priya Rachel Sam Sarah Tom Zoe
""".split()  # noqa: SIM905 - a list of names reads better as prose
LAST_NAMES = """
Ahmed Atkinson Bell Brown Clarke Davies Evans Foster Green Hall Hughes Jackson Khan Lewis
Littler Murphy Patel Robson Scaife Shields Sinclair Taylor Walker Watson Wood
""".split()  # noqa: SIM905 - a list of names reads better as prose
JOB_TITLES = (
    "SEND lead",
    "Head of SEND",
    "Designated Clinical Officer",
    "Principal Educational Psychologist",
    "Inclusion manager",
    "Commissioning manager",
    "Head of early help",
    "Transitions lead",
    "SENCO network lead",
    "Data and performance lead",
)
ORGANISATIONS = (
    "Borough Council",
    "Integrated Care Board",
    "NHS Foundation Trust",
    "Parent Carers Forum",
    "Schools partnership",
)
PRIORITY_TITLES = (
    "The effectiveness of meeting the needs of children and young people with SEND and "
    "the impact of this on their outcomes",
    "The effectiveness of joint working between education, health and care",
)
ISSUE_THEMES = (
    "Information shared across agencies without families having to retell their story",
    "Timeliness and quality of education, health and care plans",
    "Responsiveness of services to changing needs",
    "Waiting times for neurodevelopmental assessment",
    "Access to speech and language therapy",
    "Inclusion in mainstream schools",
    "Preparing for adulthood and transitions",
    "Co-production with parent carers",
    "The quality of the Local Offer",
    "Early identification in the early years",
    "Reducing suspensions and exclusions",
    "Attendance of children with SEND",
    "Joint commissioning of therapies",
    "Annual reviews completed on time",
    "Workforce training and confidence",
    "Using data to understand need",
)
ACTION_VERBS = (
    "Develop",
    "Implement",
    "Review",
    "Embed",
    "Launch",
    "Co-produce",
    "Audit",
    "Deliver training on",
    "Publish",
    "Commission",
    "Establish",
    "Refresh",
)
ACTION_OBJECTS = (
    "the graduated approach toolkit",
    "a multi-agency quality assurance framework for EHC plans",
    "the Local Offer website",
    "transition pathways for young people aged 14 to 25",
    "a SEND data dashboard",
    "joint commissioning arrangements for therapies",
    "the neurodevelopmental assessment pathway",
    "the SENCO network programme",
    "the annual review process",
    "the preparing for adulthood strategy",
    "a co-production charter with the parent carer forum",
    "the early help offer for families",
    "inclusion support in mainstream schools",
    "a recovery plan for speech and language therapy waiting lists",
    "weekly tracking of EHC needs assessment timeliness",
)
ACTION_QUALIFIERS = (
    "with parent carers",
    "across education, health and care",
    "in every secondary school",
    "for children in the early years",
    "with the designated clinical officer",
    "through the SEND partnership board",
    "",
)
TARGET_TEMPLATES = (
    # text, unit, baseline range, target, direction
    ("EHC plans issued within 20 weeks", "%", (30, 60), 80, Direction.INCREASE),
    ("Parents who say the process was effective", "%", (40, 70), 90, Direction.INCREASE),
    ("Weeks waited for a neurodevelopmental assessment", "weeks", (40, 80), 18, Direction.DECREASE),
    ("Annual reviews completed on time", "%", (35, 65), 85, Direction.INCREASE),
    ("Suspensions of pupils with an EHC plan", "cases", (80, 140), 60, Direction.DECREASE),
    (
        "Young people with SEND in education, employment or training",
        "%",
        (70, 85),
        90,
        Direction.INCREASE,
    ),
    ("Settings trained in the graduated approach", "settings", (5, 20), 60, Direction.INCREASE),
    (
        "Visits to the Local Offer website each month",
        "visits",
        (800, 1500),
        3000,
        Direction.INCREASE,
    ),
    (
        "Children waiting more than 18 weeks for therapy",
        "children",
        (150, 250),
        50,
        Direction.DECREASE,
    ),
    ("Attendance of pupils with SEND support", "%", (88, 91), 92, Direction.MAINTAIN),
)
UNQUANTIFIED_TARGETS = (
    "Audit of practice shows effective transfer of information and a tell-it-once approach",
    "Families report that their views shape the services they receive",
    "Case file audits rate most plans good or better",
    "Partners use the dashboard to plan services",
    "Young people describe a clear pathway into adult services",
)
STORY_SENTENCES = (
    "The working group met twice this month and agreed the next steps.",
    "Parent carers tested the draft and their comments have been built in.",
    "Figures for the month show steady improvement against the baseline.",
    "Recruitment to the vacant post has delayed part of this work.",
    "Training sessions were well attended, with positive feedback from schools.",
    "A risk remains around capacity in the therapy service over the summer.",
    "The new process went live and early audits are encouraging.",
    "Health and education colleagues have agreed a shared data set.",
    "Progress was reported to the SEND Implementation Group.",
    "Further work is needed to hear the voice of children and young people.",
)
NOTES = {
    BRAGG.RED: (
        "Capacity in the team has stalled this work; a recovery plan is being agreed.",
        "The funding decision is still awaited, so delivery cannot start.",
    ),
    BRAGG.AMBER: (
        "On track overall, but recruitment delays are a concern.",
        "Some partners have not yet signed up; chasing through the board.",
        "Data quality issues slow progress; a fix is planned next month.",
    ),
}
FORUMS = (
    # name, slug, level, cadence, members
    ("SEND Implementation Group", "send-implementation-group", "Operational", Cadence.MONTHLY, 12),
    (
        "SEND Assurance Executive",
        "send-assurance-executive",
        "Strategic Assurance",
        Cadence.QUARTERLY,
        9,
    ),
    ("Health and Wellbeing Board", "health-and-wellbeing-board", "Statutory", Cadence.ANNUALLY, 6),
)
CADENCE_MONTHS = {Cadence.MONTHLY: 1, Cadence.QUARTERLY: 3, Cadence.ANNUALLY: 12}
STRATEGY_LINKS = (
    "EHCP",
    "Inclusion",
    "Joint Commissioning",
    "Local Offer",
    "Preparing for Adulthood",
)


# --- Dates ------------------------------------------------------------------------------


def at(month: dt.date, day: int, hour: int = 12) -> dt.datetime:
    """A moment in ``month`` (UTC), for history dates and "rated at" times."""
    return dt.datetime(month.year, month.month, min(day, 28), hour, tzinfo=dt.UTC)


def area_slug(number: int) -> str:
    return f"area{number:02d}"


# --- The generator ----------------------------------------------------------------------


@dataclass
class Result:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def system_user():
    """The account commands act as when no user is named (see ``User.objects``)."""
    return get_user_model().objects.system_user()


def generate_areas(
    *,
    areas: int,
    months: int,
    seed: int,
    password: str,
    user,
    start: dt.date = DEFAULT_START,
    first: int = 1,
    progress=None,
) -> Result:
    """Create areas ``first`` .. ``first + areas - 1`` that do not exist yet.

    Area n is drawn from ``Random(f"{seed}-{n}")``, so it is the same whichever other
    areas a run makes, and a second run (or a run with more areas) adds only what is
    missing. Each area is written in its own transaction.
    """
    result = Result()
    # One hash for every generated login: hashing is deliberately slow (hundreds of
    # milliseconds), and these are throwaway accounts sharing one known password.
    password_hash = make_password(password, salt=f"generated{seed}")
    for number in range(first, first + areas):
        slug = area_slug(number)
        if Area.objects.filter(slug=slug).exists():
            result.skipped.append(slug)
            continue
        with transaction.atomic():
            counts = _AreaWriter(
                number=number,
                months=months,
                # Two streams: the plan's shape (people, actions, leads, targets) does not
                # depend on the number of months, so area 1 has the same leads and items in
                # a 1 x 12 copy as in a 50 x 36 one; dates and monthly updates do.
                shape=random.Random(f"{seed}-{number}-shape"),  # noqa: S311 - not secrets
                rng=random.Random(f"{seed}-{number}"),  # noqa: S311
                password_hash=password_hash,
                system=user,
                start=start,
            ).write()
        result.created.append(slug)
        result.counts.update(counts)
        if progress:
            progress(slug, sum(counts.values()))
    return result


class _AreaWriter:
    def __init__(self, *, number, months, shape, rng, password_hash, system, start):
        self.number = number
        self.months = [add_months(start, n) for n in range(months)]
        self.rng = rng
        self.shape = shape
        self.password_hash = password_hash
        self.system = system
        self.counts: Counter[str] = Counter()
        self.before = add_months(start, -1)  # when the plan was written

    # Every write goes through here: history rows with a user, a reason and a date.
    def create(self, model: type[models.Model], objs: list, **defaults) -> list:
        for obj in objs:
            if not hasattr(obj, "_history_user"):
                obj._history_user = defaults.get("user", self.system)
            if not hasattr(obj, "_history_date"):
                obj._history_date = defaults.get("when", at(self.before, 1))
        created = bulk_create_with_history(
            objs,
            model,
            batch_size=BATCH,
            default_user=self.system,
            default_change_reason=CHANGE_REASON,
        )
        self.counts[model._meta.verbose_name_plural] += len(created)
        return created

    def change(self, model: type[models.Model], objs: list, fields: list[str]) -> None:
        """Save a dated change (``_history_date``/``_history_user`` set on each object)."""
        if objs:
            bulk_update_with_history(
                objs,
                model,
                fields,
                batch_size=BATCH,
                default_user=self.system,
                default_change_reason=CHANGE_REASON,
            )
            self.counts[f"changes to {model._meta.verbose_name_plural}"] += len(objs)

    def write(self) -> Counter[str]:
        n = self.number
        area = self.create(Area, [Area(name=f"Generated area {n:02d}", slug=area_slug(n))])[0]
        self.area = area
        self.users = self._users()
        people = self._people()
        plan = self.create(
            Plan,
            [
                Plan(
                    area=area,
                    title=f"Generated area {n:02d} Written Statement of Action",
                    slug=f"{area_slug(n)}-wsoa",
                    kind=PlanKind.WSOA,
                    inspection_date=add_months(self.before, -9),
                    publication_date=self.before,
                    introduction="A generated plan for scale tests and benchmarks.",
                    source="generate_demo_data",
                )
            ],
        )[0]
        self.plan = plan
        self.create(
            Finding,
            [
                Finding(
                    plan=plan,
                    kind=FindingKind.STRENGTH,
                    text="Leaders know the area well.",
                    order=0,
                ),
                Finding(
                    plan=plan,
                    kind=FindingKind.SIGNIFICANT_WEAKNESS,
                    text=PRIORITY_TITLES[0],
                    order=1,
                ),
                Finding(
                    plan=plan,
                    kind=FindingKind.SIGNIFICANT_WEAKNESS,
                    text=PRIORITY_TITLES[1],
                    order=2,
                ),
            ],
        )
        priorities = self.create(
            Priority,
            [
                Priority(plan=plan, number=i + 1, title=title)
                for i, title in enumerate(PRIORITY_TITLES)
            ],
        )
        links = self.create(
            StrategyLink, [StrategyLink(area=area, name=name) for name in STRATEGY_LINKS]
        )
        issues = []
        theme = 0
        for priority, count in zip(priorities, ISSUES_PER_PRIORITY, strict=True):
            for i in range(count):
                issues.append(
                    Issue(
                        plan=plan,
                        priority=priority,
                        ref=f"{priority.number}.{i + 1}",
                        description=ISSUE_THEMES[theme % len(ISSUE_THEMES)],
                        order=theme,
                    )
                )
                theme += 1
        issues = self.create(Issue, issues)
        self.create(
            IssueStrategyLink,
            [
                IssueStrategyLink(plan=plan, issue=issue, strategy_link=link)
                for issue in issues
                for link in self.shape.sample(links, self.shape.randint(1, 3))
            ],
        )
        actions = self._actions(issues, people)
        targets = self._targets(issues, actions)
        self._reporting_months()
        self._action_statuses(actions)
        self._impact_ratings(targets)
        self._story(issues)
        self._forums(people)
        return self.counts

    # --- Who ----------------------------------------------------------------------------

    def _users(self) -> dict[str, object]:
        User = get_user_model()
        prefix = area_slug(self.number)
        logins = [(f"lead{i + 1}", Role.SEND_LEAD) for i in range(LEAD_LOGINS)]
        logins += [
            ("pm", Role.PROGRAMME_MANAGER),
            ("sig", Role.IMPLEMENTATION_GROUP),
            ("sae", Role.ASSURANCE_EXECUTIVE),
            ("viewer", Role.VIEWER),
        ]
        users = self.create(
            User,
            [
                User(
                    username=f"{prefix}-{name}",
                    first_name=self.shape.choice(FIRST_NAMES),
                    last_name=self.shape.choice(LAST_NAMES),
                    email=f"{prefix}-{name}@example.org",
                    password=self.password_hash,
                )
                for name, _ in logins
            ],
        )
        self.create(
            Membership,
            [
                Membership(user=user, area=self.area, role=role)
                for user, (_, role) in zip(users, logins, strict=True)
            ],
        )
        return {name: user for user, (name, _) in zip(users, logins, strict=True)}

    def _people(self) -> list[Person]:
        rng = self.shape
        names: list[str] = []
        while len(names) < PEOPLE_PER_AREA:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if name not in names:
                names.append(name)
        login_for = {i: self.users[f"lead{i + 1}"] for i in range(LEAD_LOGINS)}
        login_for[LEAD_PEOPLE] = self.users["pm"]
        people = [
            Person(
                area=self.area,
                name=name,
                role=rng.choice(JOB_TITLES),
                organisation=f"Generated area {self.number:02d} {rng.choice(ORGANISATIONS)}",
                email=f"person{i + 1}@area{self.number:02d}.example.org",
                user=login_for.get(i),
            )
            for i, name in enumerate(names)
        ]
        return self.create(Person, people)

    def rater_for(self, lead_index: int):
        """The login that rates an item: its first lead's, else the programme manager's."""
        if lead_index < LEAD_LOGINS:
            return self.users[f"lead{lead_index + 1}"]
        return self.users["pm"]

    # --- What ---------------------------------------------------------------------------

    def _spread(self, total: int, buckets: int, base: int) -> list[int]:
        counts = [base] * buckets
        for _ in range(total - base * buckets):
            counts[self.shape.randrange(buckets)] += 1
        return counts

    def _actions(self, issues, people) -> list[Action]:
        rng, shape = self.rng, self.shape
        months = len(self.months)
        actions = []
        self.action_plan = {}  # action index -> (lead index, start, due, completed, slip)
        per_issue = self._spread(ACTIONS_PER_AREA, len(issues), 2)
        order = 0
        for issue, count in zip(issues, per_issue, strict=True):
            for _ in range(count):
                qualifier = shape.choice(ACTION_QUALIFIERS)
                text = f"{shape.choice(ACTION_VERBS)} {shape.choice(ACTION_OBJECTS)}"
                text = f"{text} {qualifier}".strip()
                ongoing = shape.random() < 0.05
                lead = shape.randrange(LEAD_PEOPLE)
                start = rng.randint(0, max(0, min(6, months // 3)))
                due = None if ongoing else rng.randint(min(3, months), months + 6)
                completed = None
                if due is not None and due <= months - 1 and rng.random() < 0.75:
                    completed = max(start + 1, min(months - 2, due + rng.randint(-2, 2)))
                    if completed <= start or completed >= months - 1:
                        completed = None
                slip = None
                if due is not None and rng.random() < 0.15:
                    slip_at = rng.randint(start, max(start, min(due, months - 1)))
                    if completed is None or slip_at < completed:
                        slip = (slip_at, rng.randint(3, 6))
                due_month = add_months(self.months[0], due) if due is not None else None
                actions.append(
                    Action(
                        plan=self.plan,
                        issue=issue,
                        text=text,
                        order=order,
                        due_month=due_month,
                        original_due_month=due_month,
                        due_as_written=f"{due_month:%b %Y}" if due_month else "Ongoing",
                        is_ongoing=ongoing,
                    )
                )
                self.action_plan[order] = (lead, start, due, completed, slip)
                order += 1
        actions = self.create(Action, actions)
        self.lead_of_action = {a.id: self.action_plan[i][0] for i, a in enumerate(actions)}
        leads = []
        for i, action in enumerate(actions):
            first = self.action_plan[i][0]
            chosen = [first]
            if shape.random() < 0.4:
                chosen.append((first + shape.randint(1, LEAD_PEOPLE - 1)) % LEAD_PEOPLE)
            leads += [
                ActionLead(plan=self.plan, action=action, person=people[p], order=k)
                for k, p in enumerate(chosen)
            ]
        self.create(ActionLead, leads)

        # Dated changes, oldest first, so each history row holds the state of its moment.
        slipped = []
        for i, action in enumerate(actions):
            lead, _, _, _, slip = self.action_plan[i]
            if slip:
                month = self.months[slip[0]]
                action.due_month = add_months(action.due_month, slip[1])
                action.due_as_written = f"{action.due_month:%b %Y}"
                action.due_revised_reason = "Revised by the implementation group: capacity."
                action.version += 1
                action._history_date = at(month, 20)
                action._history_user = self.users["pm"]
                slipped.append(action)
        self.change(
            Action, slipped, ["due_month", "due_as_written", "due_revised_reason", "version"]
        )
        completed = []
        for i, action in enumerate(actions):
            lead, _, _, done, _ = self.action_plan[i]
            if done is not None:
                month = self.months[done]
                action.completed_on = month.replace(day=rng.randint(1, 20))
                action.version += 1
                action._history_date = at(month, 24)
                action._history_user = self.rater_for(lead)
                completed.append(action)
        self.change(Action, completed, ["completed_on", "version"])
        return actions

    def _targets(self, issues, actions) -> list[OutcomeTarget]:
        rng, shape = self.rng, self.shape
        months = len(self.months)
        by_issue: dict[int, list[Action]] = {}
        for action in actions:
            by_issue.setdefault(action.issue_id, []).append(action)
        per_issue = self._spread(TARGETS_PER_AREA, len(issues), 4)
        targets = []
        order = 0
        for issue, count in zip(issues, per_issue, strict=True):
            for _ in range(count):
                action = None
                if by_issue.get(issue.id) and shape.random() < 0.6:
                    action = shape.choice(by_issue[issue.id])
                month_index = rng.randint(min(6, months), months + 12)
                target_month = add_months(self.months[0], month_index)
                target = OutcomeTarget(
                    plan=self.plan,
                    issue=issue,
                    action=action,
                    order=order,
                    target_month=target_month,
                    target_as_written=f"{target_month:%b %Y}",
                )
                if shape.random() < 0.65:
                    text, unit, (low, high), goal, direction = shape.choice(TARGET_TEMPLATES)
                    target.text = f"{text}: {goal} {unit}".strip()
                    target.unit = unit
                    target.baseline = Decimal(shape.randint(low, high))
                    target.target_value = Decimal(goal)
                    target.direction = direction
                else:
                    target.text = shape.choice(UNQUANTIFIED_TARGETS)
                targets.append(target)
                order += 1
        return self.create(OutcomeTarget, targets)

    def _reporting_months(self) -> None:
        # Only one month may be open at a time, so each month is opened, then closed early
        # in the next month, one save each: the history shows both moments. (36 months are
        # 72 saves per area, which costs little next to the bulk writes.)
        pm = self.users["pm"]
        for i, month in enumerate(self.months):
            row = ReportingMonth(plan=self.plan, month=month, deadline=month.replace(day=25))
            row._history_user = pm
            row._history_date = at(month, 1, 9)
            row.save()
            if not self._is_open(i):
                row.status = MonthStatus.CLOSED
                row._history_date = at(add_months(month, 1), 1, 8)
                row.save()
        self.counts[ReportingMonth._meta.verbose_name_plural] += len(self.months)

    # --- Monthly updates ----------------------------------------------------------------

    def _is_open(self, index: int) -> bool:
        return index == len(self.months) - 1

    def _rating_rows(self, model, items, rate) -> None:
        """One row per item per month, ``rate(item_index, month_index)`` -> fields or None.

        Closed months are submitted; a quarter of them were a draft first. In the open
        month half are submitted, a quarter are drafts and a quarter are not done yet.
        """
        rng = self.rng
        rows, drafted = [], []
        for m, month in enumerate(self.months):
            for i, item in enumerate(items):
                values = rate(i, m)
                if values is None:
                    continue
                roll = rng.random()
                if self._is_open(m) and roll < 0.25:
                    continue
                user = values.pop("user")
                submitted_day = rng.randint(18, 28)
                row = model(plan=self.plan, month=month, rated_by=user, **values)
                row._history_user = user
                if self._is_open(m):
                    row.state = EntryState.SUBMITTED if roll >= 0.5 else EntryState.DRAFT
                    row.rated_at = at(month, rng.randint(2, 12))
                elif roll < 0.25:
                    # Saved as a draft mid-month, submitted later.
                    row.state = EntryState.DRAFT
                    row.rated_at = at(month, rng.randint(8, 16))
                    drafted.append((row, submitted_day))
                else:
                    row.state = EntryState.SUBMITTED
                    row.rated_at = at(month, submitted_day)
                row._history_date = row.rated_at
                setattr(row, item_field(model), item)
                rows.append(row)
        self.create(model, rows)
        for row, day in drafted:
            row.state = EntryState.SUBMITTED
            row.rated_at = at(row.month, day)
            row.version += 1
            row._history_date = row.rated_at
        self.change(model, [row for row, _ in drafted], ["state", "rated_at", "version"])

    def _action_statuses(self, actions) -> None:
        rng = self.rng
        current: dict[int, str] = {}

        def rate(i, m):
            lead, start, due, done, _ = self.action_plan[i]
            user = self.rater_for(lead)
            if m < start:
                return {"status": BRAGG.GREY, "note": "", "user": user}
            if done is not None and m >= done:
                return {"status": BRAGG.BLUE, "note": "Completed.", "user": user}
            overdue = due is not None and m > due
            previous = current.get(i, BRAGG.GREEN)
            roll = rng.random()
            if roll < (0.35 if overdue else 0.75):
                status = previous if previous != BRAGG.GREY else BRAGG.GREEN
            elif roll < (0.6 if overdue else 0.9):
                status = BRAGG.AMBER
            elif roll < (0.8 if overdue else 0.95):
                status = BRAGG.RED
            else:
                status = BRAGG.GREEN
            current[i] = status
            note = rng.choice(NOTES[status]) if status in NOTES else ""
            return {"status": status, "note": note, "user": user}

        self._rating_rows(ActionStatus, actions, rate)

    def _impact_ratings(self, targets) -> None:
        rng = self.rng
        months = len(self.months)

        def rate(i, m):
            target = targets[i]
            lead = self.lead_of_action.get(target.action_id)
            user = self.users["pm"] if lead is None else self.rater_for(lead)
            progress = (m + 1) / months
            roll = rng.random()
            if roll < 0.5 * (1 - progress):
                rag = RAG.RED
            elif roll < 0.85 - 0.3 * progress:
                rag = RAG.AMBER
            else:
                rag = RAG.GREEN
            measured = None
            if target.target_value is not None:
                span = target.target_value - target.baseline
                noise = Decimal(rng.randint(-5, 5)) / 100
                measured = (target.baseline + span * Decimal(progress) * (1 + noise)).quantize(
                    Decimal("0.01")
                )
            return {"rag": rag, "measured_value": measured, "note": "", "user": user}

        self._rating_rows(ImpactRating, targets, rate)

    def _story(self, issues) -> None:
        rng = self.rng
        entries = []
        for m, month in enumerate(self.months):
            for issue in issues:
                if self._is_open(m) and rng.random() < 0.5:
                    continue
                author = self.users[f"lead{rng.randint(1, LEAD_LOGINS)}"]
                sentences = rng.sample(STORY_SENTENCES, rng.randint(2, 4))
                written = at(month, rng.randint(20, 28))
                entry = StoryEntry(
                    plan=self.plan,
                    issue=issue,
                    month=month,
                    date_as_written=f"{month:%B %Y}",
                    narrative="".join(f"<p>{s}</p>" for s in sentences),
                    state=(
                        EntryState.DRAFT
                        if self._is_open(m) and rng.random() < 0.5
                        else EntryState.SUBMITTED
                    ),
                    author=author,
                    written_at=written,
                )
                entry._history_user = author
                entry._history_date = written
                entries.append(entry)
        self.create(StoryEntry, entries)

    # --- Governance ---------------------------------------------------------------------

    def _forums(self, people) -> None:
        rng = self.rng
        forums = self.create(
            Forum,
            [
                Forum(
                    area=self.area,
                    plan=self.plan,
                    name=name,
                    slug=slug,
                    level=level,
                    cadence=cadence,
                    cadence_as_written=cadence.label,
                    order=i,
                )
                for i, (name, slug, level, cadence, _) in enumerate(FORUMS)
            ],
        )
        members, meetings = [], []
        for forum, (_, _, _, cadence, size) in zip(forums, FORUMS, strict=True):
            for k, person in enumerate(self.shape.sample(people, size)):
                members.append(
                    ForumMember(
                        forum=forum,
                        person=person,
                        role=person.role,
                        organisation=person.organisation,
                        order=k,
                    )
                )
            step = CADENCE_MONTHS[cadence]
            for m in range(step - 1, len(self.months), step):
                reviewed_from = self.months[m - step + 1]
                next_month = add_months(self.months[m], 1)
                meeting = Meeting(
                    forum=forum,
                    scheduled_for=next_month.replace(day=rng.randint(8, 15)),
                    held_on=None if self._is_open(m) else next_month.replace(day=15),
                    period_start=reviewed_from,
                    period_end=add_months(self.months[m], 1) - dt.timedelta(days=1),
                )
                meeting._history_date = at(reviewed_from, 1, 10)
                meeting._history_user = self.users["pm"]
                meetings.append(meeting)
        self.create(ForumMember, members)
        self.create(Meeting, meetings)


def item_field(model) -> str:
    return "action" if model is ActionStatus else "target"
