"""The month cycle's own records: the reminders sent to leads."""

from __future__ import annotations

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
