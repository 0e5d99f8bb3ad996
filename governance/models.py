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


# --- Attendance and decisions (the governance issue) -----------------------------------


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Sent apologies"


class Attendance(models.Model):
    """Whether a person came to a meeting. Members with no row are "not recorded"."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "person__name"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_unique_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_status_display()}"


class DecisionKind(models.TextChoices):
    DECISION = "decision", "Decision"
    CHALLENGE = "challenge", "Challenge"


class DecisionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class DecisionQuerySet(models.QuerySet):
    def for_forum(self, forum: Forum) -> DecisionQuerySet:
        return self.filter(meeting__forum=forum)

    def open_on(self, day) -> DecisionQuerySet:
        """Still open at the end of ``day``: not done, or done only after it."""
        return self.filter(models.Q(done_on__isnull=True) | models.Q(done_on__gt=day))


class Decision(models.Model):
    """A decision or challenge a meeting recorded, with an owner and a due date.

    It belongs to the meeting that raised it. While open it is carried to each later
    meeting of the same forum (``services.carried_decisions``): it is not copied, so the
    record stays one row whose history shows who changed it and when.
    """

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=10, choices=DecisionKind.choices)
    text = models.TextField()
    owner = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="decisions_owned"
    )
    due_date = models.DateField("due", null=True, blank=True)
    status = models.CharField(
        max_length=8, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    done_on = models.DateField("done", null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(status="open", done_on__isnull=True)
                    | models.Q(status="done", done_on__isnull=False)
                ),
                name="decision_done_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:70]}"


class DecisionLink(models.Model):
    """A plan item a decision concerns: one action, outcome target or issue to be addressed.

    A through row with its own history, so what a decision was linked to can be seen as at
    a date, like the plan's other links.
    """

    decision = models.ForeignKey(Decision, models.CASCADE, related_name="links")
    action = models.ForeignKey(
        "actions.Action", models.CASCADE, null=True, blank=True, related_name="decision_links"
    )
    target = models.ForeignKey(
        "outcomes.OutcomeTarget",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="decision_links",
    )
    issue = models.ForeignKey(
        "sendplan.Issue", models.CASCADE, null=True, blank=True, related_name="decision_links"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["decision", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(action__isnull=False, target__isnull=True, issue__isnull=True)
                    | models.Q(action__isnull=True, target__isnull=False, issue__isnull=True)
                    | models.Q(action__isnull=True, target__isnull=True, issue__isnull=False)
                ),
                name="decision_link_one_item",
            ),
            models.UniqueConstraint(
                fields=["decision", "action"], name="decision_link_unique_action"
            ),
            models.UniqueConstraint(
                fields=["decision", "target"], name="decision_link_unique_target"
            ),
            models.UniqueConstraint(
                fields=["decision", "issue"], name="decision_link_unique_issue"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} – {self.item}"

    @property
    def item(self):
        return self.action or self.target or self.issue
