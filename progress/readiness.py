"""Inspection readiness: what an inspector would find weak in a plan, priority by priority,
a score per priority (checks passed of checks applicable) and its trend by month.

The rules are the plan's, each written once where it belongs (actions.rules,
outcomes.rules, sendplan.milestones); this module only applies them to a plan's state and
counts. It sits in ``progress`` because that is the lowest layer that sees every one of
those rules and the plan's state ("as at" too); the page and the pack's appendix
(``reports``) and ``manage.py readiness`` all ask ``plan_readiness``.

Checks, and when each applies:

- each priority has an outcome target (always);
- each target has a baseline, a unit, and a recent measured figure (always), and a Green
  rating has a measured figure (when its latest rating up to the month is Green);
- each action past its due month is done (when it has a due month before the month and is
  not ongoing: the plan's overdue rule, where done is Blue or a completion date), a Blue
  action has a completion date (when its latest rating is Blue), and an action has a lead
  (always); where a plan requires evidence for Blue, the evidence checks registered with
  ``add_blue_evidence_check`` add theirs;
- each story so far (an issue's, not a gap in the source; or a priority's where the plan
  reports at that level) was updated in the month or the month before (always);
- each past milestone serving the priority has the priority's actions done (when its month
  has passed and the priority has actions): the dashboard's "Missed", judged per priority.

**The trend** gives each month's score at that month's end: the same checks applied to the
ratings, story so far and completion dates recorded for the months up to it, on the
plan's structure (targets, baselines, units, leads, milestones) as it stands, or as it
stood at the page's "as at" date. A month's figures are its ratings, as the dashboard's
trend counts them, so one reading of the plan gives every month of it and the page's cost
does not grow with the months a plan has run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from actions import rules as action_rules
from actions.models import DueDateChangeRequest, EntryState
from outcomes import rules as target_rules
from outcomes.models import TargetChangeRequest
from sendplan import milestones as milestone_rules
from sendplan.models import Milestone, MilestonePriority, Plan, ReportingMonth, StoryLevel
from sendplan.month_shown import month_shown
from sendplan.months import add_months, month_words
from sendplan.ratings import BRAGG, RAG

from .plan_state import ActionState, PlanState, PriorityState, TargetState, plan_state, rows_as_at
from .plan_state.batch import plan_states

TREND_MONTHS = 12
# The trend's first month looks back this far: a recent figure is one of three months.
LOOK_BACK = target_rules.RECENT_FIGURE_MONTHS - 1

# What each check asks, in the order the page lists them.
CHECKS = {
    "priority_target": "The priority has an outcome target",
    "target_baseline": "The outcome target has a baseline",
    "target_unit": "The outcome target has a unit",
    "target_figure": "The outcome target has a figure measured in the last three months",
    "green_figure": "A Green rating has a measured figure",
    "action_overdue": "An action past its due month is done",
    "blue_completion": "A Blue action has a completion date",
    "blue_evidence": "A Blue action has the evidence the plan requires",
    "action_lead": "The action has a lead",
    "story_updated": "The story so far was updated in the last two months",
    "milestone_done": "A past milestone's actions are done",
}

# An evidence check: (plan state, month) -> ids of the Blue actions lacking the evidence
# the plan requires. The evidence app registers one from its AppConfig.ready(); with none
# registered, the check does not apply.
BlueEvidenceCheck = Callable[[PlanState, dt.date], set[int]]
_blue_evidence_checks: list[BlueEvidenceCheck] = []


def add_blue_evidence_check(check: BlueEvidenceCheck) -> None:
    if check not in _blue_evidence_checks:
        _blue_evidence_checks.append(check)


def checks_in_use() -> dict[str, str]:
    """The checks this installation applies, and what each asks."""
    if _blue_evidence_checks:
        return dict(CHECKS)
    return {code: words for code, words in CHECKS.items() if code != "blue_evidence"}


@dataclass(frozen=True)
class Finding:
    """One weakness, with what it is about: ``kind`` (priority, issue, action, target,
    milestone) and its id, the issue's ref where it has one, for a link to the item."""

    check: str
    kind: str
    item_id: int
    text: str
    words: str
    issue_ref: str = ""
    # The issue's part of its page's address (``IssueState.url_key``).
    issue_key: str = ""

    @property
    def check_words(self) -> str:
        return CHECKS[self.check]


@dataclass
class Score:
    month: dt.date
    passed: int = 0
    applicable: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.passed / self.applicable) if self.applicable else None

    @property
    def words(self) -> str:
        if not self.applicable:
            return "No checks apply"
        return f"{self.passed} of {self.applicable} checks passed ({self.percent}%)"


