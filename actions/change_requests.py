"""A change to what the plan promised, proposed with a reason and applied only once
approved (issue 19): the shared shape of an outcome target's change request
(``outcomes``) and an action's large due-date move (``actions``).

Until approved the old values stand everywhere; on approval the service applies the new
values and the request keeps the "was" values, so pages and packs can say "revised on …,
approved by …, was …". The requester may never decide their own request.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from sendplan.history import save_with_history
from sendplan.models import PlanRecord, validate_first_of_month


class ChangeStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


OWN_REQUEST_REFUSED = (
    "You asked for this change, so someone else must approve or reject it: "
    "a programme manager or an assurance executive member."
)


class ChangeRequestQuerySet(models.QuerySet):
    def for_plan(self, plan):
        return self.filter(plan=plan)

    def pending(self):
        return self.filter(status=ChangeStatus.PENDING)

    def waiting_at(self, as_at: dt.datetime | None = None):
        """Waiting for a decision now, or at the moment ``as_at``."""
        if as_at is None:
            return self.pending()
        return self.filter(requested_at__lte=as_at).filter(
            models.Q(decided_at__isnull=True) | models.Q(decided_at__gt=as_at)
        )

    def approved(self):
        return self.filter(status=ChangeStatus.APPROVED)

    def approved_between(self, first: dt.date, last: dt.date):
        """Approved on a day from ``first`` to ``last``, both included."""
        return self.approved().filter(decided_at__date__gte=first, decided_at__date__lte=last)

    def not_in_effect(self, month: dt.date, *, as_at: dt.datetime | None = None):
        """Approved (by ``as_at``, when given) but taking effect only after ``month``."""
        rows = self.approved().filter(effective_month__gt=month.replace(day=1))
        if as_at is not None:
            rows = rows.filter(decided_at__lte=as_at)
        return rows

    def revision_lines(
        self,
        subject_ids,
        *,
        as_at: dt.datetime | None = None,
        month: dt.date | None = None,
    ) -> dict[int, str]:
        """Each item's latest approved change as pages and packs say it ("Revised on …,
        approved by …, was: …"), by item id; approved by ``as_at`` when given, and in
        effect in ``month`` when given (see ``standing_in_month``). One query."""
        field = f"{self.model.subject_field}_id"
        rows = self.approved().filter(**{f"{field}__in": list(subject_ids)})
        if as_at is not None:
            rows = rows.filter(decided_at__lte=as_at)
        if month is not None:
            rows = rows.filter(effective_month__lte=month.replace(day=1))
        rows = rows.select_related("decided_by").order_by("decided_at", "pk")
        return {getattr(row, field): row.revision_words for row in rows}


def standing_in_month(changes, month: dt.date) -> dict[int, dict]:
    """An approved change takes effect from its stated month: in a month before it, the
    item reads as it stood before the change was approved. ``changes`` are approved
    changes (of one kind, any items; ``not_in_effect`` finds them); returns, for each item
    that reads otherwise in ``month``, its values then (``{field: value}``): the "was"
    values of its first change, by approval, that takes effect after ``month``."""
    month = month.replace(day=1)
    first: dict[int, ChangeRequest] = {}
    for change in sorted(changes, key=lambda c: (c.decided_at, c.pk)):
        if change.effective_month <= month:
            continue
        first.setdefault(getattr(change, f"{change.subject_field}_id"), change)
    return {subject_id: change.was_values() for subject_id, change in first.items()}


def person_name(user) -> str:
    if user is None:
        return "Unknown"
    return user.get_full_name() or user.username


class ChangeRequest(PlanRecord):
    """Abstract: a concrete request names its item (``subject_field``), declares ``plan``
    and the item, and says its changes (``changes``) as (what, was, now) triples."""

    subject_field: str
    kind_words: str

    reason = models.TextField("reason for the change")
    effective_month = models.DateField("takes effect from", validators=[validate_first_of_month])
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    is_example = models.BooleanField(
        default=False, help_text="Example data added by seed_demo, not from the plan."
    )

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def subject(self):
        return getattr(self, self.subject_field)

    def parent_plan_id(self):
        return self.subject.plan_id if getattr(self, f"{self.subject_field}_id") else None

    @property
    def is_pending(self) -> bool:
        return self.status == ChangeStatus.PENDING

    def may_decide(self, user) -> bool:
        """The requester never decides their own request."""
        return self.requested_by_id != user.pk

    def changes(self) -> list[tuple[str, str, str]]:
        raise NotImplementedError

    def was_values(self) -> dict:
        """What the approved change replaced, by the item's field names."""
        raise NotImplementedError

    @property
    def requested_by_name(self) -> str:
        return person_name(self.requested_by)

    @property
    def decided_by_name(self) -> str:
        return person_name(self.decided_by)

    @property
    def was_words(self) -> str:
        return "; ".join(f"{what} {was}" for what, was, _now in self.changes())

    @property
    def now_words(self) -> str:
        return "; ".join(f"{what} {now}" for what, _was, now in self.changes())

    @property
    def revision_words(self) -> str:
        """What pages and packs say of an approved change."""
        if self.status != ChangeStatus.APPROVED or self.decided_at is None:
            return ""
        when = timezone.localtime(self.decided_at)
        return (
            f"Revised on {when:%-d %B %Y}, approved by {self.decided_by_name}, "
            f"was: {self.was_words}"
        )


def decide_change_request(
    request: ChangeRequest,
    *,
    user,
    approve: bool,
    comment: str,
    apply,
) -> ChangeRequest:
    """Approve (calling ``apply(locked_request)`` to change the item and keep the "was"
    values) or reject a pending request, under a lock on it. The caller holds the
    transaction. Refuses the requester's own request and one already decided."""
    locked = type(request).objects.select_for_update().get(pk=request.pk)
    if not locked.may_decide(user):
        raise PermissionDenied(OWN_REQUEST_REFUSED)
    if not locked.is_pending:
        raise ValidationError(
            f"This request was already {locked.get_status_display().lower()} "
            f"by {locked.decided_by_name}."
        )
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": "Enter why the change is rejected."})
    if approve:
        apply(locked)
    locked.status = ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED
    locked.decided_by = user
    locked.decided_at = timezone.now()
    locked.decision_comment = comment
    save_with_history(locked, user=user, reason=locked.get_status_display())
    return locked
