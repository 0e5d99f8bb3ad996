"""The benchmark's measurements: pages, the 500-row import and the quarterly PDF.

Each figure is the server's time for one request, measured around the test client's
call in this process (no network, no browser): the median and the 95th percentile of
``repeat`` requests after ``warmup`` requests that are not counted. The query count comes
from one more request. Nothing here asserts anything: the command prints the figures.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Max
from django.test import Client
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse

from actions.models import ActionLead
from governance.models import Cadence, Forum
from sendplan.models import Area, Plan, ReportingMonth

BENCHMARK_URLCONF = "demo.benchmarks.urls"
NOT_AVAILABLE = "not available yet"


@dataclass
class Figure:
    name: str
    samples_ms: list[float] = field(default_factory=list)
    # This process's CPU time per request: unlike the wall-clock time it does not count
    # waiting for a CPU other programs hold, so on a busy machine it is the steadier
    # figure for comparing two installations (on SQLite it includes the database's work;
    # on PostgreSQL the server's share is not in it).
    cpu_ms: list[float] = field(default_factory=list)
    status: int | None = None
    queries: int | None = None
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples_ms) if self.samples_ms else None

    @property
    def p95(self) -> float | None:
        if len(self.samples_ms) < 2:
            return self.median
        return statistics.quantiles(self.samples_ms, n=20, method="inclusive")[18]

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu_ms) if self.cpu_ms else None

    def as_dict(self) -> dict:
        return {
            **asdict(self),
            "median": self.median,
            "p95": self.p95,
            "cpu_median": self.cpu_median,
        }


class QueryCounter:
    """Counts the queries run inside it (no cap, unlike CaptureQueriesContext's 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)

    def __len__(self) -> int:
        return self.count


def time_calls(
    call: Callable[[], object], *, repeat: int, warmup: int
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of ``repeat`` calls after ``warmup`` untimed ones."""
    for _ in range(warmup):
        call()
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


# --- Static files -------------------------------------------------------------------------


def static_files_stale() -> bool:
    """Whether the hashed static files the pages link to are missing or older than their
    sources. With the production settings every page looks its files up in the manifest,
    and a missing entry fails the page (the test settings use plain storage: never stale).
    """
    from django.conf import settings
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return False
    manifest = Path(settings.STATIC_ROOT) / staticfiles_storage.manifest_name
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = (p for d in settings.STATICFILES_DIRS for p in Path(d).rglob("*") if p.is_file())
    return any(p.stat().st_mtime > built for p in sources)


# --- The installation ------------------------------------------------------------------


def installation_size() -> dict:
    """How big the installation is: areas, plans and the rows the pages read."""
    from actions.models import ActionStatus
    from outcomes.models import ImpactRating

    months = ReportingMonth.objects.values("plan").annotate(n=Count("id")).aggregate(m=Max("n"))
    return {
        "areas": Area.objects.count(),
        "plans": Plan.objects.count(),
        "months": months["m"] or 0,
        "bragg_statuses": ActionStatus.objects.count(),
        "rag_ratings": ImpactRating.objects.count(),
        "history_rows": ActionStatus.history.count() + ImpactRating.history.count(),
        "vendor": connection.vendor,
    }


def pick_plan(slug: str | None = None) -> Plan:
    """The plan named, else the first generated plan (area01's).

    The baseline installation has only area01, and a generated area has the same people,
    actions and leads whatever the months (``demo.synthetic``), so the same page for
    the same lead is compared on both installations."""
    plans = Plan.objects.select_related("area__region")
    if slug:
        return plans.get(slug=slug)
    first = plans.filter(source="generate_demo_data").order_by("slug").first()
    if first is None:
        raise Plan.DoesNotExist(
            "No generated plan here: run manage.py generate_demo_data first, or name a plan."
        )
    return first


# --- Pages ------------------------------------------------------------------------------


def _first_section(plan: Plan, user) -> str:
    """The first part of the user's month (an issue's ref), for the page of its items."""
    lead = (
        ActionLead.objects.filter(plan=plan, person__user=user)
        .order_by("action__issue__order", "action__order")
        .values_list("action__issue__ref", flat=True)
        .first()
    )
    return lead or "none"


# Pages only a programme manager may open are timed signed in as the area's manager
# (``<area>-pm`` in generated data); the advisers' pages as the national adviser
# (``national-adviser``) and the adviser for the area's region (``<region>-adviser``), whom
# generate_demo_data makes; every other page as the lead.
PROGRAMME_MANAGER = "pm"
# Public pages are timed as a visitor who is not signed in.
VISITOR = "visitor"
NATIONAL_ADVISER = "national adviser"
REGIONAL_ADVISER = "regional adviser"
# The partner review page is timed as a partner reviewer the benchmark adds to the area
# (generated areas have none), on a review it sends with one answer given.
PARTNER = "partner reviewer"


def page_urls(plan: Plan, user=None) -> list[tuple[str, str | None, str | None]]:
    """(name, url, who) of each page timed; url is None while the page does not exist yet,
    and who is None for the lead or ``PROGRAMME_MANAGER``."""
    forum = (
        Forum.objects.filter(area=plan.area, cadence=Cadence.MONTHLY).order_by("order").first()
        or Forum.objects.filter(area=plan.area).order_by("order").first()
    )
    review_id = _sample_review(plan, forum)
    review = {
        "area_slug": plan.area.slug,
        "forum_slug": forum.slug if forum else "none",
        "review_id": review_id,
    }
    target_id, action_id, change_id = _sample_change(plan, user)
    wanted = [
        ("hello-world view", "benchmark_hello", {}),
        ("plan page", "reports:plan_detail", {"plan_slug": plan.slug}),
        ("dashboard", "reports:dashboard", {"plan_slug": plan.slug}),
        ("readiness page", "reports:readiness", {"plan_slug": plan.slug}),
        ("home", "home", {}),
        ("my updates", "progress:my_updates", {"plan_slug": plan.slug}),
        (
            "my updates, a part",
            "progress:my_section",
            {"plan_slug": plan.slug, "section": _first_section(plan, user)},
        ),
        ("check and submit", "progress:my_check", {"plan_slug": plan.slug}),
        (
            "forum page",
            "governance:forum_detail",
            {"area_slug": plan.area.slug, "forum_slug": forum.slug if forum else "none"},
        ),
        ("home, programme manager", "home", {}, PROGRAMME_MANAGER),
        ("months page", "progress:month", {"plan_slug": plan.slug}, PROGRAMME_MANAGER),
        (
            "public summary (cached)",
            "public:summary",
            {"area_slug": plan.area.slug, "plan_slug": plan.slug},
            VISITOR,
        ),
        (
            "changes to decide",
            "progress:change_requests",
            {"plan_slug": plan.slug},
            PROGRAMME_MANAGER,
        ),
        ("partner review", "reports:partner_review", review, PROGRAMME_MANAGER),
        ("partner review, reviewer", "reports:partner_review", review, PARTNER),
        (
            "ask to change a target",
            "progress:propose_target_change",
            {"plan_slug": plan.slug, "target_id": target_id},
            PROGRAMME_MANAGER,
        ),
        (
            "ask to move a due date",
            "progress:propose_due_date_change",
            {"plan_slug": plan.slug, "action_id": action_id},
            PROGRAMME_MANAGER,
        ),
        (
            "decide a change",
            "progress:decide_target_change",
            {"plan_slug": plan.slug, "change_id": change_id},
            PROGRAMME_MANAGER,
        ),
        # Issue 20: every area for a national adviser (<= 100 ms at 153 x 36 on PostgreSQL),
        # one region's for its adviser (<= 40 ms).
        ("national page", "reports:regional", {}, NATIONAL_ADVISER),
        ("regional page", "reports:regional", {}, REGIONAL_ADVISER),
    ]
    urls = []
    for name, url_name, kwargs, *who in wanted:
        try:
            url = reverse(url_name, kwargs=kwargs)
        except NoReverseMatch:
            url = None
        urls.append((name, url, who[0] if who else None))
    return urls


def _sample_review(plan: Plan, forum) -> int:
    """A partner review of the forum's latest quarter for the timed plan, made once on
    this copy (generated areas have none), so its page is timed like the others."""
    from governance.periods import KIND_FOR_CADENCE, period_containing
    from reports.models import PartnerReview

    if forum is None:
        return 0
    review = PartnerReview.objects.filter(forum=forum).first()
    if review is None:
        manager = _manager(plan)
        if manager is None:
            return 0
        last = ReportingMonth.objects.filter(plan=plan).order_by("-month").values_list(
            "month", flat=True
        ).first() or dt.date.today().replace(day=1)
        period = period_containing(last, KIND_FOR_CADENCE.get(forum.cadence, "month"))
        now = dt.datetime.now(dt.UTC)
        review = PartnerReview.objects.create(
            plan=plan,
            forum=forum,
            period_code=period.code,
            period_label=period.label,
            as_at=now,
            closes_on=now.date() + dt.timedelta(days=30),
            requested_by=manager,
            requested_at=now,
        )
    _sample_reviewer(plan, review)
    return review.pk


def _sample_reviewer(plan: Plan, review) -> None:
    """The benchmark's partner reviewer of the area (made once on this copy), with an
    answer on the plan's first priority, so the review is in progress."""
    from reports.models import ReviewDecision, ReviewResponse
    from sendplan.models import Membership, Priority, Role

    user, _ = get_user_model().objects.get_or_create(
        username=_username(plan, PARTNER),
        defaults={"first_name": "Benchmark", "last_name": "Reviewer"},
    )
    Membership.objects.get_or_create(
        user=user,
        area=plan.area,
        role=Role.PARTNER_REVIEWER,
        defaults={"organisation": "Benchmark Parent Carer Forum"},
    )
    first = Priority.objects.filter(plan=plan).order_by("number").first()
    if first is not None:
        ReviewResponse.objects.get_or_create(
            review=review,
            reviewer=user,
            priority=first,
            defaults={
                "decision": ReviewDecision.DISSENT,
                "words": "Families tell us waits are still long.",
                "decided_at": dt.datetime.now(dt.UTC),
            },
        )


def _sample_change(plan: Plan, lead) -> tuple[int, int, int]:
    """A target and an action of the plan for the pages that ask to change them, and a
    target change the lead asked for, waiting for the manager's decision (made once on
    this copy: generated areas have none)."""
    from actions.models import Action
    from outcomes.models import OutcomeTarget, TargetChangeRequest
    from outcomes.services import propose_target_change

    target = OutcomeTarget.objects.filter(plan=plan).order_by("pk").first()
    action = Action.objects.filter(plan=plan, due_month__isnull=False).order_by("pk").first()
    if target is None or action is None:
        return 0, 0, 0
    change = TargetChangeRequest.objects.for_plan(plan).pending().order_by("pk").first()
    if change is None and lead is not None:
        change = propose_target_change(
            target=target,
            user=lead,
            reason="Benchmark: the survey changed its question",
            effective_month=dt.date.today().replace(day=1),
            is_example=True,
            text=f"{target.text} (as revised)",
        )
    return target.pk, action.pk, change.pk if change else 0


def _manager(plan: Plan):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=f"{plan.area.slug}-pm").first()


def _username(plan: Plan, who: str) -> str:
    if who == PARTNER:
        return f"{plan.area.slug}-benchmark-pcf"
    if who == NATIONAL_ADVISER:
        return "national-adviser"
    if who == REGIONAL_ADVISER:
        region = plan.area.region
        return f"{region.slug}-adviser" if region else "(the area has no region)"
    return f"{plan.area.slug}-pm"


def _verify_second_factor(client: Client, user) -> None:
    """Mark the signed-in session as having entered an authenticator code, as a programme
    manager's is under the production settings (SENDPLAN_REQUIRE_MFA), so their pages are
    timed rather than the redirect to the code page. The device is the benchmark's own."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, name="Benchmark").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Benchmark", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _benchmark_settings():
    from django.conf import settings

    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    return override_settings(ROOT_URLCONF=BENCHMARK_URLCONF, ALLOWED_HOSTS=hosts)


def measure_pages(*, plan: Plan, user, repeat: int, warmup: int) -> list[Figure]:
    figures = []
    with _benchmark_settings():
        client = Client()
        client.force_login(user)  # signing in is not what is timed
        others = {}  # who -> a signed-in client, or None when there is no such user
        for name, url, who in page_urls(plan, user):
            figure = Figure(name)
            figures.append(figure)
            if url is None:
                figure.note = NOT_AVAILABLE
                continue
            if who == VISITOR:
                others[who] = Client()  # not signed in, as families read public pages
            if who is not None and who not in others:
                other = get_user_model().objects.filter(username=_username(plan, who)).first()
                others[who] = None
                if other is not None:
                    others[who] = Client()
                    others[who].force_login(other)
                    if who == PROGRAMME_MANAGER:
                        _verify_second_factor(others[who], other)
            if who is not None and others[who] is None:
                figure.note = f"no user called {_username(plan, who)}"
                continue
            client_for = others[who] if who is not None else client
            try:
                with QueryCounter() as queries:
                    response = client_for.get(url, secure=True)
            except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
                figure.note = f"failed: {type(exc).__name__}: {exc}"[:200]
                continue
            figure.status = response.status_code
            figure.queries = len(queries)
            if response.status_code != 200:
                figure.note = f"answered {response.status_code}"
                continue
            figure.samples_ms, figure.cpu_ms = time_calls(
                lambda url=url, c=client_for: c.get(url, secure=True),
                repeat=repeat,
                warmup=warmup,
            )
            if name == "national page":
                figures.append(_national_page_worked_out(url, client_for))
    return figures


def _national_page_worked_out(url: str, client: Client, repeat: int = 3) -> Figure:
    """The national page when no plan's figures are kept (the first visit after every
    plan changed): each plan's readiness worked out and kept, which is what the kept
    figures spare the other visits. Forgetting them is not timed."""
    from progress.models import PlanFigures

    figure = Figure("national page, nothing kept")
    for _ in range(repeat):
        PlanFigures.objects.all().delete()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, secure=True)
        figure.cpu_ms.append((time.process_time() - started_cpu) * 1000)
        figure.samples_ms.append((time.perf_counter() - started) * 1000)
        figure.status = response.status_code
    return figure


# --- The 500-row import -----------------------------------------------------------------


def import_sheet(rows: int = 500) -> bytes:
    """A valid plan sheet of ``rows`` rows, laid out as the export lays a plan out."""
    from spreadsheets.columns import PLAN_HEADERS
    from spreadsheets.export import to_csv

    priorities = ["Meeting needs and improving outcomes", "Joint working across the partnership"]
    lines = []
    per_issue = 12
    for n in range(rows):
        issue_number = n // per_issue
        priority = 1 if issue_number % 3 else 2
        ref = f"{priority}.{issue_number + 1}"
        first = n % per_issue == 0
        action = n % 2 == 0
        lines.append(
            [
                ref,
                priorities[priority - 1],
                f"Issue to be addressed number {issue_number + 1}",
                "Inclusion; EHCP" if first else "",
                f"Benchmark action {n + 1}: review the pathway with partners" if action else "",
                f"Lead person {n % 17 + 1}" if action else "",
                "Sept 2024" if action else "",
                "",
                "Green" if action else "",
                f"Benchmark target {n + 1}: 80% of plans on time",
                "Mar 2025",
                "Amber",
            ]
        )
    # The twelve columns every plan sheet has (a council's sheet has no more).
    return to_csv(PLAN_HEADERS[:12], lines)


def import_document(rows: int = 500) -> bytes:
    """The plan of ``import_sheet`` as one table of a Word document, in a council's words."""
    import csv
    import io

    from docx import Document

    lines = list(csv.reader(io.StringIO(import_sheet(rows).decode("utf-8-sig"))))[1:]
    headers = [
        "Ref",
        "Priority",
        "Issue",
        "Strategy links",
        "What we will do",
        "Lead officer",
        "By when",
        "Completed",
        "RAG rating",
        "Success criteria",
        "Target date",
        "Impact",
    ]
    document = Document()
    document.add_heading("Written Statement of Action", 0)
    table = document.add_table(rows=len(lines) + 1, cols=len(headers))
    for row, values in zip(table.rows, [headers, *lines], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            if value:
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def measure_import(*, user, repeat: int, rows: int = 500, word: bool = False) -> Figure:
    """A ``rows``-row sheet (or Word table) read, previewed and confirmed into a new area,
    as the admin does it, rolled back each time."""
    figure = Figure(f"import of a {rows}-row {'Word table' if word else 'sheet'}")
    try:
        from spreadsheets.services import (
            confirm_plan_import,
            preview_plan_import,
            read_plan_files,
        )
    except ImportError:
        figure.note = NOT_AVAILABLE
        return figure
    try:
        sheet = import_document(rows) if word else import_sheet(rows)
    except ImportError:
        figure.note = NOT_AVAILABLE
        return figure
    arguments = {
        "area_name": "Benchmark import area",
        "plan_title": "Benchmark import plan",
        "slug": "benchmark-import-plan",
        "user": user,
    }

    def run():
        with transaction.atomic():
            parsed = read_plan_files(source=_upload(sheet, word=word))
            preview = preview_plan_import(parsed=parsed, **arguments)
            if not preview.ok:
                raise ValueError("; ".join(str(p) for p in preview.problems[:5]))
            confirm_plan_import(parsed=parsed, expected_sha256=preview.sha256, **arguments)
            transaction.set_rollback(True)

    try:
        with QueryCounter() as queries:
            run()
    except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
        figure.note = f"failed: {exc}"[:200]
        return figure
    figure.status = 200
    figure.queries = len(queries)
    try:
        figure.samples_ms, figure.cpu_ms = time_calls(run, repeat=repeat, warmup=0)
    finally:
        tidy_after_rollbacks()
    return figure


def tidy_after_rollbacks() -> None:
    """Clear the dead rows the rolled-back imports leave in PostgreSQL's tables.

    Each rolled-back import leaves thousands of dead row versions behind. Until autovacuum
    gets to them, the planner takes the bloated tables for big ones and plans the next
    benchmark's page queries (this run's baseline, say) as if they were, which would time
    the bloat, not the pages. SQLite reuses the space of a rolled-back transaction."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return  # VACUUM cannot run in a transaction (the benchmark's own tests run in one)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def _upload(content: bytes, word: bool = False):
    from django.core.files.uploadedfile import SimpleUploadedFile

    if word:
        return SimpleUploadedFile("benchmark-plan.docx", content)
    return SimpleUploadedFile("benchmark-plan.csv", content, content_type="text/csv")


# --- The quarterly PDF ------------------------------------------------------------------


def measure_pdf(*, plan: Plan) -> dict:
    """The quarterly progress statement of the last whole quarter the plan has rated."""
    try:
        from governance.periods import QUARTER, period_containing
        from reports.pdf.benchmark import measure_report
    except ImportError:
        return {"note": NOT_AVAILABLE}
    forum = (
        Forum.objects.filter(area=plan.area, cadence=Cadence.QUARTERLY).first()
        or Forum.objects.filter(area=plan.area).first()
    )
    closed = (
        ReportingMonth.objects.filter(plan=plan, status="closed")
        .order_by("-month")
        .values_list("month", flat=True)
    )
    last = closed.first()
    if forum is None or last is None:
        return {"note": "no forum or no closed month in this plan"}
    period = period_containing(last, QUARTER)
    if period.end > last:  # the quarter is not over: take the one before
        period = period.previous()
    try:
        result = measure_report(plan=plan, forum=forum, period=period)
    except Exception as exc:  # noqa: BLE001
        return {"note": f"failed: {exc}"[:200]}
    return {**result, "period": period.code, "forum": forum.name}


def now_label() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
