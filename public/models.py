"""A plan's public progress summary for families: a draft the programme manager writes,
and the versions they published, each frozen once published. Withdrawn versions are never
shown to the public again."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from sendplan.models import Plan, Priority
from sendplan.ratings import BRAGG

# A priority's status on the public page is the programme manager's own choice from the
# BRAGG words (they know the whole priority: its actions and its outcome targets), and
# each word has a symbol of its own shape so the status never rests on colour.
SYMBOLS = {
    BRAGG.BLUE: "★",
    BRAGG.GREEN: "●",
    BRAGG.AMBER: "▲",
    BRAGG.RED: "■",
    BRAGG.GREY: "○",
}


class PublicSummary(models.Model):
    plan = models.OneToOneField(Plan, models.CASCADE, related_name="public_summary")
    noindex = models.BooleanField(
        "ask search engines not to index it",
        default=True,
        help_text="Sends X-Robots-Tag: noindex and the same meta tag.",
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Public summary of {self.plan}"

    def get_absolute_url(self) -> str:
        return reverse("public:summary", args=[self.plan.area.slug, self.plan.slug])


class VersionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class VersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=VersionState.PUBLISHED)


class SummaryVersion(models.Model):
    summary = models.ForeignKey(PublicSummary, models.CASCADE, related_name="versions")
    state = models.CharField(max_length=16, choices=VersionState.choices)
    is_example = models.BooleanField(default=False)
    names_agreed = models.BooleanField(
        "everyone named agreed to be named",
        default=False,
        help_text="Confirmed by whoever published it (the history names them).",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["summary"],
                condition=models.Q(state="draft"),
                name="one_draft_per_summary",
            )
        ]

    def __str__(self) -> str:
        return f"{self.summary} ({self.get_state_display()})"

    @property
    def frozen(self) -> bool:
        return self.state != VersionState.DRAFT


class PriorityAccount(models.Model):
    """What the summary says about one priority."""

    version = models.ForeignKey(SummaryVersion, models.CASCADE, related_name="accounts")
    priority = models.ForeignKey(Priority, models.CASCADE, related_name="+")
    account = models.TextField("what we have done", blank=True)
    changed_for_families = models.TextField(
        "what has changed for families since last time", blank=True
    )
    status = models.CharField(max_length=16, choices=BRAGG.choices, default=BRAGG.GREY)
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority__number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "priority"], name="one_account_per_priority")
        ]

    def __str__(self) -> str:
        return f"{self.priority} in {self.version}"

    @property
    def symbol(self) -> str:
        return SYMBOLS[BRAGG(self.status)]

    @property
    def status_word(self) -> str:
        return BRAGG(self.status).word

    @property
    def meaning(self) -> str:
        return BRAGG(self.status).meaning
