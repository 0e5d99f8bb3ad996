"""A progress statement's rows and sections: each action and outcome target as the
report lists it, grouped by priority and issue, with the counts of their statuses."""

from __future__ import annotations

from dataclasses import dataclass, field

from governance.periods import Period
from outcomes.figures import with_unit
from progress.plan_state import (
    NOT_RATED,
    ActionState,
    IssueState,
    PlanState,
    PriorityState,
    StoryState,
    TargetState,
)
from sendplan import ratings
from sendplan.months import month_words
from sendplan.ratings import BRAGG, RAG


def tag_value(value: str) -> str:
    """What ``{% bragg_tag %}`` and ``{% rag_tag %}`` take: "" for no rating."""
    return "" if value == NOT_RATED else value


def key_definition(choices, value: str) -> str:
    if value == NOT_RATED:
        return "no submitted rating for the month"
    return choices(value).meaning


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
    revision: str = ""  # its latest approved change, "Revised on …" (build_report_data)

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
        return with_unit(target.target_value, target.unit)

    @property
    def measured(self) -> str:
        measured = self.target.latest_measured
        return with_unit(measured, self.target.unit) if measured is not None else "Not measured"


@dataclass
class IssueSection:
    issue: IssueState
    actions: list[ActionRow]
    targets: list[TargetRow]
    story: list[StoryState]

    @property
    def is_empty(self) -> bool:
        """Nothing to report: no action, no outcome target, no story so far in the period
        (the source plan's gaps, such as Darlington's 1.5 to 1.7)."""
        return not (self.actions or self.targets or self.story)


def refs_text(refs: list[str]) -> str:
    """ "1.5", "1.5 and 1.6", "1.5, 1.6 and 1.7"."""
    if len(refs) < 2:
        return "".join(refs)
    return f"{', '.join(refs[:-1])} and {refs[-1]}"


def counts_text(counts: list[dict]) -> str:
    """ "Blue 1, Red 2": the statuses with any items, or "none"; never a stray comma."""
    return ", ".join(f"{c['word']} {c['count']}" for c in counts if c["count"]) or "none"


@dataclass
class PrioritySection:
    priority: PriorityState
    issues: list[IssueSection]  # those with anything to report
    story: list[StoryState]
    bragg_counts: list[dict]
    rag_counts: list[dict]
    off_track: dict[str, int] = field(default_factory=dict)
    empty_issues: list[IssueSection] = field(default_factory=list)  # listed in one note
    commentary: str = ""  # the programme manager's, written when the report is issued

    @property
    def bragg_text(self) -> str:
        return counts_text(self.bragg_counts)

    @property
    def rag_text(self) -> str:
        return counts_text(self.rag_counts)

    @property
    def empty_refs_text(self) -> str:
        return refs_text([s.issue.ref for s in self.empty_issues])


OFF_TRACK_KEYS = ("red", "amber", "overdue", "slipped", "targets_at_risk")


def status_counts(counts: dict[str, int], choices) -> list[dict]:
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


def status_key(choices) -> list[dict]:
    return [{"value": c.value, "word": c.word, "definition": c.meaning} for c in choices]


def _issue_section(priority: PriorityState, issue: IssueState, months: set) -> IssueSection:
    return IssueSection(
        issue,
        [ActionRow(a, issue.ref, priority.number) for a in issue.actions],
        [TargetRow(t, issue.ref, priority.number) for t in issue.targets],
        [s for s in issue.story if s.month in months],
    )


@dataclass
class Sections:
    """The report's priorities, and every action and target row by its item's id."""

    priorities: list[PrioritySection]
    rows: dict[int, ActionRow]
    target_rows: dict[int, TargetRow]
    story_count: int


def priority_sections(state: PlanState, period: Period) -> Sections:
    """A section per priority, with its issues and its story so far within ``period``."""
    rows: dict[int, ActionRow] = {}
    target_rows: dict[int, TargetRow] = {}
    sections = []
    in_period = set(period.months)
    story_count = 0
    for priority in state.priorities:
        issue_sections = [_issue_section(priority, issue, in_period) for issue in priority.issues]
        for section in issue_sections:
            rows.update({r.action.id: r for r in section.actions})
            target_rows.update({r.target.id: r for r in section.targets})
            story_count += len(section.story)
        priority_story = [s for s in priority.story if s.month in in_period]
        story_count += len(priority_story)
        sections.append(
            PrioritySection(
                priority,
                [s for s in issue_sections if not s.is_empty],
                priority_story,
                status_counts(state.bragg_counts(priority.actions), BRAGG),
                status_counts(state.rag_counts(priority.targets), RAG),
                empty_issues=[s for s in issue_sections if s.is_empty],
            )
        )
    return Sections(sections, rows, target_rows, story_count)


def targets_at_risk_ids(exceptions: dict[str, list]) -> set[int]:
    """Outcome targets rated Red or Amber, or past their date without Green."""
    at_risk_ids = {t.id for t in exceptions["red_amber_targets"]}
    return at_risk_ids | {t.id for t in exceptions["targets_past_date"]}


def count_off_track(sections: list[PrioritySection], exceptions: dict[str, list]) -> None:
    """Fill each section's ``off_track``: how many of its items are off track, and how."""
    at_risk_ids = targets_at_risk_ids(exceptions)
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
