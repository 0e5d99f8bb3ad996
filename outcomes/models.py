"""Outcome targets and their monthly RAG impact rating."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from actions.models import Action, MonthlyRating
from sendplan.models import Issue, Plan, PlanRecord, validate_first_of_month
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
