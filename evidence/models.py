"""Evidence behind a rating: a file or a link attached to one action, outcome target,
story-so-far entry or meeting decision.

Evidence is never deleted by a user: it is withdrawn with a reason, and its history keeps
both what it was and the withdrawal. A file's bytes live in the ``evidence`` storage
(``STORAGES["evidence"]``: a folder under ``var/`` by default, an S3-compatible bucket when
set by environment), never under the static files or a public media address; only
``evidence.views.download`` sends them, to people who may see the item.

For the apps above (readiness, the monitoring-visit bundle):

- ``Evidence.objects.for_item(obj)``: the evidence of an action, target, story entry or
  decision; ``.current()`` leaves out the withdrawn.
- ``evidence_as_at(moment, **filters)``: the evidence as it stood at a moment, rebuilt
  from the history (withdrawn rows included, with their withdrawal as it then stood).
- ``Evidence.sha256``: the SHA-256 of the stored file, computed while it was stored.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actions.models import Action, StoryEntry
from governance.models import Decision
from outcomes.models import OutcomeTarget
from sendplan.models import Area, Plan


def evidence_storage():
    """The ``evidence`` storage alias (a callable, so settings may change it in tests)."""
    return storages["evidence"]


class EvidenceKind(models.TextChoices):
    FILE = "file", "File"
    LINK = "link", "Link"


# The item an evidence row is attached to: its kind as written in addresses, and its field.
ITEM_FIELDS = {
    "action": "action",
    "target": "target",
    "story": "story_entry",
    "decision": "decision",
}
ITEM_MODELS = {
    "action": Action,
    "target": OutcomeTarget,
    "story": StoryEntry,
    "decision": Decision,
}


def item_kind(obj) -> str:
    for kind, model in ITEM_MODELS.items():
        if isinstance(obj, model):
            return kind
    raise TypeError(f"Evidence cannot be attached to {type(obj).__name__}")


class EvidenceQuerySet(models.QuerySet):
    def for_item(self, obj) -> EvidenceQuerySet:
        """The evidence of one action, outcome target, story entry or decision."""
        return self.filter(**{f"{ITEM_FIELDS[item_kind(obj)]}_id": obj.pk})

    def current(self) -> EvidenceQuerySet:
        """Not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def files(self) -> EvidenceQuerySet:
        return self.filter(kind=EvidenceKind.FILE)

    def bytes_used(self) -> int:
        """The bytes of the files stored (withdrawn files are kept, so they count)."""
        return self.files().aggregate(total=models.Sum("size"))["total"] or 0


class Evidence(models.Model):
    area = models.ForeignKey(Area, models.CASCADE, related_name="evidence")
    plan = models.ForeignKey(
        Plan,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
        help_text="The plan of the item (a meeting decision belongs to the area, not a plan).",
    )
    action = models.ForeignKey(
        Action, models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    target = models.ForeignKey(
        OutcomeTarget, models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    story_entry = models.ForeignKey(
        StoryEntry, models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    decision = models.ForeignKey(
        Decision, models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    kind = models.CharField(max_length=8, choices=EvidenceKind.choices)
    title = models.CharField(max_length=200)
    dated = models.DateField("date it is from")
    description = models.TextField(blank=True)
    url = models.URLField("link", max_length=2000, blank=True)
    file = models.FileField(storage=evidence_storage, max_length=300, blank=True)
    file_name = models.CharField(
        max_length=200, blank=True, help_text="The file's name as added, cleaned."
    )
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)
    is_example = models.BooleanField(
        default=False, help_text="Example data added by seed_demo, not from the plan."
    )
    history = HistoricalRecords()

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["-dated", "-added_at", "-pk"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(action__isnull=False, target__isnull=True)
                    & Q(story_entry__isnull=True, decision__isnull=True)
                    | Q(action__isnull=True, target__isnull=False)
                    & Q(story_entry__isnull=True, decision__isnull=True)
                    | Q(action__isnull=True, target__isnull=True)
                    & Q(story_entry__isnull=False, decision__isnull=True)
                    | Q(action__isnull=True, target__isnull=True)
                    & Q(story_entry__isnull=True, decision__isnull=False)
                ),
                name="evidence_one_item",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="file", url="") & ~Q(file="") | Q(kind="link", file="") & ~Q(url="")
                ),
                name="evidence_file_or_link",
            ),
        ]
        indexes = [
            models.Index(fields=["area", "kind"], name="evidence_area_kind"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def item(self):
        return self.action or self.target or self.story_entry or self.decision

    @property
    def item_kind(self) -> str:
        return next(kind for kind, name in ITEM_FIELDS.items() if getattr(self, f"{name}_id"))

    @property
    def item_id(self) -> int:
        return getattr(self, f"{ITEM_FIELDS[self.item_kind]}_id")

    @property
    def is_file(self) -> bool:
        return self.kind == EvidenceKind.FILE

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def size_words(self) -> str:
        return size_words(self.size)


def size_words(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    if size < 1024**3:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{size / 1024**3:.2f} GB"


def evidence_as_at(moment: dt.datetime | None, **filters) -> list[Evidence]:
    """The evidence matching ``filters`` as it stood at ``moment`` (now when None), from
    the history: rows added since are left out, and a row withdrawn since shows as it was
    before. Withdrawn rows are included: test ``is_withdrawn``."""
    if moment is None:
        return list(Evidence.objects.filter(**filters))
    rows = (
        Evidence.history.filter(history_date__lte=moment, **filters).latest_of_each().as_instances()
    )
    return sorted(rows, key=lambda e: (e.dated, e.added_at, e.pk), reverse=True)
