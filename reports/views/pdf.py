"""A forum's progress statements: preview one, issue one for a meeting, download an issued one.

An issued report is served straight from the database, byte for byte as it was issued.
A preview is built fresh, which takes a few seconds: its page says so and then starts the
download, rather than leaving the reader looking at a page that seems stuck.
"""

from __future__ import annotations

import datetime as dt
import logging

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.access import get_forum
from governance.models import Forum, Meeting
from governance.periods import KIND_FOR_CADENCE, QUARTER, Period, recent_periods
from progress.plan_state import end_of_day
from sendplan.access import Can
from sendplan.forms import IsoDateField
from sendplan.models import MonthStatus, ReportingMonth

from .. import reviews
from ..forms import CommentaryForm
from ..models import IssuedReport, PackBuild, PackRequest
from ..pdf.build import build_report, report_filename
from ..pdf.context import REPORT_NAMES
from ..pdf.render import ReportRenderError
from ..tasks import request_pack, retry

logger = logging.getLogger("sendplan.reports")

# How far back the period list reaches when a plan has no reporting months yet.
DEFAULT_YEARS_BACK = 3


def period_kind(forum: Forum) -> str:
    return KIND_FOR_CADENCE.get(forum.cadence, QUARTER)


def period_choices(forum: Forum) -> tuple[list[Period], Period | None]:
    """The forum's periods over the plan's reporting months, newest first, and the one to
    offer first: the latest period whose months are all closed."""
    today = timezone.localdate()
    months = []
    if forum.plan_id:
        months = list(
            ReportingMonth.objects.filter(plan_id=forum.plan_id)
            .order_by("month")
            .values_list("month", "status")
        )
    if months:
        first, last = months[0][0], months[-1][0]
    else:
        first = (forum.plan.publication_date if forum.plan_id else None) or today.replace(
            year=today.year - DEFAULT_YEARS_BACK
        )
        last = today
    periods = recent_periods(period_kind(forum), first=min(first, last), last=last)
    closed = [month for month, status in months if status == MonthStatus.CLOSED]
    initial = next((p for p in periods if closed and p.end <= closed[-1]), None)
    return periods, initial


class ReportForm(forms.Form):
    """Which report: the period, and for a preview the moment it is seen as at."""

    period = forms.ChoiceField(
        label="Period",
        error_messages={
            "required": "Select the period the report covers.",
            "invalid_choice": "Select a period from the list.",
        },
    )
    as_at = IsoDateField(
        label="As at (optional)",
        required=False,
        help_text="Build the report from the plan as it stood at the end of this day. "
        "Leave empty for the plan as it stands now.",
    )

    def __init__(self, *args, forum: Forum, **kwargs):
        super().__init__(*args, **kwargs)
        self.forum = forum
        periods, initial = period_choices(forum)
        self.periods = {p.code: p for p in periods}
        self.fields["period"].choices = [(code, p.label) for code, p in self.periods.items()]
        if initial:
            self.fields["period"].initial = initial.code

    def clean_period(self) -> Period:
        return self.periods[self.cleaned_data["period"]]

    def clean_as_at(self):
        value = self.cleaned_data["as_at"]
        if value and value > timezone.localdate():
            raise ValidationError("Enter a date that is today or in the past.")
        return value


class IssueForm(forms.Form):
    period = forms.ChoiceField(
        label="Period",
        error_messages={
            "required": "Select the period the report covers.",
            "invalid_choice": "Select a period from the list.",
        },
    )
    meeting = forms.ModelChoiceField(
        label="Meeting (optional)",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="Not for a particular meeting",
        error_messages={"invalid_choice": "Select a meeting of this forum from the list."},
    )

    def __init__(self, *args, forum: Forum, **kwargs):
        # Its own ids: the page also holds the preview form, with a "period" of its own.
        kwargs.setdefault("auto_id", "issue-%s")
        super().__init__(*args, **kwargs)
        periods, initial = period_choices(forum)
        self.periods = {p.code: p for p in periods}
        self.fields["period"].choices = [(code, p.label) for code, p in self.periods.items()]
        if initial:
            self.fields["period"].initial = initial.code
        self.fields["meeting"].queryset = forum.meetings.order_by("-scheduled_for")
        self.fields["meeting"].label_from_instance = lambda m: f"{m.date:%-d %B %Y}"

    def clean_period(self) -> Period:
        return self.periods[self.cleaned_data["period"]]


