"""Governance: the forums that monitor a plan, their members and their meetings."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from sendplan.models import Area, Person, Plan


class Cadence(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUALLY = "annually", "Annually"


class ForumQuerySet(models.QuerySet):
    def for_area(self, area: Area) -> ForumQuerySet:
        return self.filter(area=area)


class Forum(models.Model):
    """A governance forum: SEND Implementation Group, SEND Assurance Executive, HWB."""

    area = models.ForeignKey(Area, models.CASCADE, related_name="forums")
    plan = models.ForeignKey(
        Plan,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="forums",
        help_text="The plan this forum monitors.",
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    level = models.CharField(
        max_length=120, blank=True, help_text='From the monitoring schedule: "Strategic Assurance".'
    )
    cadence = models.CharField(max_length=10, choices=Cadence.choices)
    cadence_as_written = models.CharField(max_length=30, blank=True)
    purpose = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    objects = ForumQuerySet.as_manager()

    class Meta:
        ordering = ["area", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "slug"], name="forum_unique_slug_in_area")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.area})"

    def get_absolute_url(self) -> str:
        return reverse(
            "governance:forum_detail", kwargs={"area_slug": self.area.slug, "forum_slug": self.slug}
        )


class ForumMember(models.Model):
    """A person's seat on a forum, with the role and organisation the forum lists."""

    forum = models.ForeignKey(Forum, models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, models.PROTECT, related_name="forum_seats")
    role = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["forum", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "person"], name="forum_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.forum.name}"


class Meeting(models.Model):
    """A meeting of a forum. ``scheduled_for`` comes from the cadence; ``held_on`` is real."""

    forum = models.ForeignKey(Forum, models.CASCADE, related_name="meetings")
    scheduled_for = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    period_start = models.DateField(help_text="First day of the period the meeting reviews.")
    period_end = models.DateField(help_text="Last day of the period the meeting reviews.")
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["forum", "-scheduled_for"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "scheduled_for"], name="meeting_unique_date")
        ]

    def __str__(self) -> str:
        return f"{self.forum.name}, {self.date:%d %B %Y}"

    @property
    def date(self):
        return self.held_on or self.scheduled_for
