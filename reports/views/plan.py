"""The plan pages: plan, priority, issue to be addressed — as they stand, or as at a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from actions.models import Action, DueDateChangeRequest, StoryComment
from evidence.models import evidence_as_at
from outcomes.figures import with_unit
from outcomes.models import OutcomeTarget, TargetChangeRequest
from progress.plan_state import PlanState, end_of_day, plan_state, rows_as_at
from sendplan.access import Can, get_plan
from sendplan.forms import IsoDateField, IsoMonthField
from sendplan.models import Finding, Issue, MonthStatus, ReportingMonth, issue_lookup
from sendplan.month_shown import month_shown

from ..forms import StoryCommentForm


class PlanViewForm(forms.Form):
    """The month shown and the moment the plan is seen as at, from the query string."""

    month = IsoMonthField(required=False, label="Month")
    as_at = IsoDateField(
        required=False, label="As at", help_text="See the plan as it stood at the end of this day."
    )

    def clean_as_at(self):
        value = self.cleaned_data["as_at"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("Enter a date that is today or in the past.")
        return value


@dataclass
class PlanView:
    """What every plan page shows: the plan for a month, live or as at a date."""

    access: object
    state: PlanState
    form: PlanViewForm
    month: dt.date
    as_at_date: dt.date | None
    months: list[dt.date]
    open_month: dt.date | None

    def context(self, **extra) -> dict:
        return {
            "plan": self.state.plan,
            "access": self.access,
            "state": self.state,
            "view_form": self.form,
            "month": self.month,
            "as_at_date": self.as_at_date,
            "months": self.months,
            "open_month": self.open_month,
            "query": self.query,
            **extra,
        }

    @property
    def query(self) -> str:
        """The query string that keeps the month and "as at" across links."""
        parts = [f"month={self.month:%Y-%m}"]
        if self.as_at_date:
            parts.append(f"as_at={self.as_at_date:%Y-%m-%d}")
        return "?" + "&".join(parts)


def load_plan_view(
    request,
    plan_slug: str,
    *,
    months: int | None = None,
    all_story: bool = False,
    issue_ref: str | None = None,
) -> PlanView:
    """The plan for the page; ``months`` and ``all_story`` as in ``plan_state`` (None:
    every month). With ``issue_ref``, only that issue to be addressed and its priority are
    read (404 when the plan has no such issue at the date shown)."""
    access = get_plan(request, plan_slug, need=Can.VIEW)
    plan = access.plan
    reporting_months = list(ReportingMonth.objects.filter(plan=plan).order_by("-month"))
    form = PlanViewForm(request.GET or None)
    month = as_at_date = None
    if form.is_bound and form.is_valid():
        month = form.cleaned_data["month"]
        as_at_date = form.cleaned_data["as_at"]
    as_at = end_of_day(as_at_date) if as_at_date else None
    if month is None:
        # The reporting months as they stood at the date seen, as the dashboard reads them.
        stood = (
            reporting_months
            if as_at is None
            else rows_as_at(ReportingMonth, as_at, plan_id=plan.id)
        )
        month = month_shown(stood, today=timezone.localdate(), as_at_date=as_at_date)
    issue_ids = None
    if issue_ref is not None:
        issue_ids = [
            row.id for row in rows_as_at(Issue, as_at, plan_id=plan.id, **issue_lookup(issue_ref))
        ]
        if not issue_ids:
            raise Http404("No such issue to be addressed in this plan (as at the date shown).")
    state = plan_state(
        plan, month=month, as_at=as_at, months=months, all_story=all_story, issue_ids=issue_ids
    )
    open_month = next((m.month for m in reporting_months if m.status == MonthStatus.OPEN), None)
    return PlanView(
        access=access,
        state=state,
        form=form,
        month=month,
        as_at_date=as_at_date,
        months=[m.month for m in reporting_months],
        open_month=open_month,
    )


@require_GET
def plan_detail(request, plan_slug: str):
    # The plan page shows each item's status for the month and its latest: one month of
    # ratings is enough, so its cost does not grow with the plan's age.
    view = load_plan_view(request, plan_slug, months=1)
    findings = sorted(
        rows_as_at(Finding, view.state.as_at, plan_id=view.state.plan.id),
        key=lambda f: (f.kind, f.order),
    )
    return render(request, "reports/plan_detail.html", view.context(findings=findings))


@require_GET
def priority_detail(request, plan_slug: str, number: int):
    # The items' ratings for the month (one month read, as on the plan page) and the
    # priority's whole story so far: a plan reported by priority tells it there.
    view = load_plan_view(request, plan_slug, months=1, all_story=True)
    priority = next((p for p in view.state.priorities if p.number == number), None)
    if priority is None:
        raise Http404("No such priority in this plan (as at the date shown).")
    return render(
        request,
        "reports/priority_detail.html",
        view.context(priority=priority, **_revisions(view, priority.issues)),
    )


@require_GET
def issue_detail(request, plan_slug: str, ref: str):
    # Every month of the one issue: its timeline is its whole record.
    view = load_plan_view(request, plan_slug, issue_ref=ref)
    found = [(p, i) for p in view.state.priorities for i in p.issues]
    if not found:
        raise Http404("No such issue to be addressed in this plan (as at the date shown).")
    if len(found) > 1:
        # The plan writes this reference on more than one issue: ask which is meant
        # rather than show one of them as if it were the only one.
        return render(request, "reports/issue_choose.html", view.context(ref=ref, found=found))
    priority, issue = found[0]
    # Only this issue was read: an address by id says its reference is shared (or cannot
    # be an address), and its links (the comment form) keep to the id.
    issue.shares_ref = issue_lookup(ref).keys() == {"id"}
    timeline = issue_timeline(view.state, issue, as_at=view.state.as_at)
    return render(
        request,
        "reports/issue_detail.html",
        view.context(
            priority=priority,
            issue=issue,
            timeline=timeline,
            timeline_recent=timeline[:TIMELINE_SHOWN],
            timeline_older=timeline[TIMELINE_SHOWN:],
            **_revisions(view, [issue]),
            **_story_comments(view, issue),
        ),
    )


def _story_comments(view: PlanView, issue) -> dict:
    """Partners' comments on the issue's story so far for the open month (one query), and
    whether this reader may add one: a partner reviewer, on the page as it stands. As at a
    date, the comments on the month shown as they stood then (two queries)."""
    as_at = view.state.as_at
    month = view.open_month if as_at is None else view.month
    if month is None:
        return {"story_comments": [], "may_comment": False}
    if as_at is None:
        comments = list(
            StoryComment.objects.filter(plan=view.state.plan, issue_id=issue.id, month=month)
            .select_related("author")
            .order_by("written_at")
        )
    else:
        comments = sorted(
            rows_as_at(
                StoryComment, as_at, plan_id=view.state.plan.id, issue_id=issue.id, month=month
            ),
            key=lambda c: c.written_at,
        )
        authors = get_user_model().objects.in_bulk({c.author_id for c in comments})
        for comment in comments:
            comment.author = authors[comment.author_id]
    may = view.access.can(Can.REVIEW_AS_PARTNER) and view.as_at_date is None
    return {
        "story_comments": comments,
        "may_comment": may,
        "comment_month": month,
        "comment_form": StoryCommentForm() if may else None,
    }


def _revisions(view: PlanView, issues) -> dict:
    """The approved changes to the issues' targets and due dates, as the page says them,
    and whether to offer asking for one (two queries)."""
    as_at = view.state.as_at
    target_ids = [t.id for i in issues for t in i.targets]
    action_ids = [a.id for i in issues for a in i.actions]
    return {
        "revisions": TargetChangeRequest.objects.revision_lines(
            target_ids, as_at=as_at, month=view.state.month
        ),
        "due_revisions": DueDateChangeRequest.objects.revision_lines(
            action_ids, as_at=as_at, month=view.state.month
        ),
        "may_propose": view.access.can(Can.UPDATE_OWN),
    }


# An issue gathers a row per item per month; the newest ones answer most questions.
TIMELINE_SHOWN = 15


@dataclass
class TimelineEvent:
    at: dt.datetime
    who: str
    what: str
    subject: str
    month: dt.date | None = None
    value: str = ""
    scheme: str = ""
    detail: str = ""
    is_example: bool = False


def issue_timeline(state: PlanState, issue, *, as_at) -> list[TimelineEvent]:
    """Every rating and story-so-far entry of the issue with who and when, and the
    changes to its actions and targets from the audit history (due dates revised,
    completions, rewording), newest first."""
    events: list[TimelineEvent] = []
    for action in issue.actions:
        for rating in action.ratings:
            events.append(
                TimelineEvent(
                    at=rating.at,
                    who=rating.by_name or "Unknown",
                    what="BRAGG status",
                    subject=action.text,
                    month=rating.month,
                    value=rating.value,
                    scheme="bragg",
                    detail=rating.note,
                    is_example=rating.is_example,
                )
            )
    for target in issue.targets:
        for rating in target.ratings:
            measured = (
                f"Measured {with_unit(rating.measured_value, target.unit)}. "
                if (rating.measured_value is not None)
                else ""
            )
            events.append(
                TimelineEvent(
                    at=rating.at,
                    who=rating.by_name or "Unknown",
                    what="RAG impact rating",
                    subject=target.text,
                    month=rating.month,
                    value=rating.value,
                    scheme="rag",
                    detail=measured + rating.note,
                    is_example=rating.is_example,
                )
            )
    for entry in issue.story:
        events.append(
            TimelineEvent(
                at=entry.written_at,
                who=entry.author_name or "From the plan document",
                what="Story so far",
                subject=f"Issue {issue.ref}",
                month=entry.month,
                detail=entry.date_as_written,
                is_example=entry.is_example,
            )
        )
    events += _evidence_events(state, issue, as_at)
    events += _history_events(Action, [a.id for a in issue.actions], as_at, "Action")
    events += _history_events(OutcomeTarget, [t.id for t in issue.targets], as_at, "Outcome target")
    events.sort(key=lambda e: e.at, reverse=True)
    return events


def _evidence_events(state: PlanState, issue, as_at) -> list[TimelineEvent]:
    """Evidence added to the issue's actions, targets and story so far, and withdrawn,
    with who and when, as the evidence stood at ``as_at`` (one query for the plan's
    evidence, one for the names of who added and withdrew it)."""
    subjects = {("action", a.id): a.text for a in issue.actions}
    subjects |= {("target", t.id): t.text for t in issue.targets}
    subjects |= {("story", e.id): f"Story so far, issue {issue.ref}" for e in issue.story}
    found = []
    for evidence in evidence_as_at(as_at, plan_id=state.plan.id):
        for kind, item_id in (
            ("action", evidence.action_id),
            ("target", evidence.target_id),
            ("story", evidence.story_entry_id),
        ):
            if item_id and (kind, item_id) in subjects:
                found.append((evidence, subjects[(kind, item_id)]))
    if not found:
        return []
    user_ids = {e.added_by_id for e, _ in found} | {e.withdrawn_by_id for e, _ in found}
    names = {
        user.pk: user.get_full_name() or user.username
        for user in get_user_model().objects.filter(pk__in=user_ids - {None})
    }
    events = []
    for evidence, subject in found:
        what = "Evidence added: a file" if evidence.is_file else "Evidence added: a link"
        events.append(
            TimelineEvent(
                at=evidence.added_at,
                who=names.get(evidence.added_by_id, "Unknown"),
                what=what,
                subject=subject,
                detail=evidence.title,
                is_example=evidence.is_example,
            )
        )
        if evidence.is_withdrawn:
            events.append(
                TimelineEvent(
                    at=evidence.withdrawn_at,
                    who=names.get(evidence.withdrawn_by_id, "Unknown"),
                    what="Evidence withdrawn",
                    subject=subject,
                    detail=f"{evidence.title}: {evidence.withdrawn_reason}",
                    is_example=evidence.is_example,
                )
            )
    return events


# Fields whose changes matter on a timeline, with how to say them.
TRACKED_FIELDS = {
    Action: {
        "due_month": "Due month revised",
        "completed_on": "Completion date recorded",
        "text": "Action reworded",
        "due_revised_reason": "Reason for revising the due month",
    },
    OutcomeTarget: {
        "target_month": "Target date changed",
        "text": "Outcome target reworded",
        "target_value": "Target value changed",
    },
}


def _history_events(model, ids, as_at, label) -> list[TimelineEvent]:
    if not ids:
        return []
    rows = model.history.filter(id__in=ids).select_related("history_user")
    if as_at:
        rows = rows.filter(history_date__lte=as_at)
    rows = list(rows.order_by("id", "history_date", "history_id"))
    events = []
    previous = {}
    for row in rows:
        before = previous.get(row.id)
        previous[row.id] = row
        who = (
            (row.history_user.get_full_name() or row.history_user.username)
            if (row.history_user)
            else "Unknown"
        )
        if before is None:
            events.append(
                TimelineEvent(
                    at=row.history_date,
                    who=who,
                    what=f"{label} added",
                    subject=row.text,
                    detail=row.history_change_reason or "",
                )
            )
            continue
        for field_name, words in TRACKED_FIELDS[model].items():
            old, new = getattr(before, field_name), getattr(row, field_name)
            if old != new:
                events.append(
                    TimelineEvent(
                        at=row.history_date,
                        who=who,
                        what=words,
                        subject=row.text,
                        detail=f"{_say(old)} → {_say(new)}",
                    )
                )
    return events


def _say(value) -> str:
    if value in (None, ""):
        return "none"
    if isinstance(value, dt.date):
        return f"{value:%d %B %Y}" if value.day != 1 else f"{value:%B %Y}"
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"
