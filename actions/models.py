"""Actions, their leads, their monthly BRAGG status and the story so far."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from sendplan.models import Issue, Person, Plan, PlanRecord, Priority, validate_first_of_month
from sendplan.months import add_months, month_words
from sendplan.ratings import BRAGG, BRAGG_NEEDS_COMPLETION, BRAGG_NEEDS_NOTE

from .change_requests import ChangeRequest
from .hooks import BLUE_NEEDS_EVIDENCE, blue_needs_evidence


class EntryState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class Action(PlanRecord):
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="actions")
    issue = models.ForeignKey(Issue, models.CASCADE, related_name="actions")
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)
    due_month = models.DateField("due", null=True, blank=True, validators=[validate_first_of_month])
    original_due_month = models.DateField(
        "originally due",
        null=True,
        blank=True,
        validators=[validate_first_of_month],
        help_text="The due month first written in the plan; kept when the due month is revised.",
    )
    due_as_written = models.CharField(
        max_length=60, blank=True, help_text='The due date as the plan wrote it: "Sept 2023".'
    )
    is_ongoing = models.BooleanField("ongoing", default=False)
    due_revised_reason = models.TextField("reason the due date was revised", blank=True)
    completed_on = models.DateField("completed", null=True, blank=True)
    leads = models.ManyToManyField(Person, through="ActionLead", related_name="actions")
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "issue__order", "order", "pk"]
        indexes = [models.Index(fields=["plan", "due_month"], name="action_plan_due")]

    def __str__(self) -> str:
        return self.text[:80]

    def parent_plan_id(self):
        return self.issue.plan_id if self.issue_id else None

    def save(self, *args, **kwargs):
        if self.original_due_month is None and self.due_month is not None and self._state.adding:
            self.original_due_month = self.due_month
        super().save(*args, **kwargs)

    @property
    def is_slipped(self) -> bool:
        return bool(
            self.original_due_month and self.due_month and self.due_month > self.original_due_month
        )


class ActionLead(PlanRecord):
    """Who leads an action ("Actioned by"). Its own history lets leads be seen as at a date."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="+")
    action = models.ForeignKey(Action, models.CASCADE, related_name="lead_rows")
    person = models.ForeignKey(Person, models.PROTECT, related_name="lead_rows")
    order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["action", "person"], name="action_lead_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} leads {self.action}"

    def parent_plan_id(self):
        return self.action.plan_id if self.action_id else None


class RememberedState(models.Model):
    """An entry that remembers the state it was read (or last saved) with, so that a save
    can tell whether readers, who see submitted entries only, saw the entry before it."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._state_before = self.state

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._state_before = dict(zip(field_names, values, strict=True)).get("state")
        return instance

    @property
    def unseen_by_readers(self) -> bool:
        """A draft that was a draft before (or new): nothing a reader sees has changed."""
        before = getattr(self, "_state_before", EntryState.DRAFT)
        return self.state == EntryState.DRAFT and before == EntryState.DRAFT


class MonthlyRating(RememberedState, PlanRecord):
    """An item's rating for one month: a dated row, never an overwritten field.

    The item's current rating is its latest submitted month. Within an open month the row
    can be corrected (every save is kept in its history); once the month closes it is
    read-only. A concrete rating names its item's field (``subject_field``) and its
    rating's field (``rating_field``), and declares ``plan``, the item and the rating.
    """

    subject_field: str
    rating_field: str

    month = models.DateField(validators=[validate_first_of_month])
    note = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=EntryState.choices, default=EntryState.DRAFT)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    rated_at = models.DateTimeField(default=timezone.now)
    is_example = models.BooleanField(
        default=False, help_text="Example data added by seed_demo, not from the plan."
    )
    carried_forward = models.BooleanField(
        default=False,
        help_text="Copied unchanged from the month before, by its lead or when the month opened.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.subject} – {self.month:%b %Y}: {self.get_rating_display()}"

    @property
    def subject(self):
        """The action or outcome target rated."""
        return getattr(self, self.subject_field)

    def get_rating_display(self) -> str:
        return getattr(self, f"get_{self.rating_field}_display")()

    def parent_plan_id(self):
        return self.subject.plan_id if getattr(self, f"{self.subject_field}_id") else None


class ActionStatus(MonthlyRating):
    """An action's BRAGG status for one month."""

    subject_field = "action"
    rating_field = "status"

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="action_statuses")
    action = models.ForeignKey(Action, models.CASCADE, related_name="statuses")
    status = models.CharField("BRAGG status", max_length=8, choices=BRAGG.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "-month"]
        verbose_name = "BRAGG status"
        verbose_name_plural = "BRAGG statuses"
        constraints = [
            models.UniqueConstraint(fields=["action", "month"], name="action_status_one_per_month")
        ]
        indexes = [models.Index(fields=["plan", "month"], name="action_status_plan_month")]

    def clean(self):
        super().clean()
        check_bragg_rules(
            self.status, self.note, self.action.completed_on if self.action_id else None
        )


def check_bragg_rules(
    status: str, note: str, completed_on: dt.date | None, *, action_id: int | None = None
) -> None:
    """The plan's rules for a BRAGG status, shared by forms, the import and the admin.

    With ``action_id`` (the lead's update and its submission), a plan that requires
    evidence before Blue refuses Blue for an action with none (``actions.hooks``)."""
    errors = {}
    if status in BRAGG_NEEDS_NOTE and not (note or "").strip():
        errors["note"] = f"Enter a note saying why the action is {BRAGG(status).word}."
    if status == BRAGG_NEEDS_COMPLETION and completed_on is None:
        errors["completed_on"] = "Enter the date the action was completed, as it is Blue."
    if blue_needs_evidence(status, action_id):
        errors["status"] = BLUE_NEEDS_EVIDENCE
    if errors:
        raise ValidationError(errors)


