"""Rated plans for tests, built one way: reporting months, priorities, and issues whose
actions and outcome targets carry ratings month by month.

``build_rated_plan`` takes a ``PlanSpec``. Each copy (``copies``) adds the issues the spec's
``issues(n)`` gives for copy number n (1, 2, ...), so counts grow with the copies. Two plans
are spelt out here for the tests that state figures from them:

- ``build_dashboard_plan``: two priorities; per copy and priority one issue with five actions
  and three outcome targets rated for March and April 2023, so April has, per copy and
  priority, one Blue, one Green, one Amber, one Red and one unrated action.
- ``build_quarter_plan``: rated January to March 2023; per copy, priority 1 gets issue
  "1.<n>" with four actions and two outcome targets and priority 2 issue "2.<n>" with one
  action, so the March summary is, per copy, Blue 1, Red 1, Amber 1, Green 1, not rated 1.
- ``build_readiness_plan``: January to April 2023 closed, May open; priority 1 passes
  every inspection readiness check, priority 2 fails each check of an action, a target, a
  story so far and a milestone once, priority 3 has no outcome target (see its spec).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from actions.models import EntryState
from sendplan.models import MonthStatus
from sendplan.ratings import BRAGG, RAG
from tests import factories

JANUARY, FEBRUARY, MARCH, APRIL, MAY = (dt.date(2023, m, 1) for m in range(1, 6))

RED_NOTE = "Supplier delayed the portal by three months"
AMBER_TARGET_NOTE = "Survey returns are lower than hoped"
MARCH_STORY = "Parent carers co-designed the new assessment letters in March"
APRIL_STORY = "Story for April, after the quarter"


@dataclass(frozen=True)
class ActionSpec:
    """An action and its ratings by month. ``note`` goes with each Red or Amber rating;
    ``lead`` is the index of its lead in the plan's ``people``; ``order`` None is the
    factory's."""

    text: str
    due: dt.date | None
    ratings: Mapping[dt.date, str] = field(default_factory=dict)
    drafts: frozenset[dt.date] = frozenset()  # months whose rating is still a draft
    note: str = ""
    completed: dt.date | None = None
    original_due: dt.date | None = None  # None: the due month
    ongoing: bool = False
    lead: int | None = None
    order: int | None = None


@dataclass(frozen=True)
class TargetSpec:
    """An outcome target and its RAG ratings by month; ``note`` and ``measured`` go with
    each rating."""

    text: str
    ratings: Mapping[dt.date, str] = field(default_factory=dict)
    target_month: dt.date = dt.date(2023, 12, 1)
    note: str = ""
    measured: Decimal | None = None
    baseline: Decimal | None = None
    target_value: Decimal | None = None
    direction: str = ""
    unit: str = ""


@dataclass(frozen=True)
class IssueSpec:
    """An issue to be addressed under priority ``priority``. ``links`` name the plan's
    strategy links; ``stories`` are (month, narrative, written by the plan's writer)."""

    priority: int
    ref: str
    actions: tuple[ActionSpec, ...] = ()
    targets: tuple[TargetSpec, ...] = ()
    description: str | None = None  # None: the factory's
    links: tuple[str, ...] = ()
    stories: tuple[tuple[dt.date, str, bool], ...] = ()


@dataclass(frozen=True)
class PlanSpec:
    """Reporting months (month: status), priorities (number: title), the issues of copy n,
    the people who lead actions ((name, organisation or None for the factory's)), strategy
    links, and the writer's first and last name (a user who rates actions and writes
    stories), if any."""

    months: Mapping[dt.date, str]
    priorities: Mapping[int, str]
    issues: Callable[[int], Iterable[IssueSpec]]
    people: tuple[tuple[str, str | None], ...] = ()
    links: tuple[str, ...] = ()
    writer: tuple[str, str] | None = None
    # (period, month due, the numbers of the priorities it serves), made with the priorities
    milestones: tuple[tuple[str, dt.date, tuple[int, ...]], ...] = ()


