"""The items of a month's update and who leads each, read from ``plan_state``.

An item is an action (its BRAGG status), an outcome target (its RAG impact rating) or a
story so far (per issue to be addressed, or per priority where the plan reports at that
level). A lead's items are the actions they lead; the targets tied to those actions or
belonging to the issues where they lead an action; and the story so far of those issues.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from actions.models import Action, ActionLead
from outcomes.models import OutcomeTarget
from progress.plan_state import (
    ActionState,
    IssueState,
    PlanState,
    PriorityState,
    Rating,
    StoryState,
    TargetState,
    plan_state,
)
from sendplan.models import Issue, Plan, StoryLevel, issue_url_key

SUBMITTED = "submitted"
DRAFT = "draft"
MISSING = "missing"
PROGRESS_WORDS = {SUBMITTED: "Submitted", DRAFT: "Draft", MISSING: "Missing"}


@dataclass
class Item:
    kind: str  # "action", "target" or "story"
    key: str  # the form prefix: action-12, target-7, story-3 (issue) or story-p2 (priority)
    obj_id: int
    label: str
    priority: PriorityState
    issue: IssueState | None
    lead_ids: frozenset[int]
    current: Rating | StoryState | None  # this month's row, draft or submitted
    previous: Rating | StoryState | None  # the newest submitted row of an earlier month
    action: ActionState | None = None
    target: TargetState | None = None

    @property
    def progress(self) -> str:
        if self.current is None:
            return MISSING
        return SUBMITTED if self.current.state == SUBMITTED else DRAFT

    @property
    def previous_by(self) -> str:
        """Who wrote last month's entry (a rating's rater or a story's author)."""
        if self.previous is None:
            return ""
        return getattr(self.previous, "by_name", "") or getattr(self.previous, "author_name", "")

    @property
    def progress_word(self) -> str:
        return PROGRESS_WORDS[self.progress]

    @property
    def is_settled(self) -> bool:
        """Submitted for the month: its page shows it briefly, with a way to change it."""
        return self.progress == SUBMITTED

    @property
    def is_carried(self) -> bool:
        """Submitted unchanged from last month (by its lead, or as completed or not due)."""
        return self.progress == SUBMITTED and bool(getattr(self.current, "carried", False))

    @property
    def task_word(self) -> str:
        """The item's state on the lead's task list: To do, Draft, Submitted or Unchanged."""
        if self.is_carried:
            return "Unchanged"
        return {SUBMITTED: "Submitted", DRAFT: "Draft", MISSING: "To do"}[self.progress]

    @property
    def task_tag(self) -> str:
        """The colour of the state's tag, GOV.UK task list style: a tag while something is
        left to do (To do blue, Draft yellow), plain words once it is done."""
        return {"To do": "blue", "Draft": "yellow"}.get(self.task_word, "")

    @property
    def can_carry(self) -> bool:
        """Whether "no change since last month" can stand for this item's update: it has
        a submitted entry from an earlier month and none yet this month."""
        return self.current is None and self.previous is not None

    @property
    def short_label(self) -> str:
        """The item as a lead's task names it: "Action 1.2: Develop a data dashboard"."""
        if self.kind == "story":
            return self.label
        words = self.label.split()
        text = " ".join(words[:10]) + ("…" if len(words) > 10 else "")
        return f"{self.kind_word} {self.where}: {text}"

    @property
    def kind_word(self) -> str:
        return {"action": "Action", "target": "Outcome target", "story": "Story so far"}[self.kind]

    @property
    def where(self) -> str:
        return self.issue.ref if self.issue else self.priority.short_label


def _split(ratings: Iterable, month: dt.date):
    current = previous = None
    for rating in ratings:  # newest month first
        if rating.month == month:
            current = rating
        elif rating.month and rating.month < month and rating.state == SUBMITTED:
            previous = rating
            break
    return current, previous


