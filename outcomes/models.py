"""Outcome targets and their monthly RAG impact rating."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from simple_history.models import HistoricalRecords

from actions.change_requests import ChangeRequest, ChangeStatus
from actions.models import Action, MonthlyRating
from sendplan.models import Issue, Plan, PlanRecord, validate_first_of_month
from sendplan.months import month_words
from sendplan.ratings import RAG


class Direction(models.TextChoices):
    INCREASE = "increase", "Increase is better"
    DECREASE = "decrease", "Decrease is better"
    MAINTAIN = "maintain", "Maintain at least"


class OutcomeTarget(PlanRecord):
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="outcome_targets")
    issue = models.ForeignKey(Issue, models.CASCADE, related_name="outcome_targets")
    action = models.ForeignKey(
        Action,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcome_targets",
        help_text="The action this target measures, where the plan ties it to one.",
    )
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)
    target_month = models.DateField(
        "target date", null=True, blank=True, validators=[validate_first_of_month]
    )
    target_as_written = models.CharField(
        max_length=60, blank=True, help_text='The date as the plan wrote it: "Year End 2023/24".'
    )
    is_ongoing = models.BooleanField("ongoing", default=False)
    unit = models.CharField(max_length=40, blank=True, help_text="%, cases, young people...")
    baseline = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    baseline_month = models.DateField(
        "baseline date",
        null=True,
        blank=True,
        validators=[validate_first_of_month],
        help_text="The month the baseline was measured, where the plan says.",
    )
    target_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "issue__order", "order", "pk"]
        indexes = [models.Index(fields=["plan", "target_month"], name="target_plan_month")]

    def __str__(self) -> str:
        return self.text[:80]

    def parent_plan_id(self):
        return self.issue.plan_id if self.issue_id else None

    @property
    def is_quantified(self) -> bool:
        return self.target_value is not None


class ImpactRating(MonthlyRating):
    """An outcome target's RAG impact rating for one month, with the measured figure."""

    subject_field = "target"
    rating_field = "rag"

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="impact_ratings")
    target = models.ForeignKey(OutcomeTarget, models.CASCADE, related_name="ratings")
    rag = models.CharField("RAG impact rating", max_length=8, choices=RAG.choices)
    measured_value = models.DecimalField(
        "measured figure", max_digits=12, decimal_places=2, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["target", "-month"]
        verbose_name = "RAG impact rating"
        constraints = [
            models.UniqueConstraint(fields=["target", "month"], name="impact_rating_one_per_month")
        ]
        indexes = [models.Index(fields=["plan", "month"], name="impact_rating_plan_month")]


# What an outcome target promises: changing any of these is a request, not an edit.
PROMISED_FIELDS = {
    "text": "Wording",
    "baseline": "Baseline",
    "target_value": "Target figure",
    "unit": "Unit",
    "target_month": "Target date",
}


def _say(field: str, value) -> str:
    if value is None or value == "":
        return "not set"
    if field == "target_month":
        return month_words(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return f"“{value}”" if field == "text" else str(value)


class TargetChangeRequest(ChangeRequest):
    """A proposed change to what an outcome target promises. ``new_*`` hold the proposed
    values (all of them, changed or not); ``was_*`` what stood when it was approved."""

    subject_field = "target"
    kind_words = "Outcome target"

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="target_change_requests")
    target = models.ForeignKey(OutcomeTarget, models.CASCADE, related_name="change_requests")
    new_text = models.TextField("wording")
    new_baseline = models.DecimalField(
        "baseline", max_digits=12, decimal_places=2, null=True, blank=True
    )
    new_target_value = models.DecimalField(
        "target figure", max_digits=12, decimal_places=2, null=True, blank=True
    )
    new_unit = models.CharField("unit", max_length=40, blank=True)
    new_target_month = models.DateField(
        "target date", null=True, blank=True, validators=[validate_first_of_month]
    )
    was_text = models.TextField(blank=True)
    was_baseline = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    was_target_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    was_unit = models.CharField(max_length=40, blank=True)
    was_target_month = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "pk"]
        verbose_name = "outcome target change request"
        indexes = [models.Index(fields=["plan", "status"], name="target_change_plan_status")]

    def __str__(self) -> str:
        return f"Change to {self.target}"

    def proposed(self) -> dict:
        return {field: getattr(self, f"new_{field}") for field in PROMISED_FIELDS}

    def was_values(self) -> dict:
        return {field: getattr(self, f"was_{field}") for field in PROMISED_FIELDS}

    def before(self) -> dict:
        """What stood before: kept on approval; until then the target as it stands."""
        if self.status == ChangeStatus.APPROVED:
            return {field: getattr(self, f"was_{field}") for field in PROMISED_FIELDS}
        return {field: getattr(self.target, field) for field in PROMISED_FIELDS}

    def changes(self) -> list[tuple[str, str, str]]:
        before, after = self.before(), self.proposed()
        return [
            (words, _say(field, before[field]), _say(field, after[field]))
            for field, words in PROMISED_FIELDS.items()
            if before[field] != after[field]
        ]