def build_rated_plan(plan, spec: PlanSpec, copies: int = 1, first_copy: int = 0) -> list:
    """Add copies first_copy + 1 to first_copy + copies of the spec's issues to ``plan``.
    The months and priorities are made by the first call on a plan; later calls add to
    them. Returns the priorities, in the spec's order."""
    area = plan.area
    people = [
        factories.PersonFactory(area=area, name=name, **_given(organisation=organisation))
        for name, organisation in spec.people
    ]
    writer = None
    if spec.writer:
        first_name, last_name = spec.writer
        writer = factories.UserFactory(
            username=f"writer-{area.slug}", first_name=first_name, last_name=last_name
        )
    links = {name: factories.StrategyLinkFactory(area=area, name=name) for name in spec.links}
    priorities = _priorities(plan, spec)
    for n in range(first_copy + 1, first_copy + copies + 1):
        for issue in spec.issues(n):
            _add_issue(plan, priorities[issue.priority], issue, people, links, writer)
    return list(priorities.values())


def _given(**values) -> dict:
    """The values that are not None, so that the factory's defaults stand for the rest."""
    return {name: value for name, value in values.items() if value is not None}


def _priorities(plan, spec: PlanSpec) -> dict:
    found = {p.number: p for p in plan.priorities.filter(number__in=list(spec.priorities))}
    if found:
        return {number: found[number] for number in spec.priorities}
    for month, status in spec.months.items():
        factories.ReportingMonthFactory(plan=plan, month=month, status=status)
    priorities = {
        number: factories.PriorityFactory(plan=plan, number=number, title=title)
        for number, title in spec.priorities.items()
    }
    for period, due, numbers in spec.milestones:
        milestone = factories.MilestoneFactory(
            plan=plan, period=period, due_month=due, text=f"{period} milestone"
        )
        for number in numbers:
            factories.MilestonePriorityFactory(milestone=milestone, priority=priorities[number])
    return priorities


def _add_issue(plan, priority, spec: IssueSpec, people, links, writer) -> None:
    issue = factories.IssueFactory(
        priority=priority, ref=spec.ref, **_given(description=spec.description)
    )
    for name in spec.links:
        issue.strategy_links.through.objects.create(
            issue=issue, strategy_link=links[name], plan=plan
        )
    for action in spec.actions:
        _add_action(issue, action, people, writer)
    for target in spec.targets:
        _add_target(issue, target)
    for month, narrative, by_writer in spec.stories:
        factories.StoryEntryFactory(
            issue=issue, month=month, narrative=narrative, author=writer if by_writer else None
        )


def _add_action(issue, spec: ActionSpec, people, writer) -> None:
    action = factories.ActionFactory(
        issue=issue,
        text=spec.text,
        due_month=spec.due,
        original_due_month=spec.original_due,
        completed_on=spec.completed,
        is_ongoing=spec.ongoing,
        **_given(order=spec.order),
    )
    if spec.lead is not None:
        factories.ActionLeadFactory(action=action, person=people[spec.lead])
    for month, status in spec.ratings.items():
        factories.ActionStatusFactory(
            action=action,
            month=month,
            status=status,
            note=spec.note if status in (BRAGG.RED, BRAGG.AMBER) else "",
            state=EntryState.DRAFT if month in spec.drafts else EntryState.SUBMITTED,
            rated_by=writer,
        )


def _add_target(issue, spec: TargetSpec) -> None:
    target = factories.OutcomeTargetFactory(
        issue=issue,
        text=spec.text,
        target_month=spec.target_month,
        baseline=spec.baseline,
        target_value=spec.target_value,
        direction=spec.direction,
        unit=spec.unit,
    )
    for month, rag in spec.ratings.items():
        factories.ImpactRatingFactory(
            target=target, month=month, rag=rag, note=spec.note, measured_value=spec.measured
        )


# --- The dashboard's plan: March and April 2023 closed, May open ------------------------------

SEPTEMBER = dt.date(2023, 9, 1)


def _dashboard_issues(n: int) -> list[IssueSpec]:
    return [
        IssueSpec(
            priority=number,
            ref=f"{number}.{n}",
            links=("Inclusion",) if number == 1 else (),
            actions=_dashboard_actions(f"{number}.{n}"),
            targets=(
                TargetSpec(
                    f"Target {number}.{n}.0",
                    {APRIL: RAG.GREEN},
                    measured=Decimal("30"),
                    baseline=Decimal("10"),
                    target_value=Decimal("50"),
                    direction="increase",
                    unit="%",
                ),
                TargetSpec(f"Target {number}.{n}.1", {APRIL: RAG.AMBER}),
                TargetSpec(f"Target {number}.{n}.2", {APRIL: RAG.RED}, dt.date(2023, 1, 1)),
            ),
        )
        for number in (1, 2)
    ]


