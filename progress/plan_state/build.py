"""``plan_state()``: the plan's state for a month, built from one query per table.

Each step below reads one table (or two) and builds its part of the state; the order of
the steps is the order of the queries, and their number is fixed whatever the plan's size.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from actions.change_requests import standing_in_month
from actions.models import (
    Action,
    ActionLead,
    ActionStatus,
    DueDateChangeRequest,
    EntryState,
    StoryEntry,
)
from outcomes.models import ImpactRating, OutcomeTarget, TargetChangeRequest
from sendplan.models import Issue, IssueStrategyLink, Person, Plan, Priority, StrategyLink
from sendplan.months import add_months

from .rows import monthly_rows, of_parents, read_columns
from .states import (
    ActionState,
    IssueState,
    PersonState,
    PlanState,
    PriorityState,
    Rating,
    StoryState,
    TargetState,
)


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
    name_writers: bool = True,
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

    ``name_writers=False`` leaves out who rated or wrote each row (one query fewer), for a
    page that names no one.
    """
    month = month.replace(day=1)
    read = _Reading(
        plan=plan,
        as_at=as_at,
        month=month,
        start=add_months(month, -(months - 1)) if months else None,
        months=months,
        include_drafts=include_drafts,
        story=story,
        all_story=all_story,
        issue_ids=issue_ids,
    )
    return state_of(read, name_writers=name_writers)


def state_of(read: _Reading, *, name_writers: bool = True) -> PlanState:
    """The steps of ``plan_state`` for one reading (``batch`` gives it rows read for many
    plans at once; its pages show no writer's name, so it skips that query)."""
    people = _people(read)
    links = _strategy_links(read)
    issues = _issues(read)
    priorities = _priorities(read, issues)
    _link_issues(read, issues, links)
    actions = _actions(read, issues)
    _lead_actions(read, actions, people)
    targets = _targets(read, issues)
    read.parents = {
        "action": list(actions),
        "target": list(targets),
        "issue": list(issues),
        "priority": list(priorities),
    }
    _rate(read, actions, targets)
    story_by_priority = _story(read, issues, priorities)
    _assemble(issues, priorities, actions, targets, story_by_priority)
    if name_writers:
        _name_the_writers(actions.values(), targets.values(), issues.values(), story_by_priority)
    return PlanState(
        plan=read.plan,
        month=read.month,
        as_at=read.as_at,
        priorities=list(priorities.values()),
        people=people,
    )


@dataclass
class _Reading:
    """What every query of one ``plan_state`` call shares: the plan, the moment, the
    months and the issues it reads."""

    plan: Plan
    as_at: dt.datetime | None
    month: dt.date
    start: dt.date | None
    months: int | None
    include_drafts: bool
    story: bool
    all_story: bool
    issue_ids: Collection[int] | None
    parents: dict[str, list[int]] | None = None

    @property
    def some(self) -> bool:
        return self.issue_ids is not None

    def rows(self, model, *conditions, **filters) -> list:
        return read_columns(model, self.as_at, *conditions, **filters)

    def of(self, key: str, ids) -> dict:
        """``{key: ids}`` to filter by when only some issues are read, else nothing.

        With ``issue_ids``, rows of other issues are never read; without, the steps'
        guards (``if row.issue_id in issues``...) keep a row whose parent has gone at
        ``as_at`` out."""
        return {key: list(ids)} if self.some else {}

    def changes_not_in_effect(self, model) -> list:
        """The plan's approved changes (``model``: a change request) that take effect only
        after the month, so the month reads the items as they stood before them."""
        return list(
            model.objects.for_plan(self.plan).not_in_effect(self.month, as_at=self.as_at).order_by()
        )

    def wanted(self, row) -> bool:
        return self.include_drafts or row.state == EntryState.SUBMITTED

    def entries(self, model) -> list:
        """The rows of a monthly table (BRAGG, RAG, story so far) the call asks for."""
        if self.months == 0 or (model is StoryEntry and not self.story):
            return []
        parents = self.parents if self.some else None
        if model is StoryEntry and (self.start is None or self.all_story):
            return self.rows(StoryEntry, of_parents(StoryEntry, parents), plan_id=self.plan.id)
        window = {"plan_id": self.plan.id, "month": self.month, "start": self.start}
        if self.some:
            window["parents"] = parents
        return monthly_rows(model, self.as_at, **window)


def _people(read: _Reading) -> dict[int, PersonState]:
    return {
        p.id: PersonState(p.id, p.name, p.role, p.organisation, p.user_id)
        for p in read.rows(Person, area_id=read.plan.area_id)
    }


def _strategy_links(read: _Reading) -> dict[int, str]:
    return {s.id: s.name for s in read.rows(StrategyLink, area_id=read.plan.area_id)}