def _leads(actions: Iterable[ActionState]) -> frozenset[int]:
    return frozenset(p.id for a in actions for p in a.leads)


def month_items(state: PlanState) -> list[Item]:
    """Every item of the plan for ``state.month`` (read with drafts), in plan order."""
    month = state.month
    by_priority = state.plan.story_level == StoryLevel.PRIORITY
    actions_by_id = {a.id: a for a in state.actions}
    items = []
    for priority in state.priorities:
        for issue in priority.issues:
            issue_leads = _leads(issue.actions)
            for action in issue.actions:
                current, previous = _split(action.ratings, month)
                items.append(
                    Item(
                        "action",
                        f"action-{action.id}",
                        action.id,
                        action.text,
                        priority,
                        issue,
                        _leads([action]),
                        current,
                        previous,
                        action=action,
                    )
                )
            for target in issue.targets:
                current, previous = _split(target.ratings, month)
                tied = actions_by_id.get(target.action_id)
                leads = issue_leads | (_leads([tied]) if tied else frozenset())
                items.append(
                    Item(
                        "target",
                        f"target-{target.id}",
                        target.id,
                        target.text,
                        priority,
                        issue,
                        leads,
                        current,
                        previous,
                        target=target,
                    )
                )
            if not by_priority and not issue.is_gap:
                current, previous = _split(issue.story, month)
                items.append(
                    Item(
                        "story",
                        f"story-{issue.id}",
                        issue.id,
                        f"Story so far for {issue.ref}",
                        priority,
                        issue,
                        issue_leads,
                        current,
                        previous,
                    )
                )
        if by_priority:
            current, previous = _split(priority.story, month)
            items.append(
                Item(
                    "story",
                    f"story-p{priority.id}",
                    priority.id,
                    f"Story so far for {priority.short_label}",
                    priority,
                    None,
                    _leads(priority.actions),
                    current,
                    previous,
                )
            )
    return items


def issues_led_by(plan: Plan, person_ids: Iterable[int]) -> set[int]:
    """The issues to be addressed holding every item these people lead: those where they
    lead an action, and those of the outcome targets tied to an action they lead. With
    ``plan_state(..., issue_ids=...)`` a lead's update reads only these."""
    pairs = ActionLead.objects.filter(plan=plan, person_id__in=person_ids).values_list(
        "action__issue_id", "action__outcome_targets__issue_id"
    )
    return {issue_id for pair in pairs for issue_id in pair if issue_id is not None}


def items_led_by(items: Iterable[Item], person_ids: Iterable[int]) -> list[Item]:
    person_ids = frozenset(person_ids)
    return [item for item in items if item.lead_ids & person_ids]


# An item's key: action-12, target-7, story-3 (an issue's) or story-p2 (a priority's). Ids
# of more digits than a database integer holds are no item's.
_KEY = re.compile(r"(action|target|story)-(p?)([0-9]{1,9})")


