"""Reports: issued PDF progress statements and plan spreadsheet imports."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

# --- Issued reports (PDF progress statements) ------------------------------------------


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
    report can be rebuilt from the audit history and compared. Once saved it never
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


# --- Plan spreadsheet imports ----------------------------------------------------------


class PlanImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Previewed"
    IMPORTED = "imported", "Imported"


class PlanImport(models.Model):
    """An uploaded plan spreadsheet, kept between its preview and its confirmation.

    The bytes live in the database (app servers keep no files) with their SHA-256, which
    the confirmation checks, and so do the rows read from them (``parsed``, the JSON of a
    ``ParsedUpload``): the file is read once, when it is uploaded, and the preview and the
    import use those rows, so what is written is exactly what was previewed. Once the
    plan is imported the bytes and the rows are cleared: the plan and its history hold the
    data.
    """

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    area_name = models.CharField("local area", max_length=120)
    plan_title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120)
    month = models.DateField(help_text="The month the sheet's BRAGG and RAG ratings are for.")
    replace = models.BooleanField("replace the plan's content", default=False)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField(editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    updates_name = models.CharField("story so far file", max_length=255, blank=True)
    updates_content = models.BinaryField(null=True, blank=True, editable=False)
    updates_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    parsed = models.TextField("rows read", blank=True, editable=False)
    status = models.CharField(
        max_length=16, choices=PlanImportStatus.choices, default=PlanImportStatus.PREVIEWED
    )
    plan = models.ForeignKey(
        "sendplan.Plan", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(null=True, blank=True)
    # The file and its rows are large and cleared once imported; the history keeps who did
    # what.
    history = HistoricalRecords(excluded_fields=["content", "updates_content", "parsed"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "plan spreadsheet import"

    def __str__(self) -> str:
        return f"{self.file_name} → {self.plan_title} ({self.get_status_display()})"

    def content_matches(self) -> bool:
        """The stored bytes are still the ones that were previewed."""
        if hashlib.sha256(bytes(self.content or b"")).hexdigest() != self.sha256:
            return False
        if self.updates_sha256:
            updates = bytes(self.updates_content or b"")
            return hashlib.sha256(updates).hexdigest() == self.updates_sha256
        return True