def _dashboard_actions(ref: str) -> tuple[ActionSpec, ...]:
    """Grey in March; Blue, Green, Amber, Red and not rated in April; one draft for May.
    Leads alternate, Nic Childs first."""
    grey = {MARCH: BRAGG.GREY}
    return (
        ActionSpec(
            f"Action {ref}.0",
            SEPTEMBER,
            {**grey, APRIL: BRAGG.BLUE, MAY: BRAGG.BLUE},
            drafts=frozenset({MAY}),
            completed=dt.date(2023, 4, 10),
            lead=1,
        ),
        ActionSpec(f"Action {ref}.1", SEPTEMBER, {**grey, APRIL: BRAGG.GREEN}, lead=0),
        ActionSpec(f"Action {ref}.2", SEPTEMBER, {**grey, APRIL: BRAGG.AMBER}, note="Why", lead=1),
        ActionSpec(f"Action {ref}.3", FEBRUARY, {**grey, APRIL: BRAGG.RED}, note="Why", lead=0),
        ActionSpec(f"Action {ref}.4", SEPTEMBER, grey, lead=1),
    )


DASHBOARD_PLAN = PlanSpec(
    months={MARCH: MonthStatus.CLOSED, APRIL: MonthStatus.CLOSED, MAY: MonthStatus.OPEN},
    priorities={1: "Meeting needs early", 2: "Preparing for adulthood"},
    issues=_dashboard_issues,
    people=(("Jo Littler", "Borough Council"), ("Nic Childs", "NHS ICB")),
    links=("Inclusion",),
)


def build_dashboard_plan(plan, copies: int = 1) -> list:
    """The dashboard's plan; returns its two priorities."""
    return build_rated_plan(plan, DASHBOARD_PLAN, copies)


# --- The quarter's plan: January to March 2023 closed, April open -----------------------------


def _quarter(january: str, february: str, march: str) -> dict[dt.date, str]:
    return {JANUARY: january, FEBRUARY: february, MARCH: march}


def _quarter_issues(n: int) -> list[IssueSpec]:
    """Leads alternate, Tony Murphy first; the writer rates every action."""
    return [
        IssueSpec(
            priority=1,
            ref=f"1.{n}",
            description="Tell it once",
            actions=(
                ActionSpec(
                    f"Buy the portal ({n})",
                    dt.date(2023, 6, 1),
                    _quarter(BRAGG.GREEN, BRAGG.AMBER, BRAGG.RED),
                    note=RED_NOTE,
                    lead=1,
                    order=0,
                ),
                ActionSpec(
                    f"Train the SENCOs ({n})",
                    FEBRUARY,
                    _quarter(BRAGG.GREEN, BRAGG.GREEN, BRAGG.BLUE),
                    completed=dt.date(2023, 3, 10),
                    lead=0,
                    order=1,
                ),
                ActionSpec(
                    f"Review the panel ({n})",
                    dt.date(2022, 12, 1),
                    _quarter(BRAGG.AMBER, BRAGG.AMBER, BRAGG.AMBER),
                    note="Waiting for partners",
                    lead=1,
                    order=2,
                ),
                ActionSpec(
                    f"Publish the offer ({n})",
                    SEPTEMBER,
                    _quarter(BRAGG.GREY, BRAGG.GREEN, BRAGG.GREEN),
                    lead=0,
                    order=3,
                ),
            ),
            targets=(
                TargetSpec(
                    f"90% of parents say the process was effective ({n})",
                    {MARCH: RAG.AMBER},
                    note=AMBER_TARGET_NOTE,
                    measured=Decimal("72"),
                    baseline=Decimal("60"),
                    target_value=Decimal("90"),
                    direction="increase",
                    unit="%",
                ),
                TargetSpec(f"Assessments finished within 20 weeks ({n})", {MARCH: RAG.GREEN}),
            ),
            stories=(
                (MARCH, f"<p>{MARCH_STORY} ({n}).</p>", True),
                (APRIL, f"<p>{APRIL_STORY}</p>", False),
            ),
        ),
        IssueSpec(
            priority=2,
            ref=f"2.{n}",
            actions=(ActionSpec(f"Map the post-16 offer ({n})", dt.date(2024, 1, 1), lead=0),),
        ),
    ]


