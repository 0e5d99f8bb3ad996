"""Forum and meeting pages, and the edits a programme manager makes after a meeting."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Max, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sendplan.access import Can, get_area
from sendplan.months import FIRST_YEAR, LAST_YEAR, BadMonthOrDate, parse_iso_date, parse_year

from . import page_extras, services
from .access import get_forum
from .forms import AttendanceForm, DecisionForm, MeetingDateForm
from .models import Attendance, Decision, DecisionLink, Forum, ForumMember, Meeting
from .periods import period_between


def _meeting(request, area_slug, forum_slug, meeting_id, need: Can = Can.VIEW):
    access, forum = get_forum(request, area_slug, forum_slug, need)
    meeting = get_object_or_404(Meeting, forum=forum, pk=meeting_id)
    meeting.forum = forum
    return access, forum, meeting


@require_safe
def forum_list(request, area_slug: str):
    access = get_area(request, area_slug)
    forums = Forum.objects.for_area(access.area).select_related("plan")
    return render(
        request,
        "governance/forum_list.html",
        {"access": access, "area": access.area, "forums": forums},
    )


MEETINGS_PER_PAGE = 12


def _calendar_year(request, forum: Forum) -> int:
    """``?year=``, else the year of the latest meeting, else this year. A year the
    calendar cannot show is the 400 page saying so (``parse_year`` raises it)."""
    if given := request.GET.get("year", "").strip():
        return parse_year(given)
    latest = forum.meetings.aggregate(latest=Max("scheduled_for"))["latest"]
    return latest.year if latest else timezone.localdate().year


@require_safe
def forum_detail(request, area_slug: str, forum_slug: str):
    """``?year=YYYY`` picks the calendar's year, ``?page=N`` the page of meetings.

    The page reads only one year of meetings for the calendar and one page of the
    meeting list, so it costs the same for a forum in its first year and in its tenth."""
    access, forum = get_forum(request, area_slug, forum_slug)
    members = list(forum.members.select_related("person"))
    year = _calendar_year(request, forum)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    in_year = forum.meetings.filter(scheduled_for__range=(start, end))
    slots = services.calendar_slots(forum, start, end, in_year)
    # Newest first; a page number out of range shows the last page, not an error.
    newest_first = services.meetings_by_date(forum).reverse()
    meetings = Paginator(newest_first, MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "access": access,
        "forum": forum,
        "members": members,
        "meetings": meetings,
        "slots": slots,
        "year": year,
        # No link to a year the calendar cannot show.
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < LAST_YEAR else None,
        "today": timezone.localdate(),
        "can_record": access.can(Can.RECORD_MEETINGS),
    }
    # What the apps above governance add (the reports issued to the forum).
    context.update(page_extras.forum_page(forum))
    return render(request, "governance/forum_detail.html", context)


def _meeting_context(access, forum, meeting) -> dict:
    members = list(forum.members.select_related("person"))
    attendance = {
        a.person_id: a for a in Attendance.objects.filter(meeting=meeting).select_related("person")
    }
    links = Prefetch(
        "links",
        queryset=DecisionLink.objects.select_related("action__issue", "target__issue", "issue"),
    )
    decisions = list(
        meeting.decisions.select_related("owner").prefetch_related(links).order_by("order", "pk")
    )
    carried = list(services.carried_decisions(meeting).prefetch_related(links))
    rows = []
    seen = set()
    for member in members:
        seen.add(member.person_id)
        row = attendance.get(member.person_id)
        rows.append(
            {
                "person": member.person,
                "role": member.role,
                "organisation": member.organisation or member.person.organisation,
                "status": row.get_status_display() if row else "Not recorded",
            }
        )
    for person_id, row in attendance.items():
        if person_id not in seen:  # a guest, or someone who has since left the forum
            rows.append(
                {
                    "person": row.person,
                    "role": "Not a member",
                    "organisation": row.person.organisation,
                    "status": row.get_status_display(),
                }
            )
    period_month = meeting.period_end.replace(day=1)
    report_query = ""
    if period := period_between(meeting.period_start, meeting.period_end):
        report_query = f"?period={period.code}&as_at={meeting.date:%Y-%m-%d}"
    return {
        "report_query": report_query,
        "access": access,
        "forum": forum,
        "meeting": meeting,
        "attendance": rows,
        "decisions": decisions,
        "carried": carried,
        "as_at": f"?month={period_month:%Y-%m}&as_at={meeting.date:%Y-%m-%d}",
        "can_record": access.can(Can.RECORD_MEETINGS),
        "today": timezone.localdate(),
        # What the apps above governance add (the reports issued for the meeting).
        **page_extras.meeting_page(meeting),
    }


@require_safe
def meeting_detail(request, area_slug: str, forum_slug: str, meeting_id: int):
    access, forum, meeting = _meeting(request, area_slug, forum_slug, meeting_id)
    context = _meeting_context(access, forum, meeting)
    return render(request, "governance/meeting_detail.html", context)


@require_POST
def meeting_add(request, area_slug: str, forum_slug: str):
    access, forum = get_forum(request, area_slug, forum_slug, need=Can.RECORD_MEETINGS)
    try:
        scheduled_for = parse_iso_date(request.POST.get("scheduled_for", ""))
    except BadMonthOrDate:
        messages.error(request, "Select a meeting date from the calendar.")
        return redirect(forum.get_absolute_url())
    meeting = services.add_meeting(forum=forum, scheduled_for=scheduled_for, user=request.user)
    messages.success(request, f"Meeting of {meeting.date:%-d %B %Y} added.")
    return redirect(_meeting_url(forum, meeting))


def _meeting_url(forum, meeting) -> str:
    return reverse(
        "governance:meeting_detail",
        kwargs={"area_slug": forum.area.slug, "forum_slug": forum.slug, "meeting_id": meeting.pk},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_date_edit(request, area_slug: str, forum_slug: str, meeting_id: int):
    access, forum, meeting = _meeting(
        request, area_slug, forum_slug, meeting_id, need=Can.RECORD_MEETINGS
    )
    form = MeetingDateForm(request.POST or None, initial={"held_on": meeting.held_on})
    if request.method == "POST" and form.is_valid():
        services.record_meeting_date(
            meeting=meeting, held_on=form.cleaned_data["held_on"], user=request.user
        )
        messages.success(request, "The meeting's date has been saved.")
        return redirect(_meeting_url(forum, meeting))
    return render(
        request,
        "governance/meeting_date_edit.html",
        {"access": access, "forum": forum, "meeting": meeting, "form": form},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_attendance_edit(request, area_slug: str, forum_slug: str, meeting_id: int):
    access, forum, meeting = _meeting(
        request, area_slug, forum_slug, meeting_id, need=Can.RECORD_MEETINGS
    )
    members = list(ForumMember.objects.filter(forum=forum).select_related("person"))
    current = dict(Attendance.objects.filter(meeting=meeting).values_list("person_id", "status"))
    form = AttendanceForm(request.POST or None, members=members, current=current)
    if request.method == "POST" and form.is_valid():
        services.record_attendance(meeting=meeting, statuses=form.statuses(), user=request.user)
        messages.success(request, "Attendance has been saved.")
        return redirect(_meeting_url(forum, meeting))
    return render(
        request,
        "governance/meeting_attendance_edit.html",
        {"access": access, "forum": forum, "meeting": meeting, "form": form, "members": members},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def decision_add(request, area_slug: str, forum_slug: str, meeting_id: int):
    access, forum, meeting = _meeting(
        request, area_slug, forum_slug, meeting_id, need=Can.RECORD_MEETINGS
    )
    form = DecisionForm(request.POST or None, forum=forum)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.record_decision(
                meeting=meeting,
                kind=data["kind"],
                text=data["text"],
                owner=data["owner"],
                due_date=data["due_date"],
                actions=data["actions"],
                targets=data["targets"],
                issues=data["issues"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{decision.get_kind_display()} recorded.")
            return redirect(_meeting_url(forum, meeting) + "#decisions")
    return render(
        request,
        "governance/decision_add.html",
        {"access": access, "forum": forum, "meeting": meeting, "form": form},
    )


def _decision(request, area_slug, forum_slug, meeting_id, decision_id):
    access, forum, meeting = _meeting(
        request, area_slug, forum_slug, meeting_id, need=Can.RECORD_MEETINGS
    )
    # The decision may come from an earlier meeting of the same forum (carried forward).
    decision = get_object_or_404(Decision, pk=decision_id, meeting__forum=forum)
    return forum, meeting, decision


@require_POST
def decision_complete(request, area_slug, forum_slug, meeting_id: int, decision_id: int):
    forum, meeting, decision = _decision(request, area_slug, forum_slug, meeting_id, decision_id)
    services.complete_decision(decision=decision, done_on=timezone.localdate(), user=request.user)
    messages.success(request, f"{decision.get_kind_display()} marked done.")
    return redirect(_meeting_url(forum, meeting) + "#decisions")


@require_POST
def decision_reopen(request, area_slug, forum_slug, meeting_id: int, decision_id: int):
    forum, meeting, decision = _decision(request, area_slug, forum_slug, meeting_id, decision_id)
    services.reopen_decision(decision=decision, user=request.user)
    messages.success(request, f"{decision.get_kind_display()} reopened.")
    return redirect(_meeting_url(forum, meeting) + "#decisions")
