"""Helpers for the spreadsheet import and export tests."""

from __future__ import annotations

from django.apps import apps

from actions.models import ActionStatus, EntryState, StoryEntry
from outcomes.models import ImpactRating
from sendplan.months import format_month

FILES = "tests/files"


def row_counts() -> dict[str, int]:
    """Rows in every table, history tables included."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def history_models():
    return [m for m in apps.get_models() if m.__name__.startswith("Historical")]


def history_marks() -> dict:
    marks = {}
    for model in history_models():
        last = model._default_manager.order_by("-history_id").values_list("history_id", flat=True)
        marks[model] = last.first() or 0
    return marks


def new_history_rows(marks: dict) -> list:
    rows = []
    for model, mark in marks.items():
        rows.extend(model._default_manager.filter(history_id__gt=mark))
    return rows


def canonical(plan) -> dict:
    """The plan's content without database ids, orders or notes: two plans that say the
    same thing give the same dump."""

    def as_written(text, month, ongoing):
        return text or (format_month(month) if month else ("Ongoing" if ongoing else ""))

    latest_status = {}
    for s in ActionStatus.objects.filter(plan=plan, state=EntryState.SUBMITTED).order_by(
        "action_id", "-month"
    ):
        latest_status.setdefault(s.action_id, s.status)
    latest_rag = {}
    for r in ImpactRating.objects.filter(plan=plan, state=EntryState.SUBMITTED).order_by(
        "target_id", "-month"
    ):
        latest_rag.setdefault(r.target_id, r.rag)
    issues = {}
    for issue in plan.issues.select_related("priority").order_by("ref"):
        actions = []
        for a in issue.actions.order_by("order", "pk"):
            actions.append(
                (
                    a.text,
                    a.due_month,
                    a.is_ongoing,
                    as_written(a.due_as_written, a.due_month, a.is_ongoing),
                    a.completed_on,
                    tuple(lead.person.name for lead in a.lead_rows.order_by("order", "pk")),
                    latest_status.get(a.pk),
                )
            )
        targets = sorted(
            (
                t.text,
                t.target_month,
                t.is_ongoing,
                as_written(t.target_as_written, t.target_month, t.is_ongoing),
                t.action.text if t.action_id else None,
                latest_rag.get(t.pk),
            )
            for t in issue.outcome_targets.select_related("action")
        )
        issues[issue.ref] = {
            "priority": (issue.priority.number, issue.priority.title),
            "description": issue.description,
            "links": sorted(s.name for s in issue.strategy_links.all()),
            "actions": actions,
            "targets": targets,
        }
    story = {}
    for e in (
        StoryEntry.objects.filter(plan=plan)
        .select_related("issue", "priority")
        .order_by("order", "pk")
    ):
        owner = e.issue.ref if e.issue_id else f"priority {e.priority.number}"
        story.setdefault(owner, []).append((e.month, e.narrative))
    return {
        "priorities": sorted(plan.priorities.values_list("number", "title")),
        "issues": issues,
        "story": story,
    }
