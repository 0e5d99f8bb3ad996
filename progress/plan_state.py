"""A plan as it stood: the one read model behind plan pages, dashboards and PDF reports.

``plan_state(plan, month=..., as_at=...)`` returns the plan's structure, its actions and
outcome targets with their leads, the BRAGG and RAG rows up to ``month`` and the story so
far, either from the live tables or, with ``as_at``, from the audit history as it stood at
that moment. Both paths run the same fixed number of queries whatever the size of the
installation (one per table, all filtered by plan), and build the same plain objects, so
a page or a report cannot tell them apart: that is what makes "as at" trustworthy.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from actions import rules as action_rules
from actions.models import Action, ActionLead, ActionStatus, EntryState, StoryEntry
from outcomes import rules as target_rules
from outcomes.models import ImpactRating, OutcomeTarget
from sendplan.models import Issue, IssueStrategyLink, Person, Plan, Priority, StrategyLink
from sendplan.months import add_months
from sendplan.ratings import BRAGG, NOT_RATED, RAG


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` in the site's time zone (for "as at" a date)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


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
    target_value: Decimal | None
    direction: str
    version: int
    ratings: list[Rating] = field(default_factory=list)
    month_rating: Rating | None = None
    latest: Rating | None = None
    past_date_without_green: bool = False  # for the selected month

    @property
    def rag(self) -> str:
        return self.month_rating.value if self.month_rating else NOT_RATED

    @property
    def is_quantified(self) -> bool:
        return self.target_value is not None

    @property
    def latest_measured(self) -> Decimal | None:
        for rating in self.ratings:
            if rating.is_submitted and rating.measured_value is not None:
                return rating.measured_value
        return None

    def is_past_date_without_green(self, month: dt.date) -> bool:
        """See outcomes.rules."""
        return target_rules.is_past_date_without_green(
            target_month=self.target_month,
            is_ongoing=self.is_ongoing,
            latest_rag=self.latest.value if self.latest else None,
            month=month,
        )

    @property
    def on_course(self) -> bool | None:
        """Whether the latest measured figure has moved from the baseline toward the target."""
        measured = self.latest_measured
        if measured is None or self.target_value is None:
            return None
        if self.direction == "decrease":
            return measured <= self.target_value or (
                self.baseline is not None and measured < self.baseline
            )
        if self.direction == "maintain":
            return measured >= self.target_value
        return measured >= self.target_value or (
            self.baseline is not None and measured > self.baseline
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


@dataclass(repr=False, eq=False)
class PriorityState:
    id: int
    number: int
    title: str
    description: str
    issues: list[IssueState] = field(default_factory=list)
    story: list[StoryState] = field(default_factory=list)

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


# --- Reading rows, live or as they stood -----------------------------------------------


def _rows(model, as_at: dt.datetime | None, *conditions, **filters) -> list:
    """Rows of ``model`` matching ``conditions`` (Q objects) and ``filters``: live, or as
    they stood at ``as_at``.

    As at a moment, each object's newest history row at or before that moment stands for
    it, unless that row records its deletion. One query per table, filtered by plan (or
    area), so the cost follows the plan's size, not the installation's.
    """
    if as_at is None:
        return list(model.objects.filter(*conditions, **filters).order_by())
    history = (
        model.history.filter(*conditions, history_date__lte=as_at, **filters)
        .order_by("id", "-history_date", "-history_id")
        .only(*[f.attname for f in model._meta.concrete_fields], "history_type", "history_date")
    )
    latest = {}
    for row in history.iterator(chunk_size=2000):
        if row.id not in latest:
            latest[row.id] = row
    return [row for row in latest.values() if row.history_type != "-"]


rows_as_at = _rows


def _read(model, as_at: dt.datetime | None, *conditions, **filters) -> list:
    """``_rows`` for plan_state, which only reads the rows' columns: live, as named tuples
    of them, since making model instances was a third of its time."""
    if as_at is None:
        return _plain(model.objects.filter(*conditions, **filters), model)
    return _rows(model, as_at, *conditions, **filters)


def _plain(rows, model) -> list:
    columns = [f.attname for f in model._meta.concrete_fields]
    return list(rows.order_by().values_list(*columns, named=True))


# For each monthly table, its parents: the rows a "newest before the window" is kept for.
WINDOW_PARENTS = {
    ActionStatus: ((Action, "action"),),
    ImpactRating: ((OutcomeTarget, "target"),),
    StoryEntry: ((Issue, "issue"), (Priority, "priority")),
}


def _newest_before(model, parent_model, parent: str, plan_id: int, start: dt.date, **extra):
    """Ids of each parent's newest submitted row before ``start``: one indexed lookup per
    parent (action, target, issue), not per row, so it costs the same however many months
    the plan has. Story so far entries of one month come in ``order``."""
    newest = model.objects.filter(
        **{parent: OuterRef("pk")}, state=EntryState.SUBMITTED, month__lt=start, **extra
    ).order_by(*(("-month", "order", "id") if model is StoryEntry else ("-month",)))
    return (
        parent_model.objects.filter(plan_id=plan_id)
        .annotate(newest=Subquery(newest.values("id")[:1]))
        .values("newest")
    )


def _of_parents(model, parents) -> Q:
    """Rows of a monthly table whose parent is one of ``parents`` ({"action": ids...});
    every row when ``parents`` is None."""
    if parents is None:
        return Q()
    wanted = Q()
    for _, parent in WINDOW_PARENTS[model]:
        wanted |= Q(**{f"{parent}_id__in": parents[parent]})
    return wanted


def _monthly_rows(
    model, as_at, *, plan_id: int, month: dt.date, start: dt.date | None, parents=None
) -> list:
    """Rows of a monthly table (BRAGG statuses, RAG ratings, story so far) up to ``month``.

    With ``start``, only the months from ``start`` on, and for each parent (action, target,
    issue or priority) its newest submitted row before ``start`` (for RAG ratings also the
    newest with a measured figure), so ``latest``, ``latest_measured`` and "the previous
    entry" come out as with every month, while the rows read stay the same however many
    months the plan has run. Undated story so far entries are always read.

    ``parents`` ({"action": ids...}), when given, names the only parents whose rows are
    wanted; the live window then reads only theirs (the caller drops any others).
    """
    if start is None:
        return _read(model, as_at, _of_parents(model, parents), plan_id=plan_id, month__lte=month)
    measured = model is ImpactRating
    if as_at is None:
        condition = Q(month__gte=start, month__lte=month)
        for parent_model, parent in WINDOW_PARENTS[model]:
            condition |= Q(id__in=_newest_before(model, parent_model, parent, plan_id, start))
            if measured:
                condition |= Q(
                    id__in=_newest_before(
                        model, parent_model, parent, plan_id, start, measured_value__isnull=False
                    )
                )
        if model is StoryEntry:
            condition |= Q(month__isnull=True)
        rows = model.objects.filter(condition, _of_parents(model, parents), plan_id=plan_id)
        return _plain(rows, model)

    return _monthly_rows_as_at(model, as_at, plan_id=plan_id, month=month, start=start)


def standing_rows(model, as_at, *, plan_id: int):
    """The history rows of ``model`` that stood for the plan's rows at ``as_at``: for each
    row its newest history row at or before ``as_at`` (a later one with the same time wins
    by its history id), unless that records the row's deletion. A queryset, so that the
    caller can narrow it, or count it, in the database."""
    history = model.history.model
    # Scoped by plan as the rows are, so that whichever join the database picks it reads
    # the plan's history rows only, never the whole table's.
    newer = history.objects.filter(
        plan_id=plan_id, id=OuterRef("id"), history_date__lte=as_at
    ).filter(
        Q(history_date__gt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id"))
    )
    return (
        history.objects.filter(plan_id=plan_id, history_date__lte=as_at)
        .exclude(history_type="-")
        .filter(~Exists(newer))
    )


def _monthly_rows_as_at(model, as_at, *, plan_id: int, month: dt.date, start: dt.date) -> list:
    """``_monthly_rows`` as the rows stood at ``as_at``, chosen in the database.

    A row stands as its newest history row at or before ``as_at`` (a later one with the
    same time wins by its history id), unless that row records its deletion; the window
    and "newest submitted before the window" are then picked among those rows exactly as
    in the live read, with a window function per parent. So the history rows read follow
    the months shown, not the months the plan has run."""
    standing = standing_rows(model, as_at, plan_id=plan_id)
    parents = [F(f"{parent}_id") for _, parent in WINDOW_PARENTS[model]]
    newest_first = (
        [F("month").desc(), F("order").asc(), F("id").asc()]
        if model is StoryEntry
        else [F("month").desc()]
    )

    def newest_before(**extra):
        ranked = standing.filter(month__lt=start, state=EntryState.SUBMITTED, **extra).annotate(
            rank=Window(RowNumber(), partition_by=parents, order_by=newest_first)
        )
        return ranked.filter(rank=1).values("history_id")

    condition = Q(month__gte=start, month__lte=month) | Q(history_id__in=newest_before())
    if model is ImpactRating:
        condition |= Q(history_id__in=newest_before(measured_value__isnull=False))
    if model is StoryEntry:
        condition |= Q(month__isnull=True)
    fields = [f.attname for f in model._meta.concrete_fields]
    rows = standing.filter(condition).order_by()
    return list(rows.only(*fields, "history_type", "history_date"))


def _rating(row, measured: bool = False) -> Rating:
    return Rating(
        id=row.id,
        month=row.month,
        value=row.status if not measured else row.rag,
        note=row.note,
        state=row.state,
        by_id=row.rated_by_id,
        at=row.rated_at,
        is_example=row.is_example,
        measured_value=row.measured_value if measured else None,
        version=row.version,
        carried=row.carried_forward,
    )


def _name_the_writers(actions, targets, issues, story_by_priority) -> None:
    """Fill in who rated or wrote each row, with one query for all of them."""
    from django.contrib.auth import get_user_model

    ratings = [r for item in [*actions, *targets] for r in item.ratings]
    entries = [e for issue in issues for e in issue.story]
    entries += [e for group in story_by_priority.values() for e in group]
    ids = {r.by_id for r in ratings} | {e.author_id for e in entries}
    ids.discard(None)
    if not ids:
        return
    names = {
        u.id: (u.get_full_name() or u.username)
        for u in get_user_model()
        .objects.filter(id__in=ids)
        .only("id", "username", "first_name", "last_name")
    }
    for rating in ratings:
        rating.by_name = names.get(rating.by_id, "")
    for entry in entries:
        entry.author_name = names.get(entry.author_id, "")


def plan_state(
    plan: Plan,
    *,
    month: dt.date,
    as_at: dt.datetime | None = None,
    include_drafts: bool = False,
    months: int | None = None,
    story: bool = True,
    all_story: bool = False,
    issue_ids: Collection[int] | None = None,
) -> PlanState:
    """The plan for ``month`` (ratings up to that month), live or as it stood at ``as_at``.

    Drafts are left out unless ``include_drafts``: what a reader sees is what leads have
    submitted.

    ``months`` keeps only that many months of BRAGG statuses, RAG ratings and story so far,
    ending with ``month``, plus each item's newest submitted row before them: enough for
    ``month_rating``, ``latest``, ``latest_measured`` and the previous month's entry, and a
    page's cost then no longer grows with the months a plan has run (a plan page reads one
    month, the dashboard its trend). ``None`` reads every month (a timeline, a report).

    ``0`` reads none: the plan's structure and leads only, for a page that saves entries
    (the save reads and locks the rows it changes).

    ``story=False`` leaves the story so far out, for a page that shows none of it;
    ``all_story`` reads every month of it whatever ``months`` says, for a page that shows
    its items' ratings for the month but a priority's whole story so far.

    ``issue_ids`` keeps only those issues to be addressed, with their priorities, actions,
    outcome targets and story so far: a lead's monthly update reads the issues where the
    lead has something to update, not the whole plan. A priority's actions are then only
    those of the issues kept.
    """
    month = month.replace(day=1)
    start = add_months(month, -(months - 1)) if months else None
    people = {
        p.id: PersonState(p.id, p.name, p.role, p.organisation, p.user_id)
        for p in _read(Person, as_at, area_id=plan.area_id)
    }
    links = {s.id: s.name for s in _read(StrategyLink, as_at, area_id=plan.area_id)}

    some = issue_ids is not None
    issue_rows = _read(Issue, as_at, plan_id=plan.id, **({"id__in": issue_ids} if some else {}))
    priority_ids = {"id__in": {row.priority_id for row in issue_rows}} if some else {}
    priorities = {
        p.id: PriorityState(p.id, p.number, p.title, p.description)
        for p in sorted(
            _read(Priority, as_at, plan_id=plan.id, **priority_ids), key=lambda p: p.number
        )
    }
    issues = {}
    for row in sorted(issue_rows, key=lambda i: (i.order, i.ref)):
        issues[row.id] = IssueState(
            row.id, row.priority_id, row.ref, row.description, row.is_gap, row.order
        )
    # With issue_ids, rows of other issues are never read; without, the guards below
    # (``if row.issue_id in issues``...) keep a row whose parent has gone at ``as_at`` out.
    within = {"issue_id__in": list(issues)} if some else {}
    for row in _read(IssueStrategyLink, as_at, plan_id=plan.id, **within):
        if row.issue_id in issues and row.strategy_link_id in links:
            issues[row.issue_id].strategy_links.append(links[row.strategy_link_id])
    for issue in issues.values():
        issue.strategy_links.sort()

    actions = {}
    for row in sorted(
        _read(Action, as_at, plan_id=plan.id, **within), key=lambda a: (a.order, a.id)
    ):
        actions[row.id] = ActionState(
            id=row.id,
            issue_id=row.issue_id,
            text=row.text,
            order=row.order,
            due_month=row.due_month,
            original_due_month=row.original_due_month,
            due_as_written=row.due_as_written,
            is_ongoing=row.is_ongoing,
            due_revised_reason=row.due_revised_reason,
            completed_on=row.completed_on,
            version=row.version,
        )
    of_actions = {"action_id__in": list(actions)} if some else {}
    lead_rows = _read(ActionLead, as_at, plan_id=plan.id, **of_actions)
    for row in sorted(lead_rows, key=lambda r: (r.order, r.id)):
        if row.action_id in actions and row.person_id in people:
            actions[row.action_id].leads.append(people[row.person_id])

    targets = {}
    target_rows = _read(OutcomeTarget, as_at, plan_id=plan.id, **within)
    for row in sorted(target_rows, key=lambda t: (t.order, t.id)):
        targets[row.id] = TargetState(
            id=row.id,
            issue_id=row.issue_id,
            action_id=row.action_id,
            text=row.text,
            order=row.order,
            target_month=row.target_month,
            target_as_written=row.target_as_written,
            is_ongoing=row.is_ongoing,
            unit=row.unit,
            baseline=row.baseline,
            target_value=row.target_value,
            direction=row.direction,
            version=row.version,
        )

    window = {"plan_id": plan.id, "month": month, "start": start}
    if some:
        window["parents"] = {
            "action": list(actions),
            "target": list(targets),
            "issue": list(issues),
            "priority": list(priorities),
        }

    def entries(model) -> list:
        if months == 0 or (model is StoryEntry and not story):
            return []
        if model is StoryEntry and (start is None or all_story):
            of_parents = _of_parents(StoryEntry, window.get("parents"))
            return _read(StoryEntry, as_at, of_parents, plan_id=plan.id)
        return _monthly_rows(model, as_at, **window)

    for row in entries(ActionStatus):
        if row.action_id in actions and (include_drafts or row.state == EntryState.SUBMITTED):
            actions[row.action_id].ratings.append(_rating(row))
    for row in entries(ImpactRating):
        if row.target_id in targets and (include_drafts or row.state == EntryState.SUBMITTED):
            targets[row.target_id].ratings.append(_rating(row, measured=True))
    for item in [*actions.values(), *targets.values()]:
        item.ratings.sort(key=lambda r: r.month, reverse=True)
        submitted = [r for r in item.ratings if r.is_submitted]
        item.latest = submitted[0] if submitted else None
        item.month_rating = next((r for r in item.ratings if r.month == month), None)
        if item.month_rating and not item.month_rating.is_submitted and not include_drafts:
            item.month_rating = None

    for action in actions.values():
        action.overdue = action.is_overdue(month)
    for target in targets.values():
        target.past_date_without_green = target.is_past_date_without_green(month)

    story_by_priority = defaultdict(list)
    for row in entries(StoryEntry):
        if row.month and row.month > month:
            continue
        if not include_drafts and row.state != EntryState.SUBMITTED:
            continue
        entry = StoryState(
            id=row.id,
            issue_id=row.issue_id,
            priority_id=row.priority_id,
            month=row.month,
            date_as_written=row.date_as_written,
            narrative=row.narrative,
            state=row.state,
            author_id=row.author_id,
            written_at=row.written_at,
            order=row.order,
            is_example=row.is_example,
            version=row.version,
            carried=row.carried_forward,
        )
        if row.issue_id in issues:
            issues[row.issue_id].story.append(entry)
        elif row.priority_id in priorities:
            story_by_priority[row.priority_id].append(entry)

    def story_key(entry: StoryState):
        # Newest month first; undated entries keep their place after the dated ones.
        return (entry.month or dt.date.min, -entry.order)

    for issue in issues.values():
        issue.story.sort(key=story_key, reverse=True)
    for action in actions.values():
        if action.issue_id in issues:
            issues[action.issue_id].actions.append(action)
    for target in targets.values():
        if target.issue_id in issues:
            issues[target.issue_id].targets.append(target)
    for issue in issues.values():
        if issue.priority_id in priorities:
            priorities[issue.priority_id].issues.append(issue)
    for priority_id, entries in story_by_priority.items():
        priorities[priority_id].story = sorted(entries, key=story_key, reverse=True)

    _name_the_writers(actions.values(), targets.values(), issues.values(), story_by_priority)
    return PlanState(
        plan=plan,
        month=month,
        as_at=as_at,
        priorities=list(priorities.values()),
        people=people,
    )