def _issues(read: _Reading) -> dict[int, IssueState]:
    kept = {"id__in": read.issue_ids} if read.some else {}
    rows = read.rows(Issue, plan_id=read.plan.id, **kept)
    issues = {
        row.id: IssueState(row.id, row.priority_id, row.ref, row.description, row.is_gap, row.order)
        for row in sorted(rows, key=lambda i: (i.order, i.ref, i.id))
    }
    written = Counter(issue.ref.strip() for issue in issues.values())
    for issue in issues.values():
        issue.shares_ref = written[issue.ref.strip()] > 1
    return issues


def _priorities(read: _Reading, issues: dict[int, IssueState]) -> dict[int, PriorityState]:
    of_issues = read.of("id__in", {issue.priority_id for issue in issues.values()})
    rows = read.rows(Priority, plan_id=read.plan.id, **of_issues)
    return {
        p.id: PriorityState(p.id, p.number, p.ref, p.title, p.description)
        for p in sorted(rows, key=lambda p: p.number)
    }


def _link_issues(read: _Reading, issues: dict[int, IssueState], links: dict[int, str]) -> None:
    within = read.of("issue_id__in", issues)
    for row in read.rows(IssueStrategyLink, plan_id=read.plan.id, **within):
        if row.issue_id in issues and row.strategy_link_id in links:
            issues[row.issue_id].strategy_links.append(links[row.strategy_link_id])
    for issue in issues.values():
        issue.strategy_links.sort()


def _as_in_month(read: _Reading, model, items: dict) -> None:
    """Put back what stood in the month on items whose approved change takes effect
    later (actions.change_requests.standing_in_month). One query."""
    for item_id, values in standing_in_month(read.changes_not_in_effect(model), read.month).items():
        if item_id in items:
            for name, value in values.items():
                setattr(items[item_id], name, value)


def _actions(read: _Reading, issues: dict[int, IssueState]) -> dict[int, ActionState]:
    rows = read.rows(Action, plan_id=read.plan.id, **read.of("issue_id__in", issues))
    actions = {
        row.id: ActionState(
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
        for row in sorted(rows, key=lambda a: (a.order, a.id))
    }
    _as_in_month(read, DueDateChangeRequest, actions)
    return actions


def _lead_actions(
    read: _Reading, actions: dict[int, ActionState], people: dict[int, PersonState]
) -> None:
    rows = read.rows(ActionLead, plan_id=read.plan.id, **read.of("action_id__in", actions))
    for row in sorted(rows, key=lambda r: (r.order, r.id)):
        if row.action_id in actions and row.person_id in people:
            actions[row.action_id].leads.append(people[row.person_id])


def _targets(read: _Reading, issues: dict[int, IssueState]) -> dict[int, TargetState]:
    rows = read.rows(OutcomeTarget, plan_id=read.plan.id, **read.of("issue_id__in", issues))
    targets = {
        row.id: TargetState(
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
            baseline_month=row.baseline_month,
            target_value=row.target_value,
            direction=row.direction,
            version=row.version,
        )
        for row in sorted(rows, key=lambda t: (t.order, t.id))
    }
    _as_in_month(read, TargetChangeRequest, targets)
    return targets


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


def _rate(read: _Reading, actions: dict[int, ActionState], targets: dict[int, TargetState]) -> None:
    """Each action's BRAGG rows and each target's RAG rows, with the month's and the
    latest, and whether the item is overdue (past its date without Green) that month."""
    month = read.month
    for row in read.entries(ActionStatus):
        if row.action_id in actions and read.wanted(row):
            actions[row.action_id].ratings.append(_rating(row))
    for row in read.entries(ImpactRating):
        if row.target_id in targets and read.wanted(row):
            targets[row.target_id].ratings.append(_rating(row, measured=True))
    for item in [*actions.values(), *targets.values()]:
        item.ratings.sort(key=lambda r: r.month, reverse=True)
        submitted = [r for r in item.ratings if r.is_submitted]
        item.latest = submitted[0] if submitted else None
        item.month_rating = next((r for r in item.ratings if r.month == month), None)
        if item.month_rating and not item.month_rating.is_submitted and not read.include_drafts:
            item.month_rating = None
    for action in actions.values():
        action.overdue = action.is_overdue(month)
    for target in targets.values():
        target.past_date_without_green = target.is_past_date_without_green(month)


def _story(
    read: _Reading, issues: dict[int, IssueState], priorities: dict[int, PriorityState]
) -> dict[int, list[StoryState]]:
    """The story so far up to the month: put on each issue, and returned by priority for
    the entries written for a whole priority."""
    story_by_priority = defaultdict(list)
    for row in read.entries(StoryEntry):
        if (row.month and row.month > read.month) or not read.wanted(row):
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
    return story_by_priority


def _story_key(entry: StoryState):
    # Newest month first; undated entries keep their place after the dated ones.
    return (entry.month or dt.date.min, -entry.order)


def _assemble(issues, priorities, actions, targets, story_by_priority) -> None:
    """Put the actions and targets on their issues, the issues and story on their
    priorities, the story newest first."""
    for issue in issues.values():
        issue.story.sort(key=_story_key, reverse=True)
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
        priorities[priority_id].story = sorted(entries, key=_story_key, reverse=True)


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
