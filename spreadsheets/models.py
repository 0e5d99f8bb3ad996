"""Plan spreadsheet imports: an uploaded file kept between its preview and its confirmation."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


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


class ColumnMapping(models.Model):
    """The columns an area's plan was last imported with: which of its headers fill which
    field, used by default on the area's next import (``mapping``)."""

    area = models.OneToOneField(
        "sendplan.Area", models.CASCADE, related_name="+", verbose_name="local area"
    )
    # Header as ``mapping.normalise`` gives it → field name, or "" for not imported;
    # "_heading" → what a heading row starts ("priority" or "issue").
    choices = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "remembered column mapping"

    def __str__(self) -> str:
        return f"Columns of {self.area}'s plan"
