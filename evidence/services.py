"""Adding and withdrawing evidence, who may, and an area's quota.

An item's leads may add evidence to it (the leads of an action; of a target, the leads of
the actions of its issue and of the action it is tied to; of a story-so-far entry, the
leads of the actions it reports on; of a meeting decision, its owner), as the lead's month
names them (``progress.items``); a programme manager anywhere in the area. Whoever may add
evidence to an item may withdraw it, with a reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from actions.models import Action, ActionLead, StoryEntry
from governance.models import Decision
from outcomes.models import OutcomeTarget
from sendplan.access import AreaAccess, Can
from sendplan.history import save_with_history
from sendplan.models import Area, Plan

from .filecheck import check_upload, clean_name
from .models import ITEM_FIELDS, Evidence, EvidenceKind, evidence_storage, size_words


@dataclass
class Item:
    """The thing evidence is attached to, with where it lives and who leads it."""

    kind: str  # action, target, story, decision
    obj: object
    area: Area
    plan: Plan | None
    lead_ids: frozenset[int]
    label: str
    issue_ref: str = ""
    # The issue's part of its page's address (``Issue.url_key``).
    issue_key: str = ""

    @property
    def kind_word(self) -> str:
        return {
            "action": "Action",
            "target": "Outcome target",
            "story": "Story so far",
            "decision": "Decision",
        }[self.kind]


def _leads_of_actions(actions) -> frozenset[int]:
    return frozenset(
        ActionLead.objects.filter(action__in=actions).values_list("person_id", flat=True)
    )


def plan_item(plan: Plan, kind: str, item_id: int) -> Item:
    """An action, outcome target or story-so-far entry of ``plan``; 404 when none."""
    if kind == "action":
        obj = Action.objects.select_related("issue").filter(plan=plan, pk=item_id).first()
        if obj is not None:
            return Item(
                kind,
                obj,
                plan.area,
                plan,
                _leads_of_actions([obj]),
                obj.text,
                obj.issue.ref,
                obj.issue.url_key,
            )
    elif kind == "target":
        obj = OutcomeTarget.objects.select_related("issue").filter(plan=plan, pk=item_id).first()
        if obj is not None:
            actions = Action.objects.filter(issue_id=obj.issue_id)
            leads = _leads_of_actions(actions) | (
                _leads_of_actions([obj.action_id]) if obj.action_id else frozenset()
            )
            return Item(
                kind, obj, plan.area, plan, leads, obj.text, obj.issue.ref, obj.issue.url_key
            )
    elif kind == "story":
        obj = (
            StoryEntry.objects.select_related("issue", "priority")
            .filter(plan=plan, pk=item_id)
            .first()
        )
        if obj is not None:
            if obj.issue_id:
                actions = Action.objects.filter(issue_id=obj.issue_id)
                where, ref = f"issue {obj.issue.ref}", obj.issue.ref
                key = obj.issue.url_key
            else:
                actions = Action.objects.filter(issue__priority_id=obj.priority_id)
                where, ref, key = obj.priority.short_label, "", ""
            when = f"{obj.month:%B %Y}" if obj.month else "undated"
            label = f"Story so far for {where}, {when}"
            return Item(kind, obj, plan.area, plan, _leads_of_actions(actions), label, ref, key)
    raise Http404("No such item in this plan.")


def decision_item(area: Area, decision_id: int) -> Item:
    obj = (
        Decision.objects.select_related("meeting__forum")
        .filter(meeting__forum__area=area, pk=decision_id)
        .first()
    )
    if obj is None:
        raise Http404("No such decision in this area.")
    leads = frozenset([obj.owner_id]) if obj.owner_id else frozenset()
    return Item("decision", obj, area, None, leads, obj.text)


def item_of(evidence: Evidence) -> Item:
    if evidence.decision_id:
        return decision_item(evidence.area, evidence.decision_id)
    return plan_item(evidence.plan, evidence.item_kind, evidence.item_id)


def may_add(access: AreaAccess, item: Item) -> bool:
    return access.may_update(item.lead_ids)


def require_may_add(access: AreaAccess, item: Item) -> None:
    """PermissionDenied unless the user may add (or withdraw) evidence of ``item``; a
    programme manager must have entered an authenticator code first."""
    if not may_add(access, item):
        raise PermissionDenied("Only the item's leads and the programme manager may do this.")
    access.require(Can.UPDATE_OWN if not access.can(Can.UPDATE_ANY) else Can.UPDATE_ANY)


# --- The area's quota --------------------------------------------------------------------


def quota_bytes() -> int:
    return settings.SENDPLAN_EVIDENCE_QUOTA_BYTES


@dataclass
class Usage:
    used: int
    quota: int

    @property
    def words(self) -> str:
        return f"{size_words(self.used)} of {size_words(self.quota)}"

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used / self.quota)) if self.quota else 100


def usage(area: Area) -> Usage:
    return Usage(Evidence.objects.filter(area=area).bytes_used(), quota_bytes())


# --- Adding ------------------------------------------------------------------------------


class HashingFile(File):
    """A file whose bytes are hashed as the storage reads them, so the SHA-256 is computed
    while the file is stored, in one pass, never holding it all in memory."""

    def __init__(self, file, name=None):
        super().__init__(file, name)
        self._reset()

    def _reset(self):
        self.sha = hashlib.sha256()
        self.hashed = 0
        self.position = 0
        self.linear = True

    def seek(self, offset, whence=0):
        result = self.file.seek(offset, whence)
        if offset == 0 and whence == 0:
            self._reset()
        elif self.file.tell() != self.position:
            self.linear = False
        return result

    def read(self, size=-1):
        data = self.file.read(size)
        self.sha.update(data)
        self.hashed += len(data)
        self.position += len(data)
        return data

    def hexdigest(self, size: int) -> str:
        """The SHA-256 of the whole file: as read while storing when the storage read it
        once from start to end, else by reading it again in chunks."""
        if self.linear and self.hashed == size:
            return self.sha.hexdigest()
        self.file.seek(0)
        sha = hashlib.sha256()
        for chunk in iter(lambda: self.file.read(1024 * 1024), b""):
            sha.update(chunk)
        return sha.hexdigest()


def add_file(
    item: Item,
    upload,
    *,
    user,
    title: str,
    dated: dt.date,
    description: str = "",
    is_example: bool = False,
    added_at: dt.datetime | None = None,
) -> Evidence:
    """Check ``upload`` (type from its content, size, the area's quota), store it and
    record it. ValidationError, with nothing stored, when it cannot be added."""
    name = clean_name(getattr(upload, "name", "") or "")
    found = check_upload(upload, name)
    if "." not in name:
        name += found.extension
    size = upload.size
    _check_quota(item.area, size)
    storage = evidence_storage()
    stored_name = f"area-{item.area.pk}/{uuid.uuid4().hex}{found.extension}"
    upload.seek(0)
    content = HashingFile(upload, stored_name)
    stored_name = storage.save(stored_name, content)
    try:
        sha256 = content.hexdigest(size)
        with transaction.atomic():
            Area.objects.select_for_update().filter(pk=item.area.pk).first()
            _check_quota(item.area, size)
            evidence = Evidence(
                area=item.area,
                plan=item.plan,
                kind=EvidenceKind.FILE,
                title=title.strip(),
                dated=dated,
                description=description.strip(),
                file_name=name,
                content_type=found.content_type,
                size=size,
                sha256=sha256,
                added_by=user,
                is_example=is_example,
                **{ITEM_FIELDS[item.kind]: item.obj},
            )
            evidence.file.name = stored_name
            _record(evidence, user=user, added_at=added_at)
    except BaseException:
        storage.delete(stored_name)
        raise
    return evidence


def add_link(
    item: Item,
    *,
    user,
    url: str,
    title: str,
    dated: dt.date,
    description: str = "",
    is_example: bool = False,
    added_at: dt.datetime | None = None,
) -> Evidence:
    evidence = Evidence(
        area=item.area,
        plan=item.plan,
        kind=EvidenceKind.LINK,
        url=url,
        title=title.strip(),
        dated=dated,
        description=description.strip(),
        added_by=user,
        is_example=is_example,
        **{ITEM_FIELDS[item.kind]: item.obj},
    )
    _record(evidence, user=user, added_at=added_at)
    return evidence


def _record(evidence: Evidence, *, user, added_at: dt.datetime | None) -> None:
    """Save new evidence with its history row. ``added_at`` (seed data describing a plan's
    past) dates both, so the evidence shows in the "as at" views from that moment."""
    if added_at is not None:
        evidence.added_at = added_at
        evidence._history_date = added_at
    try:
        save_with_history(evidence, user=user, reason="Evidence added")
    finally:
        evidence.__dict__.pop("_history_date", None)


def _check_quota(area: Area, size: int) -> None:
    now = usage(area)
    if now.used + size > now.quota:
        raise ValidationError(
            f"This file ({size_words(size)}) would take {area.name} over its space for "
            f"evidence: {now.words} is used. Ask a site administrator to raise it "
            "(SENDPLAN_EVIDENCE_QUOTA_MB), or add a link to where the document is kept"
        )


# --- Withdrawing -------------------------------------------------------------------------


def withdraw(evidence: Evidence, *, user, reason: str) -> Evidence:
    """Withdraw ``evidence`` with ``reason``. Its file is kept (the history shows what was
    withdrawn, by whom and why); it is no longer shown as the item's current evidence."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason the evidence is withdrawn"})
    with transaction.atomic():
        row = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if row.is_withdrawn:
            raise ValidationError("This evidence has already been withdrawn")
        row.withdrawn_at = timezone.now()
        row.withdrawn_by = user
        row.withdrawn_reason = reason
        save_with_history(row, user=user, reason=f"Withdrawn: {reason}")
    return row