def issues_holding(plan: Plan, keys: Iterable[str]) -> set[int]:
    """The issues to be addressed holding the items with these keys, and those their
    leads are read from: a target's tied action's issue, every issue of a priority whose
    story so far it is. Keys that name nothing are left out."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for key in keys:
        if match := _KEY.fullmatch(key):
            kind, of_priority, pk = match.groups()
            wanted["priority" if of_priority else kind].add(int(pk))
    found = set(wanted["story"])
    if wanted["action"]:
        actions = Action.objects.filter(plan=plan, pk__in=wanted["action"])
        found.update(actions.values_list("issue_id", flat=True))
    if wanted["target"]:
        targets = OutcomeTarget.objects.filter(plan=plan, pk__in=wanted["target"])
        for pair in targets.values_list("issue_id", "action__issue_id"):
            found.update(issue_id for issue_id in pair if issue_id is not None)
    if wanted["priority"]:
        issues = Issue.objects.filter(plan=plan, priority_id__in=wanted["priority"])
        found.update(issues.values_list("id", flat=True))
    return found


def lead_items(
    plan: Plan, month: dt.date, person_ids: Iterable[int], *, entries: bool = True
) -> list[Item]:
    """The items these people lead for ``month``, with this month's entry (draft or
    submitted) and the previous submitted one: what their monthly update shows. Without
    ``entries``, the items alone, for saving them (the save reads and locks the rows)."""
    person_ids = frozenset(person_ids)
    state = plan_state(
        plan,
        month=month,
        include_drafts=True,
        months=1 if entries else 0,
        issue_ids=issues_led_by(plan, person_ids),
    )
    return items_led_by(month_items(state), person_ids)


def items_of_issues(
    plan: Plan, month: dt.date, issue_ids: Iterable[int], *, entries: bool = True
) -> dict[str, Item]:
    """The items of these issues for ``month`` by key, as ``lead_items`` reads them."""
    state = plan_state(
        plan, month=month, include_drafts=True, months=1 if entries else 0, issue_ids=issue_ids
    )
    return {item.key: item for item in month_items(state)}


@dataclass
class Group:
    """Items shown together under one issue to be addressed (or one priority's story)."""

    priority: PriorityState
    issue: IssueState | None
    items: list[Item] = field(default_factory=list)

    @property
    def heading(self) -> str:
        if self.issue:
            return f"{self.issue.ref} {self.issue.description}".strip()
        return self.priority.label

    @property
    def section(self) -> str:
        """The group's part of its page address: the issue's ref, or "priority-2"."""
        return section_of(self.priority, self.issue)

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.progress == SUBMITTED)


def section_of(priority: PriorityState, issue: IssueState | None) -> str:
    """An issue's page is its reference, unless that cannot name it alone (another issue
    writes it too, or it reads like a priority's page): then its id (``issue_url_key``)."""
    if issue is None:
        return f"priority-{priority.number}"
    return issue_url_key(
        issue.ref, issue.id, shared=issue.shares_ref or issue.ref.startswith("priority-")
    )


def grouped(items: Iterable[Item]) -> list[Group]:
    groups: dict[tuple, Group] = {}
    for item in items:
        key = (item.priority.id, item.issue.id if item.issue else None)
        if key not in groups:
            groups[key] = Group(item.priority, item.issue)
        groups[key].items.append(item)
    return list(groups.values())


@dataclass
class LeadProgress:
    person_id: int
    name: str
    has_login: bool
    items: list[Item]

    def count(self, progress: str) -> int:
        return sum(1 for item in self.items if item.progress == progress)

    @property
    def submitted(self) -> int:
        return self.count(SUBMITTED)

    @property
    def draft(self) -> int:
        return self.count(DRAFT)

    @property
    def missing(self) -> int:
        return self.count(MISSING)

    @property
    def outstanding(self) -> list[Item]:
        return [item for item in self.items if item.progress != SUBMITTED]


def progress_by_lead(state: PlanState, items: list[Item]) -> list[LeadProgress]:
    """Each person who leads something, with their items, in name order."""
    leads = []
    for person in sorted(state.people.values(), key=lambda p: p.name):
        mine = [item for item in items if person.id in item.lead_ids]
        if mine:
            leads.append(LeadProgress(person.id, person.name, person.user_id is not None, mine))
    return leads


def counts(items: Iterable[Item]) -> dict[str, int]:
    result = {SUBMITTED: 0, DRAFT: 0, MISSING: 0}
    for item in items:
        result[item.progress] += 1
    return result


def target_lead_ids(target: OutcomeTarget) -> frozenset[int]:
    """Who leads an outcome target: the leads of its issue's actions and of the action it
    measures, as ``month_items`` gives a target's item."""
    rows = ActionLead.objects.filter(
        Q(action__issue_id=target.issue_id) | Q(action_id=target.action_id)
    )
    return frozenset(rows.values_list("person_id", flat=True))