def _forum_page_context(access, forum, **extra) -> dict:
    reports = list(
        IssuedReport.objects.for_forum(forum)
        .without_content()
        .select_related("issued_by", "meeting")
        .order_by("-period_start", "-issued_at")
    )
    kind = period_kind(forum)
    unfinished = []
    if access.can(Can.ISSUE_REPORTS):
        unfinished = list(
            PackRequest.objects.filter(forum=forum, report__isnull=True)
            .exclude(status=PackBuild.ISSUED)
            .select_related("requested_by")[:10]
        )
    partner_reviews = []
    if any(access.can(c) for c in (Can.ISSUE_REPORTS, Can.PREVIEW_REPORTS, Can.REVIEW_AS_PARTNER)):
        partner_reviews = list(forum.partner_reviews.order_by("-requested_at")[:10])
    return {
        "partner_reviews": partner_reviews,
        "pack_requests": unfinished,
        "access": access,
        "forum": forum,
        "issued_reports": reports,
        "report_name": REPORT_NAMES[kind],
        "can_preview": access.can(Can.PREVIEW_REPORTS),
        "can_issue": access.can(Can.ISSUE_REPORTS),
        **extra,
    }


@require_GET
def forum_reports(request, area_slug: str, forum_slug: str):
    """The forum's issued reports, with the preview and issue forms for those who may."""
    access, forum = get_forum(request, area_slug, forum_slug, Can.VIEW)
    context = _forum_page_context(access, forum)
    if forum.plan_id and context["can_preview"]:
        context["preview_form"] = ReportForm(forum=forum)
    if forum.plan_id and context["can_issue"]:
        context["issue_form"] = IssueForm(forum=forum)
    return render(request, "reports/forum_reports.html", context)


@require_GET
def report_preview(request, area_slug: str, forum_slug: str):
    """The "building the report" page: it starts the preview's download by itself."""
    access, forum = get_forum(request, area_slug, forum_slug, Can.PREVIEW_REPORTS)
    if not forum.plan_id:
        messages.error(request, "This forum monitors no plan, so it has no report.")
        return redirect("reports:forum_reports", area_slug=area_slug, forum_slug=forum_slug)
    form = ReportForm(request.GET, forum=forum)
    if not form.is_valid():
        context = _forum_page_context(access, forum, preview_form=form)
        if context["can_issue"]:
            context["issue_form"] = IssueForm(forum=forum)
        return render(request, "reports/forum_reports.html", context, status=400)
    period = form.cleaned_data["period"]
    pdf_url = reverse(
        "reports:report_preview_pdf", kwargs={"area_slug": area_slug, "forum_slug": forum_slug}
    )
    pdf_url += "?" + request.GET.urlencode()
    return render(
        request,
        "reports/report_preview.html",
        {
            "forum": forum,
            "period": period,
            "as_at": form.cleaned_data["as_at"],
            "report_name": REPORT_NAMES[period.kind],
            "pdf_url": pdf_url,
        },
    )


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Length"] = str(len(content))
    return response


@require_GET
def report_preview_pdf(request, area_slug: str, forum_slug: str):
    """A preview built now, live or as the plan stood at the end of ``as_at``."""
    access, forum = get_forum(request, area_slug, forum_slug, Can.PREVIEW_REPORTS)
    if not forum.plan_id:
        return redirect("reports:forum_reports", area_slug=area_slug, forum_slug=forum_slug)
    form = ReportForm(request.GET, forum=forum)
    if not form.is_valid():
        return redirect(
            reverse(
                "reports:report_preview",
                kwargs={"area_slug": area_slug, "forum_slug": forum_slug},
            )
            + "?"
            + request.GET.urlencode()
        )
    as_at_date: dt.date | None = form.cleaned_data["as_at"]
    try:
        built = build_report(
            plan=forum.plan,
            forum=forum,
            period=form.cleaned_data["period"],
            as_at=end_of_day(as_at_date) if as_at_date else None,
            user=request.user,
            is_preview=True,
        )
    except ReportRenderError as exc:
        logger.error("Report preview failed for forum %s: %s", forum.pk, exc)
        messages.error(request, "The report could not be built. Try again, or ask for help.")
        return redirect("reports:forum_reports", area_slug=area_slug, forum_slug=forum_slug)
    logger.info(
        "Report preview: forum %s, period %s, user %s, area %s",
        forum.slug,
        built.data.period.code,
        request.user.pk,
        access.area.slug,
    )
    return _pdf_response(built.pdf.content, "preview-" + report_filename(built.data))


