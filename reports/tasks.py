"""Background work of the reports app: building and issuing a pack that was asked for.

The request page answers at once; the worker (`manage.py run_worker`) builds the PDF,
issues it and e-mails the person who asked. Running a task twice (a worker killed after
the pack was saved, then started again) issues the pack once.
"""

from __future__ import annotations

import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from governance.periods import parse_period
from sendplan.history import save_with_history

from .bundles import collect, write_bundle
from .models import Bundle, PackBuild, PackRequest, bundle_storage
from .pdf.context import Commentary
from .services import issue_report

logger = logging.getLogger("sendplan.reports")


def _link(job: PackRequest | Bundle) -> str:
    return settings.SENDPLAN_BASE_URL.rstrip("/") + job.get_absolute_url()


def _tell(job: PackRequest | Bundle, subject: str, body: str) -> None:
    """E-mail whoever asked for the pack or bundle (if they have an address)."""
    email = job.requested_by.email
    if not email:
        return
    try:
        send_mail(subject, body + f"\n\n{_link(job)}\n\nsendplan", None, [email])
    except Exception:  # noqa: BLE001 - the work is done whether or not the mail goes
        logger.exception("Could not e-mail about %s %s", type(job).__name__, job.pk)


def _mark(job: PackRequest | Bundle, reason: str, *, user=None, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    save_with_history(job, user=user or job.requested_by, reason=reason)


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
                partner=pack_request.partner_review,
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
        partner_review=commentary.partner,
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


@task()
def build_bundle(bundle_id: int) -> str:
    """Build bundle ``bundle_id``'s ZIP, store it and freeze it; returns its status."""
    with transaction.atomic():
        bundle = (
            Bundle.objects.select_for_update(of=("self",))
            .select_related("plan__area", "requested_by")
            .get(pk=bundle_id)
        )
        if bundle.status == PackBuild.ISSUED:
            return PackBuild.ISSUED
        _mark(
            bundle,
            "Bundle build started",
            status=PackBuild.BUILDING,
            attempts=bundle.attempts + 1,
            started_at=timezone.now(),
            error="",
        )
    try:
        content = collect(
            bundle.plan,
            priority_id=bundle.priority_id,
            as_at=bundle.as_at,
            user=bundle.requested_by,
        )
        with tempfile.TemporaryFile() as out:
            built = write_bundle(out, content)
            out.seek(0)
            name = bundle_storage().save(
                f"bundles/{bundle.plan.area.slug}/{bundle.pk}-{built.sha256[:16]}.zip", File(out)
            )
        _mark(
            bundle,
            "Bundle built",
            status=PackBuild.ISSUED,
            file=name,
            filename=bundle_filename(bundle),
            size=built.size,
            sha256=built.sha256,
            file_count=built.file_count,
            link_count=built.link_count,
            finished_at=timezone.now(),
        )
    except Exception as error:
        logger.exception("Building bundle %s failed", bundle.pk)
        _mark(
            bundle,
            "Bundle build failed",
            status=PackBuild.FAILED,
            finished_at=timezone.now(),
            error=(
                "The bundle could not be built "
                f"({type(error).__name__}). Try again, or ask for help if it fails again."
            ),
        )
        _tell(bundle, f"Not built: bundle of {bundle.plan.title}", "The bundle failed. Try again:")
        return PackBuild.FAILED
    _tell(
        bundle,
        f"Ready: bundle of {bundle.plan.title}",
        f"The monitoring-visit bundle of {bundle.plan.title} is ready "
        f"({built.file_count} evidence files). Download it:",
    )
    logger.info(
        "Bundle built: bundle %s, plan %s, files %s, bytes %s, sha256 %s",
        bundle.pk,
        bundle.plan.slug,
        built.file_count,
        built.size,
        built.sha256,
    )
    return PackBuild.ISSUED


def bundle_filename(bundle: Bundle) -> str:
    scope = f"-priority-{bundle.priority.pk}" if bundle.priority_id else ""
    return f"bundle-{bundle.plan.slug}{scope}-as-at-{timezone.localtime(bundle.as_at):%Y-%m-%d}.zip"


def request_bundle(*, plan, priority, as_at, user) -> Bundle:
    """Record a request for a monitoring-visit bundle and queue its build."""
    bundle = Bundle(
        plan=plan,
        priority=priority,
        as_at=as_at or timezone.now(),
        requested_by=user,
        requested_at=timezone.now(),
    )
    save_with_history(bundle, user=user, reason="Bundle requested")
    build_bundle.enqueue(bundle.pk)
    return bundle


def retry_bundle(bundle: Bundle, user) -> None:
    _mark(bundle, "Retry asked", user=user, status=PackBuild.QUEUED, error="")
    build_bundle.enqueue(bundle.pk)
