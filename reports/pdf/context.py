"""What a progress statement shows, gathered from ``plan_state`` before any template runs.

Templates only loop over what is built here: they never reach the database. The plan is
read once for the period's last month (its ratings list already holds every earlier
month, which gives the monthly trend and the moves within the period); a second read, of
the plan as it stood when the previous report was issued to the same forum, gives "what
changed since the last report".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dateformat import format as date_format

from governance.models import Forum
from governance.periods import MONTH, QUARTER, YEAR, Period, period_containing
from progress.plan_state import (
    NOT_RATED,
    ActionState,
    IssueState,
    PlanState,
    PriorityState,
    StoryState,
    TargetState,
    plan_state,
)
from sendplan import ratings
from sendplan.models import Plan
from sendplan.months import month_words
from sendplan.ratings import BRAGG, RAG

from ..models import IssuedReport

REPORT_NAMES = {
    MONTH: "Monthly highlight report",
    QUARTER: "Quarterly progress statement",
    YEAR: "Annual statement",
}
TREND_MONTHS = 6  # the trend chart shows at least this many months, ending with the period


def tag_value(value: str) -> str:
    """What ``{% bragg_tag %}`` and ``{% rag_tag %}`` take: "" for no rating."""
    return "" if value == NOT_RATED else value


def key_definition(choices, value: str) -> str:
    if value == NOT_RATED:
        return "no submitted rating for the month"
    return choices(value).meaning


def moment_text(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return date_format(local, "j F Y, H:i")


@dataclass
class ActionRow:
    """An action as the report lists it, with the issue it serves."""

    action: ActionState
    issue_ref: str
    priority_number: int

    @property
    def status(self) -> str:
        return self.action.status

    @property
    def tag(self) -> str:
        return tag_value(self.action.status)

    @property
    def note(self) -> str:
        return self.action.month_rating.note if self.action.month_rating else ""

    @property
    def leads(self) -> str:
        return ", ".join(p.name for p in self.action.leads) or "No lead named"

    @property
    def due(self) -> str:
        action = self.action
        if action.is_ongoing:
            return "Ongoing"
        shown = month_words(action.due_month) or action.due_as_written or "No date"
        if action.is_slipped:
            shown += f" (was {month_words(action.original_due_month)})"
        return shown

    @property
    def completed(self) -> str:
        completed = self.action.completed_on
        return f"{completed:%-d %B %Y}" if completed else ""


@dataclass
class TargetRow:
    target: TargetState
    issue_ref: str
    priority_number: int

    @property
    def rag(self) -> str:
        return self.target.rag

    @property
    def tag(self) -> str:
        return tag_value(self.target.rag)

    @property
    def note(self) -> str:
        return self.target.month_rating.note if self.target.month_rating else ""

    @property
    def by(self) -> str:
        target = self.target
        if target.is_ongoing:
            return "Ongoing"
        return month_words(target.target_month) or target.target_as_written or "No date"

    @property
    def goal(self) -> str:
        """The quantified target, "90%", or nothing where the plan gives no number."""
        target = self.target
        if target.target_value is None:
            return ""
        return _figure(target.target_value, target.unit)

    @property
    def measured(self) -> str:
        measured = self.target.latest_measured
        return _figure(measured, self.target.unit) if measured is not None else "Not measured"


def _figure(value, unit: str) -> str:
    number = f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)
    if unit.startswith("%"):
        return f"{number}{unit}"
    return f"{number} {unit}".strip()


@dataclass
class IssueSection:
    issue: IssueState
    actions: list[ActionRow]
    targets: list[TargetRow]
    story: list[StoryState]


@dataclass
class PrioritySection:
    priority: PriorityState
    issues: list[IssueSection]
    story: list[StoryState]
    bragg_counts: list[dict]
    rag_counts: list[dict]
    off_track: dict[str, int] = field(default_factory=dict)


OFF_TRACK_KEYS = ("red", "amber", "overdue", "slipped", "targets_at_risk")


@dataclass
class Change:
    """One line of "what changed": a status move, a completion, a date slipping."""

    ref: str
    text: str
    before: str = ""
    after: str = ""
    detail: str = ""
    trail: list[tuple[str, str]] = field(default_factory=list)  # (month, tag value)


@dataclass
class Changes:
    since: str  # "the report issued on 3 April 2023 for January to March 2023"
    since_previous_report: bool
    status_moves: list[Change]
    rag_moves: list[Change]
    completions: list[Change]
    slipped: list[Change]
    new_actions: list[Change]

    @property
    def is_empty(self) -> bool:
        return not (
            self.status_moves
            or self.rag_moves
            or self.completions
            or self.slipped
            or self.new_actions
        )


@dataclass
class ReportData:
    plan: Plan
    area_name: str
    forum: Forum
    period: Period
    report_name: str
    title: str
    as_at: dt.datetime | None
    as_at_text: str
    generated_by: str
    generated_at_text: str
    is_preview: bool
    meeting_text: str
    state: PlanState
    bragg_counts: list[dict]
    rag_counts: list[dict]
    action_total: int
    target_total: int
    completions: list[ActionRow]
    overdue: list[ActionRow]
    slipped: list[ActionRow]
    targets_at_risk: list[TargetRow]
    red_amber_actions: list[ActionRow]
    red_amber_targets: list[TargetRow]
    priorities: list[PrioritySection]
    changes: Changes
    trend_months: list[dt.date]
    trend: dict[str, list[int]]  # BRAGG value (and "none") -> counts by trend month
    bragg_key: list[dict]
    rag_key: list[dict]
    story_count: int
    status_month: dt.date  # the month whose statuses are shown: see build_report_data
    charts: list = field(default_factory=list)  # filled by charts.report_charts

    @property
    def off_track_total(self) -> dict[str, int]:
        return {k: sum(s.off_track[k] for s in self.priorities) for k in OFF_TRACK_KEYS}

    @property
    def running_header(self) -> str:
        return f"{self.plan.title} · {self.forum.name} · {self.period.short_label}"


def _counts(counts: dict[str, int], choices) -> list[dict]:
    return [
        {
            "value": value,
            "tag": tag_value(value),
            "word": ratings.word("bragg" if choices is BRAGG else "rag", value),
            "definition": key_definition(choices, value),
            "count": count,
        }
        for value, count in counts.items()
    ]


def _key(choices) -> list[dict]:
    return [{"value": c.value, "word": c.word, "definition": c.meaning} for c in choices]


def previous_issued_report(
    plan: Plan, forum: Forum, period: Period, as_at: dt.datetime | None
) -> IssuedReport | None:
    """The report last issued to ``forum`` for an earlier period, as things stood at
    ``as_at``: a report issued later never changes what an earlier one compared with."""
    reports = IssuedReport.objects.without_content().filter(
        plan=plan, forum=forum, period_end__lt=period.start
    )
    if as_at is not None:
        reports = reports.filter(issued_at__lte=as_at)
    return reports.order_by("-period_end", "-issued_at").first()


def _status_on(action: ActionState | TargetState, month: dt.date) -> str:
    for rating in action.ratings:
        if rating.month == month and rating.is_submitted:
            return rating.value
    return NOT_RATED


def _changes(
    state: PlanState,
    period: Period,
    rows: dict[int, ActionRow],
    target_rows: dict[int, TargetRow],
    previous: IssuedReport | None,
) -> Changes:
    trail_months = [m for m in period.months if m <= state.month]
    status_moves, rag_moves, completions, slipped, new_actions = [], [], [], [], []
    if previous is not None:
        before_state = plan_state(state.plan, month=previous.period_end, as_at=previous.as_at)
        before_actions = {a.id: a for a in before_state.actions}
        before_targets = {t.id: t for t in before_state.targets}
        since = (
            f"the report for {previous.period_label} issued to this forum on "
            f"{timezone.localtime(previous.issued_at):%-d %B %Y}"
        )
    else:
        before_month = period.previous().end
        before_actions = before_targets = None
        since = f"the end of {month_words(before_month)} (no earlier report was issued)"

    for action_id, row in rows.items():
        action = row.action
        ref, text = row.issue_ref, action.text
        if before_actions is not None:
            before = before_actions.get(action_id)
            if before is None:
                new_actions.append(Change(ref, text, detail=row.due))
                continue
            before_status = before.status
            if action.due_month and before.due_month and action.due_month > before.due_month:
                slipped.append(
                    Change(
                        ref,
                        text,
                        before=month_words(before.due_month),
                        after=month_words(action.due_month),
                        detail=action.due_revised_reason,
                    )
                )
            was_completed = before.completed_on is not None
        else:
            before_status = _status_on(action, period.previous().end)
            if action.is_slipped and action.original_due_month <= period.end:
                slipped.append(
                    Change(
                        ref,
                        text,
                        before=month_words(action.original_due_month),
                        after=month_words(action.due_month),
                        detail=action.due_revised_reason,
                    )
                )
            was_completed = bool(action.completed_on and action.completed_on < period.start)
        if action.status != before_status:
            status_moves.append(
                Change(
                    ref,
                    text,
                    before=tag_value(before_status),
                    after=tag_value(action.status),
                    trail=[(f"{m:%b}", tag_value(_status_on(action, m))) for m in trail_months],
                )
            )
        if action.completed_on and not was_completed and action.completed_on <= period.last_day:
            completions.append(Change(ref, text, detail=row.completed))

    for target_id, row in target_rows.items():
        target = row.target
        if before_targets is not None:
            before = before_targets.get(target_id)
            before_rag = before.rag if before else NOT_RATED
        else:
            before_rag = _status_on(target, period.previous().end)
        if target.rag != before_rag:
            rag_moves.append(
                Change(
                    row.issue_ref,
                    target.text,
                    before=tag_value(before_rag),
                    after=tag_value(target.rag),
                    trail=[(f"{m:%b}", tag_value(_status_on(target, m))) for m in trail_months],
                )
            )

    return Changes(
        since=since,
        since_previous_report=previous is not None,
        status_moves=status_moves,
        rag_moves=rag_moves,
        completions=completions,
        slipped=slipped,
        new_actions=new_actions,
    )


def latest_month_with_updates(state: PlanState, period: Period) -> dt.date:
    """The period's last month with a submitted rating or story so far entry, or its last
    month if it has none."""
    months = {
        rating.month
        for item in [*state.actions, *state.targets]
        for rating in item.ratings
        if rating.is_submitted
    }
    months |= {entry.month for entry in state.story if entry.month}
    in_period = [m for m in months if period.start <= m <= period.end]
    return max(in_period) if in_period else period.end


def _trend(state: PlanState, period: Period) -> tuple[list[dt.date], dict[str, list[int]]]:
    months_in_period = [m for m in period.months if m <= state.month]
    count = max(len(months_in_period), TREND_MONTHS)
    months = []
    month = state.month
    for _ in range(count):
        months.append(month)
        month = period_containing(month - dt.timedelta(days=1), MONTH).start
    months.reverse()
    trend = {value: [0] * count for value in [*BRAGG.values, NOT_RATED]}
    index = {m: i for i, m in enumerate(months)}
    actions = state.actions
    for action in actions:
        rated = set()
        for rating in action.ratings:
            i = index.get(rating.month)
            if i is not None and rating.is_submitted:
                trend[rating.value][i] += 1
                rated.add(i)
        for i in range(count):
            if i not in rated:
                trend[NOT_RATED][i] += 1
    return months, trend


def build_report_data(
    *,
    plan: Plan,
    forum: Forum,
    period: Period,
    as_at: dt.datetime | None = None,
    generated_by: str = "",
    is_preview: bool = True,
    meeting=None,
    state: PlanState | None = None,
) -> ReportData:
    """Everything the report shows, for ``period``, live or as the plan stood at ``as_at``.

    Statuses are those of the period's last month, or of its latest month with anything
    submitted when the period is not over yet (an annual statement in May shows April).
    """
    if state is None:
        state = plan_state(plan, month=period.end, as_at=as_at)
        latest = latest_month_with_updates(state, period)
        if latest != state.month:
            state = plan_state(plan, month=latest, as_at=as_at)
    now = timezone.now()

    rows: dict[int, ActionRow] = {}
    target_rows: dict[int, TargetRow] = {}
    sections = []
    in_period = set(period.months)
    story_count = 0
    for priority in state.priorities:
        issue_sections = []
        for issue in priority.issues:
            action_rows = [ActionRow(a, issue.ref, priority.number) for a in issue.actions]
            t_rows = [TargetRow(t, issue.ref, priority.number) for t in issue.targets]
            rows.update({r.action.id: r for r in action_rows})
            target_rows.update({r.target.id: r for r in t_rows})
            story = [s for s in issue.story if s.month in in_period]
            story_count += len(story)
            issue_sections.append(IssueSection(issue, action_rows, t_rows, story))
        priority_story = [s for s in priority.story if s.month in in_period]
        story_count += len(priority_story)
        sections.append(
            PrioritySection(
                priority,
                issue_sections,
                priority_story,
                _counts(state.bragg_counts(priority.actions), BRAGG),
                _counts(state.rag_counts(priority.targets), RAG),
            )
        )

    exceptions = state.exceptions()
    at_risk_ids = {t.id for t in exceptions["red_amber_targets"]}
    at_risk_ids |= {t.id for t in exceptions["targets_past_date"]}
    overdue_ids = {a.id for a in exceptions["overdue_actions"]}
    slipped_ids = {a.id for a in exceptions["slipped_actions"]}
    for section in sections:
        actions = section.priority.actions
        section.off_track = {
            "red": sum(a.status == BRAGG.RED for a in actions),
            "amber": sum(a.status == BRAGG.AMBER for a in actions),
            "overdue": sum(a.id in overdue_ids for a in actions),
            "slipped": sum(a.id in slipped_ids for a in actions),
            "targets_at_risk": sum(t.id in at_risk_ids for t in section.priority.targets),
        }
    previous = previous_issued_report(plan, forum, period, as_at)
    trend_months, trend = _trend(state, period)
    report_name = REPORT_NAMES[period.kind]
    meeting_text = ""
    if meeting is not None:
        meeting_text = f"{forum.name} meeting of {meeting.date:%-d %B %Y}"

    return ReportData(
        plan=plan,
        area_name=plan.area.name,
        forum=forum,
        period=period,
        report_name=report_name,
        title=f"{report_name}, {period.label}: {forum.name}",
        as_at=as_at,
        as_at_text=moment_text(as_at or now),
        generated_by=generated_by,
        generated_at_text=moment_text(now),
        is_preview=is_preview,
        meeting_text=meeting_text,
        state=state,
        bragg_counts=_counts(state.bragg_counts(), BRAGG),
        rag_counts=_counts(state.rag_counts(), RAG),
        action_total=len(rows),
        target_total=len(target_rows),
        completions=[rows[a.id] for a in state.completed_in(period.start, period.last_day)],
        overdue=[rows[a.id] for a in exceptions["overdue_actions"]],
        slipped=[rows[a.id] for a in exceptions["slipped_actions"]],
        targets_at_risk=[r for r in target_rows.values() if r.target.id in at_risk_ids],
        red_amber_actions=[rows[a.id] for a in exceptions["red_amber_actions"]],
        red_amber_targets=[target_rows[t.id] for t in exceptions["red_amber_targets"]],
        priorities=sections,
        changes=_changes(state, period, rows, target_rows, previous),
        trend_months=trend_months,
        trend=trend,
        bragg_key=_key(BRAGG),
        rag_key=_key(RAG),
        story_count=story_count,
        status_month=state.month,
    )
