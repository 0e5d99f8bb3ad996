"""Issued reports: the PDF progress statements sent to forums, frozen as they were sent."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


def bundle_storage():
    """Bundles live beside the evidence they copy (the ``evidence`` storage alias: a
    folder under ``var/``, or the shared object store), never under a public address."""
    from django.core.files.storage import storages

    return storages["evidence"]


class IssuedReportQuerySet(models.QuerySet):
    def for_forum(self, forum) -> IssuedReportQuerySet:
        return self.filter(forum=forum)

    def without_content(self) -> IssuedReportQuerySet:
        """Everything but the PDF bytes: for lists, which never need them."""
        return self.defer("content")


class IssuedReport(models.Model):
    """A progress statement issued to a forum: the PDF exactly as it was sent, frozen.

    The file lives in the database (app servers keep no state), with its SHA-256, who
    issued it and when, and the "as at" moment its content was built from, so the same
    report can be rebuilt from the audit history and compared, and the commentary the
    programme manager wrote for it (printed in the PDF too). Once saved it never
    changes: ``save()`` refuses updates and ``delete()`` refuses deletion.
    """

    plan = models.ForeignKey("sendplan.Plan", models.PROTECT, related_name="issued_reports")
    forum = models.ForeignKey("governance.Forum", models.PROTECT, related_name="issued_reports")
    meeting = models.ForeignKey(
        "governance.Meeting",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_reports",
        help_text="The meeting the report was issued for, if any.",
    )
    period_code = models.CharField(max_length=10, help_text='"2023-04", "2023-Q1" or "2023".')
    period_label = models.CharField(max_length=60)
    period_start = models.DateField(help_text="First day of the period's first month.")
    period_end = models.DateField(help_text="First day of the period's last month.")
    as_at = models.DateTimeField(help_text="The moment of the plan's history it was built from.")
    title = models.CharField(max_length=200)
    filename = models.CharField(max_length=200)
    content = models.BinaryField(editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    size = models.PositiveIntegerField("size in bytes", editable=False)
    page_count = models.PositiveIntegerField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="issued_reports"
    )
    issued_at = models.DateTimeField()
    commentary = models.TextField(
        blank=True, help_text="The programme manager's summary commentary, as plain text."
    )
    priority_commentary = models.JSONField(
        default=dict,
        blank=True,
        help_text="The commentary on each priority, as plain text, by the priority's id.",
    )
    partner_review = models.JSONField(
        default=dict,
        blank=True,
        help_text="The partners' sign-off and dissent printed in it, or the reason it was "
        "issued without a sign-off.",
    )
    # The bytes never change, so the history need not copy them.
    history = HistoricalRecords(excluded_fields=["content"])

    objects = IssuedReportQuerySet.as_manager()

    class Meta:
        ordering = ["forum", "-period_start", "-issued_at"]
        indexes = [
            models.Index(fields=["forum", "period_start"], name="issued_report_forum_period")
        ]

    def __str__(self) -> str:
        return f"{self.title} (issued {self.issued_at:%d %B %Y})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("An issued report never changes: issue a new one instead.")
        content = bytes(self.content)
        self.size = len(content)
        self.sha256 = hashlib.sha256(content).hexdigest()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "reports:issued_report_download",
            kwargs={
                "area_slug": self.forum.area.slug,
                "forum_slug": self.forum.slug,
                "report_id": self.pk,
            },
        )

    def delete(self, *args, **kwargs):
        raise ValidationError("An issued report is a record of what a forum was sent: keep it.")


class PackBuild(models.TextChoices):
    QUEUED = "queued", "Queued"
    BUILDING = "building", "Being built"
    ISSUED = "issued", "Issued"
    FAILED = "failed", "Failed"


class PackRequest(models.Model):
    """A programme manager's request to issue a forum's pack, built by the background
    worker (reports/tasks.py) so that the page answers at once whatever the pack's size.

    It keeps everything the pack is built from (the period, the meeting, the "as at"
    moment of the request, the commentary), so a retry builds the same pack. Once built,
    ``report`` is the issued pack; a failed build says why and can be tried again. The
    issued pack and ``report`` are saved in one transaction, so a worker stopped at any
    moment leaves either no pack or the pack and its request done, never two packs.
    """

    plan = models.ForeignKey("sendplan.Plan", models.PROTECT, related_name="pack_requests")
    forum = models.ForeignKey("governance.Forum", models.PROTECT, related_name="pack_requests")
    meeting = models.ForeignKey(
        "governance.Meeting", models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_code = models.CharField(max_length=10)
    period_label = models.CharField(max_length=60)
    as_at = models.DateTimeField(help_text="The moment of the plan's history to build from.")
    commentary = models.TextField(blank=True)
    priority_commentary = models.JSONField(default=dict, blank=True)
    partner_review = models.JSONField(
        default=dict,
        blank=True,
        help_text="The partners' sign-off and dissent as they stood when the pack was asked "
        "for (reports.reviews.snapshot), or the reason it is issued without a sign-off.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="pack_requests"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=PackBuild.choices, default=PackBuild.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why the last attempt failed, in words.")
    report = models.OneToOneField(
        IssuedReport, models.PROTECT, null=True, blank=True, related_name="request"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.period_label} pack for {self.forum} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse(
            "reports:pack_request",
            kwargs={
                "area_slug": self.forum.area.slug,
                "forum_slug": self.forum.slug,
                "request_id": self.pk,
            },
        )

    @property
    def is_pending(self) -> bool:
        return self.status in (PackBuild.QUEUED, PackBuild.BUILDING)


class Bundle(models.Model):
    """A monitoring-visit bundle: the plan's (or a priority's) record and evidence as at a
    moment, in one ZIP (reports/bundles.py), built by the background worker and then
    frozen: the stored file, with its SHA-256, is what every later download sends."""

    plan = models.ForeignKey("sendplan.Plan", models.PROTECT, related_name="bundles")
    priority = models.ForeignKey(
        "sendplan.Priority", models.PROTECT, null=True, blank=True, related_name="+"
    )
    as_at = models.DateTimeField(help_text="The moment of the plan's history it shows.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=PackBuild.choices, default=PackBuild.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    file = models.FileField(storage=bundle_storage, max_length=300, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    file_count = models.PositiveIntegerField(default=0)
    link_count = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Bundle of {self.plan} as at {self.as_at:%d %B %Y} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("reports:bundle", kwargs={"plan_slug": self.plan.slug, "bundle_id": self.pk})

    @property
    def is_pending(self) -> bool:
        return self.status in (PackBuild.QUEUED, PackBuild.BUILDING)

    @property
    def is_ready(self) -> bool:
        return self.status == PackBuild.ISSUED and bool(self.file)


class PartnerReview(models.Model):
    """A draft statement sent to the area's partner reviewers (the parent carer forum, and
    any school, ICB or other partner given the role) before it is issued: each reviewer
    reads the draft as it stood at ``as_at`` (the same preview the executive sees) and,
    priority by priority, signs it off or records dissent in their own words, until the
    end of ``closes_on``. The pack issued for the same forum and period prints what they
    said, verbatim, with their names, organisations and dates."""

    plan = models.ForeignKey("sendplan.Plan", models.PROTECT, related_name="partner_reviews")
    forum = models.ForeignKey("governance.Forum", models.PROTECT, related_name="partner_reviews")
    period_code = models.CharField(max_length=10)
    period_label = models.CharField(max_length=60)
    as_at = models.DateTimeField(help_text="The moment of the plan's history the draft shows.")
    closes_on = models.DateField("closing date")
    message = models.TextField("message to the reviewers", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["forum", "period_code"], name="review_forum_period")]

    def __str__(self) -> str:
        return f"Partner review of the {self.period_label} statement for {self.forum}"

    def get_absolute_url(self) -> str:
        return reverse(
            "reports:partner_review",
            kwargs={
                "area_slug": self.forum.area.slug,
                "forum_slug": self.forum.slug,
                "review_id": self.pk,
            },
        )

    def is_open(self, today=None) -> bool:
        from django.utils import timezone

        return (today or timezone.localdate()) <= self.closes_on


class ReviewDecision(models.TextChoices):
    SIGNED_OFF = "signed_off", "Signed off: this reflects families' experience"
    DISSENT = "dissent", "Dissent: this does not reflect families' experience"


class ReviewResponse(models.Model):
    """One reviewer's word on one priority of a draft: a sign-off or a dissent, with what
    they wrote (required for a dissent). Changed until the review closes; the history keeps
    every version with who and when."""

    review = models.ForeignKey(PartnerReview, models.CASCADE, related_name="responses")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    organisation = models.CharField(max_length=200, blank=True)
    priority = models.ForeignKey("sendplan.Priority", models.PROTECT, related_name="+")
    decision = models.CharField(max_length=12, choices=ReviewDecision.choices)
    words = models.TextField(blank=True)
    decided_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "priority__number", "reviewer__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "reviewer", "priority"], name="one_response_per_priority"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.reviewer} on {self.priority}"


class ReviewReminder(models.Model):
    """A reminder e-mailed to a reviewer about a review they have not finished: at most one
    a day per review, however often ``send_review_reminders`` runs (as leads' reminders)."""

    review = models.ForeignKey(PartnerReview, models.CASCADE, related_name="reminders")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    sent_on = models.DateField()
    sent_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "reviewer", "sent_on"], name="one_review_reminder_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.reviewer} on {self.sent_on} about {self.review}"
