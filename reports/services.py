"""Writes of the reports app: issuing a progress statement to a forum."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.models import Forum, Meeting
from governance.periods import Period
from sendplan.history import save_with_history
from sendplan.models import Plan

from .models import IssuedReport
from .pdf.build import build_report
from .pdf.context import Commentary

logger = logging.getLogger("sendplan.reports")


def issue_report(
    *,
    plan: Plan,
    forum: Forum,
    period: Period,
    meeting: Meeting | None = None,
    as_at: dt.datetime | None = None,
    user,
    commentary: Commentary | None = None,
    on_saved: Callable[[IssuedReport], None] | None = None,
) -> IssuedReport:
    """Build the forum's report for ``period`` and store it, frozen, with its SHA-256.

    The content is read from the plan's history as it stood at ``as_at`` (now, unless
    given), so rebuilding it later "as at" the same moment gives the same report. The PDF
    is made before the transaction opens: layout takes seconds, and a write lock held that
    long would stall every other editor on SQLite. The programme manager's ``commentary``
    is printed in the PDF and kept with it. ``on_saved`` runs in the transaction that
    saves the report (the background build marks its request done there).
    """
    if forum.area_id != plan.area_id:
        raise ValidationError("The forum and the plan must belong to the same area.")
    if meeting is not None and meeting.forum_id != forum.id:
        raise ValidationError("Select a meeting of this forum.")
    as_at = as_at or timezone.now()
    commentary = commentary or Commentary()
    built = build_report(
        plan=plan,
        forum=forum,
        period=period,
        as_at=as_at,
        user=user,
        is_preview=False,
        meeting=meeting,
        commentary=commentary,
    )
    with transaction.atomic():
        report = IssuedReport(
            plan=plan,
            forum=forum,
            meeting=meeting,
            period_code=period.code,
            period_label=period.label,
            period_start=period.start,
            period_end=period.end,
            as_at=as_at,
            title=built.data.title,
            filename=built.filename,
            content=built.pdf.content,
            page_count=built.pdf.page_count,
            issued_by=user,
            issued_at=timezone.now(),
            commentary=commentary.summary,
            priority_commentary={str(k): v for k, v in commentary.priorities.items() if v},
            partner_review=commentary.partner,
        )
        save_with_history(report, user=user)
        if on_saved is not None:
            on_saved(report)
    logger.info(
        "Report issued: %s for %s, %s (report %s, user %s, area %s, sha256 %s)",
        forum.slug,
        plan.slug,
        period.code,
        report.pk,
        user.pk,
        plan.area.slug,
        report.sha256,
    )
    return report