class StoryEntry(RememberedState, PlanRecord):
    """A "story so far" entry (success, progress, risks, delays) for one month.

    It belongs to an issue to be addressed, or to a whole priority where the plan reports
    at that level. ``month`` is empty where the source gives no date for the entry.
    """

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="story_entries")
    issue = models.ForeignKey(
        Issue, models.CASCADE, null=True, blank=True, related_name="story_entries"
    )
    priority = models.ForeignKey(
        Priority, models.CASCADE, null=True, blank=True, related_name="story_entries"
    )
    month = models.DateField(null=True, blank=True, validators=[validate_first_of_month])
    date_as_written = models.CharField(max_length=60, blank=True)
    narrative = models.TextField(help_text="Sanitised HTML.")
    state = models.CharField(max_length=10, choices=EntryState.choices, default=EntryState.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)
    order = models.PositiveIntegerField(default=0)
    is_example = models.BooleanField(
        default=False, help_text="Example data added by seed_demo, not from the plan."
    )
    carried_forward = models.BooleanField(
        default=False,
        help_text="Copied unchanged from the month before, by its lead or when the month opened.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-month", "order"]
        verbose_name = "story so far entry"
        verbose_name_plural = "story so far entries"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(issue__isnull=False, priority__isnull=True)
                    | Q(issue__isnull=True, priority__isnull=False)
                ),
                name="story_entry_for_issue_or_priority",
            )
        ]
        indexes = [
            models.Index(fields=["plan", "month"], name="story_entry_plan_month"),
            # Each issue's or priority's newest entry before the months a page shows
            # (plan_state's window): one index lookup per issue or priority.
            models.Index(fields=["issue", "month"], name="story_entry_issue_month"),
            models.Index(fields=["priority", "month"], name="story_entry_priority_month"),
        ]

    def __str__(self) -> str:
        if self.issue_id:
            where = self.issue.ref
        elif self.priority_id:
            where = self.priority.short_label
        else:
            where = "(no issue or priority yet)"
        when = f"{self.month:%b %Y}" if self.month else "undated"
        return f"Story so far {where}, {when}"

    def parent_plan_id(self):
        if self.issue_id:
            return self.issue.plan_id
        if self.priority_id:
            return self.priority.plan_id
        return None


class DueDateChangeRequest(ChangeRequest):
    """An action's due month moved further beyond its original than the plan allows
    without approval (``SENDPLAN_DUE_DATE_APPROVAL_MONTHS``)."""

    subject_field = "action"
    kind_words = "Due date"

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="due_date_change_requests")
    action = models.ForeignKey(Action, models.CASCADE, related_name="due_date_change_requests")
    due_month = models.DateField("new due month", validators=[validate_first_of_month])
    was_due_month = models.DateField(
        "due month before the change", null=True, blank=True, validators=[validate_first_of_month]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "pk"]
        verbose_name = "due date change request"
        indexes = [models.Index(fields=["plan", "status"], name="due_change_plan_status")]

    def __str__(self) -> str:
        return f"Due date of {self.action} to {self.due_month:%B %Y}"

    def was_values(self) -> dict:
        return {"due_month": self.was_due_month}

    def changes(self) -> list[tuple[str, str, str]]:
        was = self.was_due_month if self.status == "approved" else self.action.due_month
        return [("Due", month_words(was) if was else "not set", month_words(self.due_month))]


def needs_due_date_approval(action: Action, new_due_month: dt.date | None) -> bool:
    """Whether moving ``action`` to ``new_due_month`` goes more than
    ``SENDPLAN_DUE_DATE_APPROVAL_MONTHS`` beyond the month the plan first promised."""
    original = action.original_due_month or action.due_month
    if new_due_month is None or original is None:
        return False
    limit = add_months(original, settings.SENDPLAN_DUE_DATE_APPROVAL_MONTHS)
    return new_due_month.replace(day=1) > limit


class StoryComment(PlanRecord):
    """A partner reviewer's comment on an issue's (or a priority's) story so far in the
    open month, such as the parent carer forum saying what families see. The lead reads it
    on their task list for the month; the history keeps it with who and when."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="story_comments")
    issue = models.ForeignKey(
        Issue, models.CASCADE, null=True, blank=True, related_name="story_comments"
    )
    priority = models.ForeignKey(
        Priority, models.CASCADE, null=True, blank=True, related_name="story_comments"
    )
    month = models.DateField(validators=[validate_first_of_month])
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    organisation = models.CharField(max_length=200, blank=True)
    written_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "month", "written_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(issue__isnull=False, priority__isnull=True)
                | models.Q(issue__isnull=True, priority__isnull=False),
                name="story_comment_on_issue_or_priority",
            )
        ]
        indexes = [models.Index(fields=["plan", "month"], name="story_comment_plan_month")]

    def __str__(self) -> str:
        return f"Comment by {self.author} for {self.month:%B %Y}"

    def parent_plan_id(self):
        if self.issue_id:
            return self.issue.plan_id
        return self.priority.plan_id if self.priority_id else None
