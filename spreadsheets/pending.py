"""Uploads waiting between their preview and their confirmation: storing one, confirming
or cancelling it, and clearing those nobody confirmed.

The admin and the programme manager's pages both go through these functions, so an
upload is stored, checked and confirmed the same way wherever it came from.

An upload nobody confirms is deleted after ``SENDPLAN_IMPORT_KEEP_DAYS`` days (14 by
default): by the daily ``clear_stale_imports`` command, and whenever a new file is
uploaded. Its history row stays (who uploaded what and when); its bytes go.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from sendplan.history import save_with_history
from sendplan.models import Plan

from .models import PlanImport, PlanImportStatus
from .reading import Upload
from .remembered import remembered_choices
from .services import (
    ImportPreview,
    ParsedUpload,
    confirm_plan_import,
    export_plan,
    export_plan_updates,
    preview_plan_import,
    read_plan_files,
)

DEFAULT_KEEP_DAYS = 14


def keep_days() -> int:
    return getattr(settings, "SENDPLAN_IMPORT_KEEP_DAYS", DEFAULT_KEEP_DAYS)


def clear_stale_imports(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Delete the uploads never confirmed that are older than ``days`` (the setting's
    value by default); return how many."""
    days = keep_days() if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    stale = PlanImport.objects.filter(status=PlanImportStatus.PREVIEWED, created_at__lt=cutoff)
    deleted = 0
    # One by one, so each deletion leaves its history row.
    for stored in stale.defer("content", "updates_content", "parsed").iterator():
        stored.delete()
        deleted += 1
    return deleted


def read_upload(
    *, plan_file, updates_file=None, area_name: str = ""
) -> tuple[ParsedUpload, bytes, bytes | None]:
    """Read the uploaded files once: the rows they hold (or why they cannot be read) and
    their bytes. A council's own columns are read as the area's last import chose them."""
    content = plan_file.read()
    updates_content = updates_file.read() if updates_file else None
    parsed = read_plan_files(
        source=Upload(plan_file.name, content),
        updates=Upload(updates_file.name, updates_content) if updates_file else None,
        choices=remembered_choices(area_name) if area_name else None,
    )
    return parsed, content, updates_content


def remap_stored(*, stored: PlanImport, choices, user) -> None:
    """Read the stored upload again with the columns the programme manager chose; the
    import then uses those rows, and remembers the columns for the area once confirmed."""
    parsed = read_plan_files(
        source=Upload(stored.file_name, bytes(stored.content)),
        updates=(
            Upload(stored.updates_name, bytes(stored.updates_content))
            if stored.updates_sha256
            else None
        ),
        choices=choices,
    )
    stored.parsed = parsed.to_json()
    save_with_history(stored, user=user, reason="Read again with the columns chosen")


def store_upload(
    *,
    user,
    plan_file,
    updates_file=None,
    area_name: str,
    plan_title: str,
    slug: str,
    month: dt.date,
    replace: bool,
    read: tuple[ParsedUpload, bytes, bytes | None] | None = None,
) -> PlanImport:
    """Keep an upload, with the rows read from it, until it is confirmed or cancelled.
    Clears the stale uploads first. ``read`` is ``read_upload``'s answer, if the caller
    has read the files already."""
    clear_stale_imports()
    parsed, content, updates_content = read or read_upload(
        plan_file=plan_file, updates_file=updates_file, area_name=area_name
    )
    plan_title = " ".join(plan_title.split())
    stored = PlanImport(
        created_by=user,
        area_name=area_name,
        plan_title=plan_title,
        slug=slug or slugify(plan_title),
        month=month,
        replace=replace,
        file_name=plan_file.name[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        updates_name=updates_file.name[:255] if updates_file else "",
        updates_content=updates_content,
        updates_sha256=(
            hashlib.sha256(updates_content).hexdigest() if updates_content is not None else ""
        ),
        parsed=parsed.to_json(),
    )
    save_with_history(stored, user=user)
    return stored


def cannot_preview(stored: PlanImport) -> str | None:
    """Why the stored upload can no longer be previewed or imported (None if it can)."""
    if stored.status != PlanImportStatus.PREVIEWED:
        return "This spreadsheet has already been imported."
    if not stored.content_matches():
        return "The stored file has changed since it was uploaded: upload it again."
    if not stored.parsed:
        return "Upload the file again: it was uploaded before this version of the import."
    return None


def _arguments(stored: PlanImport, user) -> dict:
    return {
        "parsed": ParsedUpload.from_json(stored.parsed),
        "area_name": stored.area_name,
        "plan_title": stored.plan_title,
        "slug": stored.slug,
        "replace": stored.replace,
        "user": user,
        "month": stored.month,
    }


def preview_stored(*, stored: PlanImport, user) -> ImportPreview:
    """What confirming the stored upload would do now."""
    return preview_plan_import(**_arguments(stored, user))


def confirm_stored(*, stored: PlanImport, user) -> tuple[Plan, ImportPreview]:
    """Import the stored upload (all or nothing: ``PlanImportError`` lists every problem),
    then mark it imported and drop its bytes and rows, which the plan now holds."""
    with transaction.atomic():
        plan, preview = confirm_plan_import(
            **_arguments(stored, user),
            expected_sha256=stored.sha256,
            expected_updates_sha256=stored.updates_sha256,
        )
        stored.status = PlanImportStatus.IMPORTED
        stored.plan = plan
        stored.imported_at = timezone.now()
        stored.content = b""
        stored.updates_content = None
        stored.parsed = ""
        save_with_history(stored, user=user)
    return plan, preview


def cancel_stored(*, stored: PlanImport, user) -> None:
    """Forget an upload that was not confirmed (its history row says who cancelled it)."""
    stored._history_user = user
    stored._change_reason = "Cancelled before it was imported"
    stored.delete()


def plan_state(slug: str) -> str:
    """A fingerprint of the plan ``slug`` as an import would find it: the plan and its
    story so far as the export writes them ("none" while there is no such plan). A
    preview carries it, and a confirmation whose plan no longer has it is previewed
    again instead of written."""
    plan = Plan.objects.filter(slug=slug).select_related("area").first()
    if plan is None:
        return "none"
    digest = hashlib.sha256(export_plan(plan=plan, fmt="csv"))
    digest.update(export_plan_updates(plan=plan))
    return digest.hexdigest()