@dataclass
class PriorityReadiness:
    priority: PriorityState
    findings: list[Finding]
    score: Score
    trend: list[Score] = field(default_factory=list)  # oldest month first


@dataclass
class Readiness:
    plan: Plan
    month: dt.date
    as_at: dt.datetime | None
    priorities: list[PriorityReadiness]
    trend_months: list[dt.date]

    @property
    def score(self) -> Score:
        return _total(self.month, [p.score for p in self.priorities])

    @property
    def trend(self) -> list[Score]:
        return [
            _total(month, [p.trend[i] for p in self.priorities])
            for i, month in enumerate(self.trend_months)
        ]

    @property
    def findings(self) -> list[Finding]:
        return [f for p in self.priorities for f in p.findings]


def _total(month: dt.date, scores: list[Score]) -> Score:
    return Score(month, sum(s.passed for s in scores), sum(s.applicable for s in scores))


def plan_readiness(
    plan: Plan, *, as_at: dt.datetime | None = None, month: dt.date | None = None, today=None
) -> Readiness:
    """The plan's readiness for ``month`` (by default the month its pages open on), live or
    as it stood at ``as_at``: a fixed number of queries whatever the plan's size."""
    months = rows_as_at(ReportingMonth, as_at, plan_id=plan.id)
    if month is None:
        as_at_date = timezone.localtime(as_at).date() if as_at else None
        month = month_shown(months, today=today or timezone.localdate(), as_at_date=as_at_date)
    month = month.replace(day=1)
    state = plan_state(
        plan, month=month, as_at=as_at, months=TREND_MONTHS + LOOK_BACK, name_writers=False
    )
    first = min((m.month for m in months), default=None)
    return readiness_of(state, milestones=plan_milestones(plan, as_at), first_month=first)


def plans_readiness(
    plans: list[Plan],
    *,
    trend_months: int = TREND_MONTHS,
    today=None,
    reporting_months: dict[int, list] | None = None,
) -> dict[int, Readiness]:
    """``plan_readiness`` of many plans, live, each for the month its pages open on, with a
    trend of ``trend_months``: a fixed number of queries whatever the number of plans (for
    the advisers' page across every area). ``reporting_months`` (by plan id) spares reading
    them again when the caller has."""
    ids = [p.id for p in plans]
    months = reporting_months
    if months is None:
        months = _by_plan(ReportingMonth.objects.filter(plan_id__in=ids).order_by())
    today = today or timezone.localdate()
    month_of = {p.id: month_shown(months.get(p.id, []), today=today) for p in plans}
    states = plan_states(plans, month_of=month_of, months=trend_months + LOOK_BACK)
    milestones = _by_plan(Milestone.objects.filter(plan_id__in=ids).order_by())
    links = _by_plan(MilestonePriority.objects.filter(plan_id__in=ids).order_by())
    return {
        p.id: readiness_of(
            states[p.id],
            milestones=_milestone_links(milestones.get(p.id, []), links.get(p.id, [])),
            trend_months=trend_months,
            first_month=min((m.month for m in months.get(p.id, [])), default=None),
        )
        for p in plans
    }


def _by_plan(rows) -> dict[int, list]:
    found: dict[int, list] = {}
    for row in rows:
        found.setdefault(row.plan_id, []).append(row)
    return found


@dataclass(frozen=True)
class MilestoneLink:
    id: int
    text: str
    period: str
    due_month: dt.date | None
    priority_ids: frozenset[int]


@dataclass(frozen=True)
class PendingChange:
    """A change to what the plan promised, asked for and not yet decided: the readiness
    check lists it, as an inspector would ask about goalposts on the move."""

    kind_words: str
    text: str
    changes: str
    asked_by: str
    asked_on: dt.date
    issue_ref: str
    issue_key: str = ""


def pending_changes(plan: Plan, *, as_at: dt.datetime | None = None) -> list[PendingChange]:
    """The plan's target and due-date changes waiting for a decision (now, or at
    ``as_at``), oldest first: two queries."""
    found = []
    for model in (TargetChangeRequest, DueDateChangeRequest):
        rows = (
            model.objects.for_plan(plan)
            .waiting_at(as_at)
            .select_related(f"{model.subject_field}__issue", "requested_by")
        )
        for row in rows:
            found.append(
                PendingChange(
                    row.kind_words,
                    row.subject.text,
                    "; ".join(f"{what}: {was} → {now}" for what, was, now in row.changes()),
                    row.requested_by_name,
                    timezone.localtime(row.requested_at).date(),
                    row.subject.issue.ref,
                    row.subject.issue.url_key,
                )
            )
    return sorted(found, key=lambda change: change.asked_on)


