"""The plain objects a plan's state is made of: its priorities, issues, actions, outcome
targets, story so far and the BRAGG and RAG rows, as ``plan_state`` builds them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from actions import rules as action_rules
from actions.models import EntryState
from outcomes import rules as target_rules
from sendplan.models import Plan, issue_url_key, priority_label, priority_short_label
from sendplan.ratings import BRAGG, NOT_RATED, RAG


@dataclass
class Rating:
    """One BRAGG or RAG row as it stood: the value, its month and who said it when."""

    id: int
    month: dt.date
    value: str
    note: str
    state: str
    by_id: int | None
    at: dt.datetime
    is_example: bool
    measured_value: Decimal | None = None
    by_name: str = ""
    version: int = 0  # the row's optimistic-locking version, for forms that edit it
    carried: bool = False  # copied unchanged from the month before

    @property
    def is_submitted(self) -> bool:
        return self.state == EntryState.SUBMITTED


@dataclass(repr=False, eq=False)
class ActionState:
    id: int
    issue_id: int
    text: str
    order: int
    due_month: dt.date | None
    original_due_month: dt.date | None
    due_as_written: str
    is_ongoing: bool
    due_revised_reason: str
    completed_on: dt.date | None
    version: int
    leads: list[PersonState] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)  # newest month first, <= month
    month_rating: Rating | None = None  # the submitted row for the selected month
    latest: Rating | None = None  # the newest submitted row up to the selected month
    overdue: bool = False  # is_overdue() for the selected month

    @cached_property
    def submitted_ratings(self) -> list[Rating]:
        """The submitted rows, newest month first: read once, since ``ratings`` does not
        change after the state is built (the readiness trend asks for every month)."""
        return [r for r in self.ratings if r.is_submitted]

    @property
    def status(self) -> str:
        return self.month_rating.value if self.month_rating else NOT_RATED

    @property
    def is_slipped(self) -> bool:
        return bool(
            self.original_due_month and self.due_month and self.due_month > self.original_due_month
        )

    @property
    def latest_status(self) -> str | None:
        return self.latest.value if self.latest else None

    def is_done(self, month: dt.date) -> bool:
        """Completed by the end of ``month`` or latest rated Blue (see actions.rules)."""
        return action_rules.is_done(
            completed_on=self.completed_on, latest_status=self.latest_status, month=month
        )

    def is_overdue(self, month: dt.date) -> bool:
        """Past its due month in ``month`` and not done (see actions.rules)."""
        return action_rules.is_overdue(
            due_month=self.due_month,
            is_ongoing=self.is_ongoing,
            completed_on=self.completed_on,
            latest_status=self.latest_status,
            month=month,
        )


@dataclass(repr=False, eq=False)
class TargetState:
    id: int
    issue_id: int
    action_id: int | None
    text: str
    order: int
    target_month: dt.date | None
    target_as_written: str
    is_ongoing: bool
    unit: str
    baseline: Decimal | None
    baseline_month: dt.date | None
    target_value: Decimal | None
    direction: str
    version: int
    ratings: list[Rating] = field(default_factory=list)
    month_rating: Rating | None = None
    latest: Rating | None = None
    past_date_without_green: bool = False  # for the selected month

    @cached_property
    def submitted_ratings(self) -> list[Rating]:
        """The submitted rows, newest month first: read once, since ``ratings`` does not
        change after the state is built (the readiness trend asks for every month)."""
        return [r for r in self.ratings if r.is_submitted]

    @property
    def rag(self) -> str:
        return self.month_rating.value if self.month_rating else NOT_RATED

    @property
    def is_quantified(self) -> bool:
        return self.target_value is not None

    @property
    def latest_measured_rating(self) -> Rating | None:
        """The newest submitted row with a measured figure, up to the selected month."""
        return next(
            (r for r in self.ratings if r.is_submitted and r.measured_value is not None), None
        )

    @property
    def latest_measured(self) -> Decimal | None:
        rating = self.latest_measured_rating
        return rating.measured_value if rating else None

    def is_past_date_without_green(self, month: dt.date) -> bool:
        """See outcomes.rules."""
        return target_rules.is_past_date_without_green(
            target_month=self.target_month,
            is_ongoing=self.is_ongoing,
            latest_rag=self.latest.value if self.latest else None,
            month=month,
        )

    @property
    def movement(self) -> str | None:
        """How the latest measured figure has moved: met, towards, away or unchanged, or
        None (see outcomes.rules). Not the RAG rating, which the lead gives."""
        return target_rules.movement(
            measured=self.latest_measured,
            baseline=self.baseline,
            target=self.target_value,
            direction=self.direction,
        )


@dataclass
class StoryState:
    id: int
    issue_id: int | None
    priority_id: int | None
    month: dt.date | None
    date_as_written: str
    narrative: str
    state: str
    author_id: int | None
    written_at: dt.datetime
    order: int
    is_example: bool
    version: int
    author_name: str = ""
    carried: bool = False  # copied unchanged from the month before


@dataclass
class PersonState:
    id: int
    name: str
    role: str
    organisation: str
    user_id: int | None


@dataclass(repr=False, eq=False)
class IssueState:
    id: int
    priority_id: int
    ref: str
    description: str
    is_gap: bool
    order: int
    strategy_links: list[str] = field(default_factory=list)
    actions: list[ActionState] = field(default_factory=list)
    targets: list[TargetState] = field(default_factory=list)
    story: list[StoryState] = field(default_factory=list)
    # Whether another issue of the plan (as read) writes the same reference.
    shares_ref: bool = False

    @property
    def url_key(self) -> str:
        return issue_url_key(self.ref, self.id, shared=self.shares_ref)


@dataclass(repr=False, eq=False)
class PriorityState:
    id: int
    number: int
    ref: str
    title: str
    description: str
    issues: list[IssueState] = field(default_factory=list)
    story: list[StoryState] = field(default_factory=list)

    @property
    def label(self) -> str:
        return priority_label(self.ref, self.title)

    @property
    def short_label(self) -> str:
        return priority_short_label(self.ref, self.title)

    @property
    def actions(self) -> list[ActionState]:
        return [a for issue in self.issues for a in issue.actions]

    @property
    def targets(self) -> list[TargetState]:
        return [t for issue in self.issues for t in issue.targets]


@dataclass(repr=False, eq=False)
class PlanState:
    plan: Plan
    month: dt.date
    as_at: dt.datetime | None
    priorities: list[PriorityState]
    people: dict[int, PersonState]

    def __repr__(self) -> str:
        # The default dataclass repr walks the whole plan: Django's debug page would spend
        # minutes printing it.
        return f"<PlanState {self.plan.slug} {self.month:%Y-%m} as_at={self.as_at}>"

    @property
    def issues(self) -> list[IssueState]:
        return [i for p in self.priorities for i in p.issues]

    @property
    def actions(self) -> list[ActionState]:
        return [a for p in self.priorities for a in p.actions]

    @property
    def targets(self) -> list[TargetState]:
        return [t for p in self.priorities for t in p.targets]

    @property
    def story(self) -> list[StoryState]:
        entries = [s for p in self.priorities for s in p.story]
        entries += [s for i in self.issues for s in i.story]
        return entries

    def bragg_counts(self, actions: list[ActionState] | None = None) -> dict[str, int]:
        counts = Counter(a.status for a in (self.actions if actions is None else actions))
        return {value: counts.get(value, 0) for value in [*BRAGG.values, NOT_RATED]}

    def rag_counts(self, targets: list[TargetState] | None = None) -> dict[str, int]:
        counts = Counter(t.rag for t in (self.targets if targets is None else targets))
        return {value: counts.get(value, 0) for value in [*RAG.values, NOT_RATED]}

    def completed_in(self, start: dt.date, end: dt.date) -> list[ActionState]:
        return [a for a in self.actions if a.completed_on and start <= a.completed_on <= end]

    def exceptions(self) -> dict[str, list]:
        month = self.month
        return {
            "red_amber_actions": [a for a in self.actions if a.status in (BRAGG.RED, BRAGG.AMBER)],
            "overdue_actions": [a for a in self.actions if a.is_overdue(month)],
            "slipped_actions": [a for a in self.actions if a.is_slipped],
            "targets_past_date": [t for t in self.targets if t.is_past_date_without_green(month)],
            "red_amber_targets": [t for t in self.targets if t.rag in (RAG.RED, RAG.AMBER)],
        }
