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
from governance.periods import MONTH, QUARTER, YEAR, Period
from outcomes.models import TargetChangeRequest
from progress.plan_state import PlanState, plan_state
from progress.readiness import Readiness, plan_milestones, readiness_of
from sendplan.models import Plan
from sendplan.ratings import BRAGG, RAG

from .change_log import LoggedChange, LoggedDissent, change_log, dissent_log
from .changes import (
    TREND_MONTHS,
    Change,
    Changes,
    changes_since,
    latest_month_with_updates,
    previous_issued_report,
    status_trend,
)
from .rows import (
    OFF_TRACK_KEYS,
    ActionRow,
    IssueSection,
    PrioritySection,
    Sections,
    TargetRow,
    count_off_track,
    key_definition,
    priority_sections,
    status_counts,
    status_key,
    tag_value,
    targets_at_risk_ids,
)

__all__ = [
    "OFF_TRACK_KEYS",
    "Commentary",
    "REPORT_NAMES",
    "TREND_MONTHS",
    "ActionRow",
    "Change",
    "Changes",
    "IssueSection",
    "PrioritySection",
    "ReportData",
    "TargetRow",
    "build_report_data",
    "key_definition",
    "latest_month_with_updates",
    "moment_text",
    "previous_issued_report",
    "tag_value",
]

REPORT_NAMES = {
    MONTH: "Monthly highlight report",
    QUARTER: "Quarterly progress statement",
    YEAR: "Annual statement",
}


def moment_text(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return date_format(local, "j F Y, H:i")


@dataclass
class Commentary:
    """The programme manager's commentary, written when the report is issued: plain text
    (the templates escape it), for the summary and for any priority, by the priority's id."""

    summary: str = ""
    priorities: dict[int, str] = field(default_factory=dict)
    # The partners' sign-off and dissent, frozen when the pack was asked for
    # (reports.reviews.snapshot); empty in a preview.
    partner: dict = field(default_factory=dict)


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
    commentary: Commentary = field(default_factory=Commentary)
    readiness: Readiness | None = None  # the quarterly statement's appendix
    change_log: list[LoggedChange] | None = None  # quarterly and annual statements
    dissent_log: list[LoggedDissent] | None = None  # in the change log, the same statements

    @property
    def empty_issues(self) -> list[IssueSection]:
        """Issues with nothing to report (the source's gaps), gathered in the appendix."""
        return [issue for section in self.priorities for issue in section.empty_issues]

    @property
    def off_track_total(self) -> dict[str, int]:
        return {k: sum(s.off_track[k] for s in self.priorities) for k in OFF_TRACK_KEYS}

    @property
    def running_header(self) -> str:
        return f"{self.plan.title} · {self.forum.name} · {self.period.short_label}"


def _report_state(plan: Plan, period: Period, as_at: dt.datetime | None) -> PlanState:
    """The plan at the period's last month, or at its latest month with anything
    submitted when the period is not over yet."""
    state = plan_state(plan, month=period.end, as_at=as_at)
    latest = latest_month_with_updates(state, period)
    if latest != state.month:
        state = plan_state(plan, month=latest, as_at=as_at)
    return state


def _exception_rows(state: PlanState, period: Period, found: Sections, exceptions) -> dict:
    """The report's lists of completed and off-track items, as its rows."""
    rows, target_rows = found.rows, found.target_rows
    at_risk_ids = targets_at_risk_ids(exceptions)
    return {
        "completions": [rows[a.id] for a in state.completed_in(period.start, period.last_day)],
        "overdue": [rows[a.id] for a in exceptions["overdue_actions"]],
        "slipped": [rows[a.id] for a in exceptions["slipped_actions"]],
        "targets_at_risk": [r for r in target_rows.values() if r.target.id in at_risk_ids],
        "red_amber_actions": [rows[a.id] for a in exceptions["red_amber_actions"]],
        "red_amber_targets": [target_rows[t.id] for t in exceptions["red_amber_targets"]],
    }


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
    commentary: Commentary | None = None,
) -> ReportData:
    """Everything the report shows, for ``period``, live or as the plan stood at ``as_at``.

    Statuses are those of the period's last month, or of its latest month with anything
    submitted when the period is not over yet (an annual statement in May shows April).
    """
    if state is None:
        state = _report_state(plan, period, as_at)
    now = timezone.now()
    found = priority_sections(state, period)
    revisions = TargetChangeRequest.objects.revision_lines(
        found.target_rows, as_at=as_at, month=state.month
    )
    for target_id, row in found.target_rows.items():
        row.revision = revisions.get(target_id, "")
    exceptions = state.exceptions()
    count_off_track(found.priorities, exceptions)
    commentary = commentary or Commentary()
    for section in found.priorities:
        section.commentary = commentary.priorities.get(section.priority.id, "")
    previous = previous_issued_report(plan, forum, period, as_at)
    trend_months, trend = status_trend(state, period)
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
        bragg_counts=status_counts(state.bragg_counts(), BRAGG),
        rag_counts=status_counts(state.rag_counts(), RAG),
        action_total=len(found.rows),
        target_total=len(found.target_rows),
        **_exception_rows(state, period, found, exceptions),
        priorities=found.priorities,
        changes=changes_since(state, period, found.rows, found.target_rows, previous),
        trend_months=trend_months,
        trend=trend,
        bragg_key=status_key(BRAGG),
        rag_key=status_key(RAG),
        story_count=found.story_count,
        status_month=state.month,
        commentary=commentary,
        readiness=_quarter_readiness(plan, period, state, as_at),
        change_log=change_log(plan, period, as_at),
        dissent_log=dissent_log(plan, period, as_at),
    )


def _quarter_readiness(plan, period: Period, state: PlanState, as_at) -> Readiness | None:
    """Inspection readiness at the statement's month, its trend over the quarter: an
    appendix of the quarterly statement, for the assurance executive."""
    if period.kind != QUARTER:
        return None
    return readiness_of(state, milestones=plan_milestones(plan, as_at), trend_months=3)