def plan_milestones(plan: Plan, as_at: dt.datetime | None) -> list[MilestoneLink]:
    return _milestone_links(
        rows_as_at(Milestone, as_at, plan_id=plan.id),
        rows_as_at(MilestonePriority, as_at, plan_id=plan.id),
    )


def _milestone_links(milestones, links) -> list[MilestoneLink]:
    return [
        MilestoneLink(
            m.id,
            m.text,
            m.period,
            m.due_month,
            frozenset(link.priority_id for link in links if link.milestone_id == m.id),
        )
        for m in sorted(
            milestones,
            key=lambda m: (m.due_month or dt.date.max, m.order),
        )
    ]


def readiness_of(
    state: PlanState,
    *,
    milestones: list[MilestoneLink],
    trend_months: int = TREND_MONTHS,
    first_month: dt.date | None = None,
) -> Readiness:
    """Readiness from a plan state holding its ratings for the trend's months and the two
    before them (``plan_readiness`` reads it so; a report's full state will do too). The
    trend starts no earlier than ``first_month`` (the plan's first reporting month)."""
    month = state.month
    first = add_months(month, -(trend_months - 1))
    if first_month and first < first_month <= month:
        first = first_month.replace(day=1)
    months = []
    while first <= month:
        months.append(first)
        first = add_months(first, 1)
    by_priority = state.plan.story_level == StoryLevel.PRIORITY
    evidence = {m: _evidence_missing(state, m) for m in months}
    priorities = []
    for priority in state.priorities:
        mine = [m for m in milestones if priority.id in m.priority_ids]
        trend = []
        for m in months:
            # Only the month shown lists its findings; the others give the trend's scores.
            score, found = _check_priority(
                priority, m, mine, by_priority, evidence[m], collect=m == month
            )
            trend.append(score)
        priorities.append(PriorityReadiness(priority, found, trend[-1], trend))
    return Readiness(state.plan, month, state.as_at, priorities, months)


def _evidence_missing(state: PlanState, month: dt.date) -> set[int] | None:
    """The Blue actions lacking required evidence; None where the check does not apply
    (no evidence app, or a plan that does not require evidence for Blue)."""
    if not _blue_evidence_checks or not state.plan.evidence_required_for_blue:
        return None
    return set().union(*(check(state, month) for check in _blue_evidence_checks))


class _Tally:
    """Counts checks passed of checks applicable; lists what failed only where the
    findings are shown (the selected month: the trend's other months need only scores)."""

    def __init__(self, month: dt.date, collect: bool = True):
        self.score = Score(month)
        self.findings: list[Finding] = []
        self.collect = collect

    def check(self, passed: bool, finding: Callable[[], Finding]) -> None:
        self.score.applicable += 1
        if passed:
            self.score.passed += 1
        elif self.collect:
            self.findings.append(finding())


def _check_priority(
    priority: PriorityState,
    month: dt.date,
    milestones: list[MilestoneLink],
    by_priority: bool,
    evidence_missing: set[int] | None,
    collect: bool = True,
) -> tuple[Score, list[Finding]]:
    tally = _Tally(month, collect)
    targets = priority.targets
    tally.check(
        not target_rules.priority_lacks_target(target_count=len(targets)),
        lambda: Finding(
            "priority_target",
            "priority",
            priority.id,
            priority.short_label,
            "No outcome target under this priority.",
        ),
    )
    issues = {issue.id: issue for issue in priority.issues}
    for target in targets:
        _check_target(tally, target, month, issues[target.issue_id])
    for action in priority.actions:
        _check_action(tally, action, month, issues[action.issue_id], evidence_missing)
    _check_story(tally, priority, month, by_priority)
    _check_milestones(tally, priority, milestones, month)
    return tally.score, tally.findings


def _submitted(item, month: dt.date) -> list:
    """The item's submitted rows up to ``month``, newest first."""
    return [r for r in item.submitted_ratings if r.month <= month]


