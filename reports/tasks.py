"""Background work of the reports app: building and issuing a pack that was asked for.

The request page answers at once; the worker (`manage.py run_worker`) builds the PDF,
issues it and e-mails the person who asked. Running a task twice (a worker killed after
the pack was saved, then started again) issues the pack once.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from governance.periods import parse_period
from sendplan.history import save_with_history

from .models import PackBuild, PackRequest
from .pdf.context import Commentary
from .services import issue_report

logger = logging.getLogger("sendplan.reports")


def _link(pack_request: PackRequest) -> str:
    return settings.SENDPLAN_BASE_URL.rstrip("/") + pack_request.get_absolute_url()


def _tell(pack_request: PackRequest, subject: str, body: str) -> None:
    email = pack_request.requested_by.email
    if not email:
        return
    try:
        send_mail(subject, body + f"\n\n{_link(pack_request)}\n\nsendplan", None, [email])
    except Exception:  # noqa: BLE001 - the pack is issued whether or not the mail goes
        logger.exception("Could not e-mail pack request %s", pack_request.pk)


def _mark(pack_request: PackRequest, reason: str, *, user=None, **fields) -> None:
    for name, value in fields.items():
        setattr(pack_request, name, value)
    save_with_history(pack_request, user=user or pack_request.requested_by, reason=reason)


@task()
def build_pack(request_id: int) -> str:
    """Build and issue the pack of request ``request_id``; returns its status."""
    with transaction.atomic():
        pack_request = (
            PackRequest.objects.select_for_update(of=("self",))
            .select_related("plan", "forum__area", "meeting", "requested_by")
            .get(pk=request_id)
        )
        if pack_request.report_id is not None or pack_request.status == PackBuild.ISSUED:
            return PackBuild.ISSUED
        _mark(
            pack_request,
            "Pack build started",
            status=PackBuild.BUILDING,
            attempts=pack_request.attempts + 1,
            started_at=timezone.now(),
            error="",
        )

    def issued(report) -> None:
        _mark(
            pack_request,
            "Pack issued",
            status=PackBuild.ISSUED,
            report=report,
            finished_at=timezone.now(),
        )

    title = f"{pack_request.period_label} pack for {pack_request.forum.name}"
    try:
        report = issue_report(
            plan=pack_request.plan,
            forum=pack_request.forum,
            period=parse_period(pack_request.period_code),
            meeting=pack_request.meeting,
            as_at=pack_request.as_at,
            user=pack_request.requested_by,
            commentary=Commentary(
                summary=pack_request.commentary,
                priorities={int(k): v for k, v in pack_request.priority_commentary.items()},
            ),
            on_saved=issued,
        )
    except Exception as error:
        logger.exception("Building pack request %s failed", pack_request.pk)
        _mark(
            pack_request,
            "Pack build failed",
            status=PackBuild.FAILED,
            finished_at=timezone.now(),
            error=(
                "The pack could not be built, so nothing was issued "
                f"({type(error).__name__}). Try again, or ask for help if it fails again."
            ),
        )
        _tell(pack_request, f"Not issued: {title}", "The pack could not be built. Try again:")
        return PackBuild.FAILED
    _tell(
        pack_request,
        f"Issued: {report.title}",
        f"{report.title} was issued ({report.page_count} pages). Members of the forum can "
        "now download it:",
    )
    return PackBuild.ISSUED


def request_pack(*, plan, forum, period, meeting, user, commentary: Commentary) -> PackRequest:
    """Record a request to issue a pack and queue its build; returns the request."""
    now = timezone.now()
    pack_request = PackRequest(
        plan=plan,
        forum=forum,
        meeting=meeting,
        period_code=period.code,
        period_label=period.label,
        as_at=now,
        commentary=commentary.summary,
        priority_commentary={str(k): v for k, v in commentary.priorities.items() if v},
        requested_by=user,
        requested_at=now,
    )
    save_with_history(pack_request, user=user, reason="Pack requested")
    enqueue_build(pack_request)
    return pack_request


def enqueue_build(pack_request: PackRequest) -> None:
    """Queue the build. The queue is a table of the same database, so inside a
    transaction the task row commits (or rolls back) with the request: a worker never
    sees a task whose request is not there."""
    build_pack.enqueue(pack_request.pk)


def retry(pack_request: PackRequest, user) -> None:
    """Queue a failed build again."""
    _mark(pack_request, "Retry asked", user=user, status=PackBuild.QUEUED, error="")
    enqueue_build(pack_request)