def _issue_page(request, forum, form, commentary_form, review, *, status: int = 200):
    period = form.cleaned_data["period"]
    return render(
        request,
        "reports/report_issue.html",
        {
            "forum": forum,
            "form": form,
            "commentary_form": commentary_form,
            "period": period,
            "meeting": form.cleaned_data["meeting"],
            "report_name": REPORT_NAMES[period.kind],
            "review": review,
            "partner": reviews.snapshot(review) if review else None,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def report_issue(request, area_slug: str, forum_slug: str):
    """Confirm, write the commentary, then issue the forum's report for a period and
    (optionally) a meeting."""
    access, forum = get_forum(request, area_slug, forum_slug, Can.ISSUE_REPORTS)
    if not forum.plan_id:
        messages.error(request, "This forum monitors no plan, so it has no report.")
        return redirect("reports:forum_reports", area_slug=area_slug, forum_slug=forum_slug)
    form = IssueForm(request.POST if request.method == "POST" else request.GET, forum=forum)
    if not form.is_valid():
        context = _forum_page_context(access, forum, issue_form=form)
        if context["can_preview"]:
            context["preview_form"] = ReportForm(forum=forum)
        return render(request, "reports/forum_reports.html", context, status=400)
    priorities = forum.plan.priorities.order_by("number")
    period = form.cleaned_data["period"]
    review = reviews.latest_review(forum, period.code)
    needs_reason = reviews.needs_signoff_reason(forum.plan, review)
    if request.method == "GET":
        commentary_form = CommentaryForm(priorities=priorities, needs_signoff_reason=needs_reason)
        return _issue_page(request, forum, form, commentary_form, review)
    commentary_form = CommentaryForm(
        request.POST, priorities=priorities, needs_signoff_reason=needs_reason
    )
    if not commentary_form.is_valid():
        return _issue_page(request, forum, form, commentary_form, review, status=400)
    partner = reviews.snapshot(
        review,
        without_signoff_reason=commentary_form.cleaned_data.get("without_signoff_reason", ""),
    )
    pack_request = request_pack(
        plan=forum.plan,
        forum=forum,
        period=period,
        meeting=form.cleaned_data["meeting"],
        user=request.user,
        commentary=commentary_form.commentary(partner=partner),
    )
    pack_request.refresh_from_db()
    if pack_request.status == PackBuild.ISSUED:  # a worker (or the test backend) was quick
        messages.success(
            request,
            f"{pack_request.report.title} was issued. Members of the forum can now download it.",
        )
        return redirect("reports:forum_reports", area_slug=area_slug, forum_slug=forum_slug)
    return redirect(pack_request)


def _pack_request(request, area_slug, forum_slug, request_id, need):
    access, forum = get_forum(request, area_slug, forum_slug, need)
    pack_request = get_object_or_404(
        PackRequest.objects.filter(forum=forum).select_related("report", "requested_by"),
        pk=request_id,
    )
    return access, forum, pack_request


@require_GET
def pack_request_detail(request, area_slug: str, forum_slug: str, request_id: int):
    """A pack being built by the worker: its progress, then the pack or why it failed.
    While it is queued or being built the page refreshes itself every few seconds."""
    access, forum, pack_request = _pack_request(
        request, area_slug, forum_slug, request_id, Can.ISSUE_REPORTS
    )
    return render(
        request,
        "reports/pack_request.html",
        {"access": access, "forum": forum, "pack_request": pack_request, "refresh_seconds": 3},
    )


@require_POST
def pack_request_retry(request, area_slug: str, forum_slug: str, request_id: int):
    """Queue a failed build again (the same period, meeting, moment and commentary)."""
    _, _, pack_request = _pack_request(
        request, area_slug, forum_slug, request_id, Can.ISSUE_REPORTS
    )
    if pack_request.status != PackBuild.FAILED:
        messages.info(request, "This pack is not failed, so there is nothing to try again.")
    else:
        retry(pack_request, request.user)
        logger.info("Pack request %s retried by user %s", pack_request.pk, request.user.pk)
    return redirect(pack_request)


@require_GET
def issued_report_download(request, area_slug: str, forum_slug: str, report_id: int):
    """The issued PDF exactly as it was issued; its SHA-256 is the ETag."""
    access, forum = get_forum(request, area_slug, forum_slug, Can.VIEW)
    report = get_object_or_404(IssuedReport.objects.for_forum(forum), pk=report_id)
    etag = f'"{report.sha256}"'
    logger.info(
        "Issued report downloaded: report %s, user %s, area %s",
        report.pk,
        request.user.pk,
        access.area.slug,
    )
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = _pdf_response(bytes(report.content), report.filename)
    response["ETag"] = etag
    # The bytes never change; only the reader's own browser may keep them.
    response["Cache-Control"] = "private, max-age=86400"
    return response