def _check_target(tally: _Tally, target: TargetState, month: dt.date, issue) -> None:
    def finding(check: str, words) -> Callable[[], Finding]:
        # ``words`` may be a callable: what it says is worked out only if it is shown.
        return lambda: Finding(
            check,
            "target",
            target.id,
            target.text,
            words() if callable(words) else words,
            issue.ref,
            issue.url_key,
        )

    rows = _submitted(target, month)
    latest = rows[0] if rows else None
    tally.check(
        not target_rules.lacks_baseline(baseline=target.baseline),
        finding("target_baseline", "No baseline."),
    )
    tally.check(not target_rules.lacks_unit(unit=target.unit), finding("target_unit", "No unit."))
    measured = [r.month for r in rows if r.measured_value is not None and not r.carried]
    tally.check(
        target_rules.has_recent_figure(measured_months=measured, month=month),
        finding(
            "target_figure",
            lambda: f"Last measured {month_words(measured[0])}." if measured else "Never measured.",
        ),
    )
    if latest is not None and latest.value == RAG.GREEN:
        tally.check(
            not target_rules.is_green_without_figure(
                rag=latest.value, measured=latest.measured_value
            ),
            finding(
                "green_figure",
                lambda: f"Rated Green in {month_words(latest.month)} with no figure.",
            ),
        )


def _check_action(
    tally: _Tally,
    action: ActionState,
    month: dt.date,
    issue,
    evidence_missing: set[int] | None,
) -> None:
    def finding(check: str, words) -> Callable[[], Finding]:
        return lambda: Finding(
            check,
            "action",
            action.id,
            action.text,
            words() if callable(words) else words,
            issue.ref,
            issue.url_key,
        )

    rows = _submitted(action, month)
    latest = rows[0].value if rows else None
    due = action.due_month
    if due and not action.is_ongoing and due < month:
        tally.check(
            not action_rules.is_overdue(
                due_month=due,
                is_ongoing=action.is_ongoing,
                completed_on=action.completed_on,
                latest_status=latest,
                month=month,
            ),
            finding("action_overdue", lambda: f"Due {month_words(due)} and not Blue."),
        )
    if latest == BRAGG.BLUE:
        tally.check(
            not action_rules.is_blue_without_completion(
                latest_status=latest, completed_on=action.completed_on
            ),
            finding("blue_completion", "Blue with no completion date."),
        )
        if evidence_missing is not None:
            tally.check(
                action.id not in evidence_missing,
                finding("blue_evidence", "Blue with no evidence, which the plan requires."),
            )
    tally.check(
        not action_rules.has_no_lead(lead_count=len(action.leads)),
        finding("action_lead", "No lead named."),
    )


def _last_updated(entries, month: dt.date) -> dt.date | None:
    return max(
        (
            e.month
            for e in entries
            if e.month and e.month <= month and e.state == EntryState.SUBMITTED and not e.carried
        ),
        default=None,
    )


def _check_story(tally: _Tally, priority: PriorityState, month: dt.date, by_priority) -> None:
    def finding(kind, item_id, text, last, ref="", key="") -> Callable[[], Finding]:
        def words() -> str:
            return f"Last updated {month_words(last)}." if last else "No story so far written."

        return lambda: Finding("story_updated", kind, item_id, text, words(), ref, key)

    if by_priority:
        last = _last_updated(priority.story, month)
        tally.check(
            not action_rules.is_story_stale(last_updated=last, month=month),
            finding("priority", priority.id, f"{priority.short_label} story so far", last),
        )
        return
    for issue in priority.issues:
        if issue.is_gap:
            continue
        last = _last_updated(issue.story, month)
        tally.check(
            not action_rules.is_story_stale(last_updated=last, month=month),
            finding(
                "issue", issue.id, f"Story so far of {issue.ref}", last, issue.ref, issue.url_key
            ),
        )


def _check_milestones(tally: _Tally, priority: PriorityState, milestones, month) -> None:
    actions = priority.actions
    if not actions:
        return
    done = sum(1 for a in actions if _done(a, month))
    for milestone in milestones:
        if not (milestone.due_month and milestone.due_month < month):
            continue
        tally.check(
            not milestone_rules.is_past_with_items_not_done(
                due_month=milestone.due_month, month=month, total=len(actions), done=done
            ),
            lambda m=milestone: Finding(
                "milestone_done",
                "milestone",
                m.id,
                f"{m.period}: {m.text}",
                f"{done} of {len(actions)} actions done; due {month_words(m.due_month)}.",
            ),
        )


def _done(action: ActionState, month: dt.date) -> bool:
    rows = _submitted(action, month)
    return action_rules.is_done(
        completed_on=action.completed_on,
        latest_status=rows[0].value if rows else None,
        month=month,
    )
