"""The month cycle's own records: the reminders sent to leads."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from sendplan.models import Person, Plan, PlanRecord, validate_first_of_month


class ReminderSent(PlanRecord):
    """One reminder e-mail to a lead about a plan's open month, on one day.

    ``send_reminders`` writes this row in the same transaction as it sends, and the unique
    constraint is what makes a second run on the same day send nothing.
    """

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="reminders_sent")
    person = models.ForeignKey(Person, models.CASCADE, related_name="reminders_sent")
    month = models.DateField(validators=[validate_first_of_month])
    sent_on = models.DateField()
    email = models.EmailField()
    item_count = models.PositiveIntegerField(help_text="Outstanding items the e-mail listed.")
    sent_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-sent_on", "person"]
        verbose_name = "reminder sent"
        verbose_name_plural = "reminders sent"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "person", "month", "sent_on"], name="reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.person} for {self.month:%B %Y}, sent {self.sent_on}"


# Kept figures older than this (and up to an hour more) are worked out again whatever
# else holds: the bound on a reader storing what it read just before a write (progress.figures).
FIGURES_MAX_AGE = dt.timedelta(hours=6)


class PlanFigures(models.Model):
    """A plan's headline figures for the month its pages open on, as ``progress.figures``
    worked them out: kept so the advisers' page and the readiness trend need not work them
    out on every request. Derived from audited rows and never written by a person, so it
    keeps no history of its own; it is dropped whenever the plan changes."""

    plan = models.OneToOneField(Plan, models.CASCADE, related_name="+")
    month = models.DateField(help_text="The month the figures are for.")
    computed_at = models.DateTimeField()
    figures = models.JSONField(
        help_text="Actions by this month's BRAGG status (bragg), outcome targets by RAG "
        "rating (rag), overdue actions (overdue), the readiness trend's months, oldest first "
        "(trend_months), and by priority id, [checks passed, checks applicable] for each of "
        "those months (priority_trends)."
    )

    class Meta:
        verbose_name = "plan figures"
        verbose_name_plural = "plan figures"

    def __str__(self) -> str:
        return f"Figures of plan {self.plan_id} for {self.month:%B %Y}"

    # One JSON column rather than five: a batch of 153 plans' rows is one insert on SQLite.
    @property
    def bragg(self) -> dict[str, int]:
        return self.figures["bragg"]

    @property
    def rag(self) -> dict[str, int]:
        return self.figures["rag"]

    @property
    def overdue(self) -> int:
        return self.figures["overdue"]

    @property
    def trend_months(self) -> list[str]:
        return self.figures["trend_months"]

    @property
    def priority_trends(self) -> dict[str, list[list[int]]]:
        return self.figures["priority_trends"]

    def holds(self, *, month, now) -> bool:
        """Whether the kept figures still answer for ``month`` at ``now`` (see
        ``progress.figures``). Their age limit is spread over an hour by plan, so figures
        worked out together are not all worked out again on the same visit."""
        spread = dt.timedelta(minutes=self.plan_id % 60)
        return self.month == month and now - self.computed_at < FIGURES_MAX_AGE + spread