QUARTER_PLAN = PlanSpec(
    months={
        JANUARY: MonthStatus.CLOSED,
        FEBRUARY: MonthStatus.CLOSED,
        MARCH: MonthStatus.CLOSED,
        APRIL: MonthStatus.OPEN,
    },
    priorities={1: "Meeting needs early", 2: "Preparing for adulthood"},
    issues=_quarter_issues,
    people=(("Jo Littler", None), ("Tony Murphy", None)),
    writer=("Jo", "Lead"),
)


def build_quarter_plan(plan, copies: int = 1, first_copy: int = 0):
    """The quarter's plan; a later call with ``first_copy`` adds more copies. Returns the
    plan."""
    build_rated_plan(plan, QUARTER_PLAN, copies, first_copy)
    return plan


# --- The inspection readiness plan: January to April 2023 closed, May open --------------------


def _readiness_issues(n: int) -> list[IssueSpec]:
    """Priority 1 passes every check in April (12 of 12); priority 2 fails once each check
    (4 of 14 in April, 6 of 11 in March); priority 3 has no outcome target (2 of 3)."""
    return [
        IssueSpec(
            priority=1,
            ref=f"1.{n}",
            actions=(
                ActionSpec(
                    f"Done on time ({n})",
                    FEBRUARY,
                    {FEBRUARY: BRAGG.BLUE, MARCH: BRAGG.BLUE, APRIL: BRAGG.BLUE},
                    completed=dt.date(2023, 2, 20),
                    lead=0,
                ),
                ActionSpec(
                    f"Done early ({n})",
                    SEPTEMBER,
                    {APRIL: BRAGG.BLUE},
                    completed=dt.date(2023, 4, 5),
                    lead=1,
                ),
            ),
            targets=(
                TargetSpec(
                    f"Measured well ({n})",
                    {APRIL: RAG.GREEN},
                    measured=Decimal("30"),
                    baseline=Decimal("10"),
                    target_value=Decimal("50"),
                    unit="%",
                ),
            ),
            stories=((APRIL, "<p>Going well.</p>", False),),
        ),
        IssueSpec(
            priority=2,
            ref=f"2.{n}",
            actions=(
                ActionSpec(f"Late action ({n})", FEBRUARY, {APRIL: BRAGG.AMBER}, note="Why"),
                ActionSpec(f"Blue without a date ({n})", SEPTEMBER, {APRIL: BRAGG.BLUE}, lead=0),
            ),
            targets=(
                TargetSpec(f"Nothing to measure by ({n})", {APRIL: RAG.GREEN}),
                TargetSpec(
                    f"Measured long ago ({n})",
                    {JANUARY: RAG.AMBER},
                    measured=Decimal("7"),
                    baseline=Decimal("5"),
                    unit="cases",
                ),
            ),
            stories=((FEBRUARY, "<p>Started in February.</p>", False),),
        ),
        IssueSpec(
            priority=3,
            ref=f"3.{n}",
            actions=(ActionSpec(f"Plan the work ({n})", SEPTEMBER, {APRIL: BRAGG.GREEN}, lead=1),),
            stories=((APRIL, "<p>Planning.</p>", False),),
        ),
    ]


READINESS_PLAN = PlanSpec(
    months={
        JANUARY: MonthStatus.CLOSED,
        FEBRUARY: MonthStatus.CLOSED,
        MARCH: MonthStatus.CLOSED,
        APRIL: MonthStatus.CLOSED,
        MAY: MonthStatus.OPEN,
    },
    priorities={1: "Meeting needs early", 2: "Preparing for adulthood", 3: "Listening"},
    issues=_readiness_issues,
    people=(("Jo Littler", None), ("Tony Murphy", None)),
    milestones=(("Winter 2023", FEBRUARY, (1,)), ("Spring 2023", MARCH, (2,))),
)


def build_readiness_plan(plan, copies: int = 1):
    """The readiness plan; returns its three priorities."""
    return build_rated_plan(plan, READINESS_PLAN, copies)
