"""python manage.py benchmark: how fast the pages are on this installation, in figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo.benchmarks.bundle import format_bundle, measure_bundle
from demo.benchmarks.measure import (
    Figure,
    installation_size,
    measure_import,
    measure_pages,
    measure_pdf,
    now_label,
    pick_plan,
    static_files_stale,
)
from demo.benchmarks.upload import format_upload, measure_upload
from sendplan.models import Plan

ROOT = Path(settings.BASE_DIR)
BASELINE_SHAPE = ("1", "12")  # areas, months


class Command(BaseCommand):
    help = (
        "Time the plan page, the dashboard, my updates, the forum page and a 500-row import "
        "on this installation (median and p95 server time, and each as a multiple of a "
        "hello-world view through the same middleware), the same pages on a small baseline "
        "installation (1 area x 12 months), the quarterly PDF, and a load run with gunicorn "
        "and locust on 127.0.0.1. Prints figures and asserts nothing. Run it on a copy made "
        "with generate_demo_data (for example 50 areas x 36 months), never on production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="Slug of the plan to time (default: a generated one).")
        parser.add_argument(
            "--user", help="Username to sign in as (default: the plan's area's lead1)."
        )
        parser.add_argument("--repeat", type=int, default=30, help="Timed requests per page.")
        parser.add_argument("--warmup", type=int, default=3, help="Untimed requests first.")
        parser.add_argument(
            "--rounds",
            type=int,
            default=3,
            help="Split the timed requests into this many rounds, alternating with the "
            "baseline's, so a machine that speeds up or slows down during the run weighs on "
            "both installations alike (default 3).",
        )
        parser.add_argument(
            "--bundle-files",
            type=int,
            default=200,
            help="Evidence files of 1 MB in the timed monitoring-visit bundle (0: none).",
        )
        parser.add_argument(
            "--bundle-plan",
            default="darlington-wsoa-2023",
            help="Slug of the plan whose bundle is timed (issue 18 sets its figures for "
            "Darlington's; seed_demo loads it). The timed plan when there is no such plan.",
        )
        parser.add_argument(
            "--import-repeat", type=int, default=5, help="Timed imports (each is rolled back)."
        )
        parser.add_argument(
            "--import-rows", type=int, default=500, help="Rows of the imported sheet."
        )
        parser.add_argument(
            "--baseline-database-url",
            default="auto",
            help='Database of the small installation to compare with: "auto" makes one '
            'beside this database (1 area x 12 months, made once), "none" skips it.',
        )
        parser.add_argument(
            "--load-seconds",
            type=int,
            default=60,
            help="Length of the gunicorn + locust load run (0: none).",
        )
        parser.add_argument(
            "--load-users",
            type=int,
            default=200,
            help="Simulated users of the load run: leads on deadline day, and advisers.",
        )
        parser.add_argument(
            "--load-wait",
            type=float,
            nargs=2,
            default=(5, 20),
            metavar=("MIN", "MAX"),
            help="Seconds a simulated user reads a page before the next click (default 5 20: "
            "200 people filling in their month, about 16 requests a second).",
        )
        parser.add_argument(
            "--load-advisers",
            type=int,
            default=10,
            metavar="LEADS",
            help="One simulated adviser for every LEADS leads (0: leads only).",
        )
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers.")
        parser.add_argument("--threads", type=int, default=2, help="Threads per worker.")
        parser.add_argument("--no-pdf", action="store_true", help="Skip the quarterly PDF.")
        parser.add_argument(
            "--pages-only",
            action="store_true",
            help="Only the page and import timings (what the baseline run does).",
        )
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")

    def handle(self, *args, **options):
        if settings.DEBUG:
            self.stderr.write(
                "DJANGO_DEBUG is on: Django keeps every query in memory, which slows pages. "
                "Run with the production settings for figures worth comparing."
            )
        try:
            plan = pick_plan(options["plan"])
        except Plan.DoesNotExist as exc:
            raise CommandError(str(exc) or f"There is no plan {options['plan']!r}.") from None
        if static_files_stale():
            # What the load run's servers do too: the pages need the hashed files.
            self.stderr.write("Collecting the static files the pages link to (once).")
            call_command("collectstatic", interactive=False, verbosity=0)
        username = options["user"] or f"{plan.area.slug}-lead1"
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called {username!r}.")

        if options["repeat"] < 1 or options["rounds"] < 1 or options["import_repeat"] < 0:
            raise CommandError("Give --repeat and --rounds of at least 1.")
        baseline_url = None
        if not options["pages_only"]:
            baseline_url = self._baseline_url(options["baseline_database_url"])
        figures = {
            "when": now_label(),
            "installation": installation_size(),
            "plan": plan.slug,
            "user": username,
            "repeat": options["repeat"],
            "rounds": options["rounds"] if baseline_url else 1,
        }
        baseline = None
        if baseline_url:
            auto = options["baseline_database_url"] == "auto"
            baseline = self._prepare_baseline(baseline_url, remake=auto)
        rounds = figures["rounds"]
        pages: dict[str, dict] = {}
        base_pages: dict[str, dict] = {}
        for number in range(rounds):
            # Each round times every page here, then the same pages on the baseline, so
            # the ratio between the two is measured on the same machine at the same time.
            repeat = _share(options["repeat"], rounds, number)
            imports = _share(options["import_repeat"], rounds, number)
            found = [
                f.as_dict()
                for f in measure_pages(
                    plan=plan, user=user, repeat=repeat, warmup=options["warmup"]
                )
            ]
            if imports or number == 0:
                found.append(
                    measure_import(user=user, repeat=imports, rows=options["import_rows"]).as_dict()
                )
                # Issue 17: a 5,000-row sheet and a 500-row Word table, each within 3 s.
                found.append(measure_import(user=user, repeat=imports, rows=5000).as_dict())
                found.append(
                    measure_import(user=user, repeat=imports, rows=500, word=True).as_dict()
                )
            _pool(pages, found)
            if baseline is not None and "note" not in baseline:
                done = self._baseline_round(baseline_url, options, repeat, imports)
                if "note" in done:
                    baseline = done
                else:
                    baseline.update(installation=done["installation"], plan=done["plan"])
                    _pool(base_pages, done["pages"])
        figures["pages"] = list(pages.values())
        if baseline is not None:
            figures["baseline"] = {**baseline, "pages": list(base_pages.values())}
        if options["pages_only"]:
            self._emit(figures, options)
            return

        if not options["no_pdf"]:
            figures["pdf"] = measure_pdf(plan=plan)
        figures["upload"] = measure_upload(plan=plan, user=user)
        if options["bundle_files"] > 0:
            bundle_plan = (
                Plan.objects.select_related("area").filter(slug=options["bundle_plan"]).first()
                or plan
            )
            figures["bundle"] = measure_bundle(plan=bundle_plan, files=options["bundle_files"])
        if options["load_seconds"] > 0:
            figures["load"] = self._load_run(options)
        self._emit(figures, options)

    # --- Baseline ---------------------------------------------------------------------

    def _baseline_url(self, value: str) -> str | None:
        if value == "none":
            return None
        if value != "auto":
            return value
        db = settings.DATABASES["default"]
        if connection.vendor == "sqlite":
            path = Path(db["NAME"])
            return f"sqlite:///{path.with_name(path.stem + '-baseline.sqlite3')}"
        current = os.environ.get("DATABASE_URL", "")
        if connection.vendor == "postgresql" and current:
            parts = urlsplit(current)
            return urlunsplit(parts._replace(path=parts.path + "_baseline"))
        raise CommandError("Give --baseline-database-url for this database.")

    def _manage(self, url: str, *args: str, capture: bool = True):
        env = {**os.environ, "DATABASE_URL": url}
        return subprocess.run(  # noqa: S603 - our own manage.py with our own arguments
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=env,
            capture_output=capture,
            text=True,
            check=False,
        )

    def _prepare_baseline(self, url: str, remake: bool) -> dict:
        """Migrate the baseline installation and generate its area (once: a second run
        leaves the generated area alone). An empty dict when it is ready, else a note."""
        if url.startswith("postgres"):
            _create_postgres_database(url)
        self.stderr.write(f"Baseline installation: {_without_password(url)}")
        done = self._manage(url, "migrate", "--no-input", "-v0")
        if done.returncode and remake:
            # The baseline this command made itself no longer matches the migrations (they
            # were squashed, say): it holds nothing else, so it is made again.
            self.stderr.write("The baseline's migrations are out of date: making it again.")
            _drop_database(url)
            if url.startswith("postgres"):
                _create_postgres_database(url)
            done = self._manage(url, "migrate", "--no-input", "-v0")
        if done.returncode:
            return {"note": f"migrate failed: {done.stderr.strip()[-300:]}"}
        shape = ("--areas", BASELINE_SHAPE[0], "--months", BASELINE_SHAPE[1])
        done = self._manage(url, "generate_demo_data", *shape)
        if done.returncode:
            return {"note": f"generate_demo_data failed: {done.stderr.strip()[-300:]}"}
        return {}

    def _baseline_round(self, url: str, options, repeat: int, imports: int) -> dict:
        """One round of the same pages (and imports) on the baseline installation."""
        done = self._manage(
            url,
            "benchmark",
            "--pages-only",
            "--json",
            "--repeat",
            str(repeat),
            "--warmup",
            str(options["warmup"]),
            "--import-repeat",
            str(imports),
            "--import-rows",
            str(options["import_rows"]),
        )
        if done.returncode:
            return {"note": f"baseline run failed: {done.stderr.strip()[-300:]}"}
        return json.loads(done.stdout)

    # --- Load run ---------------------------------------------------------------------

    def _load_run(self, options) -> dict:
        url = os.environ.get("DATABASE_URL") or _sqlite_url()
        done = subprocess.run(  # noqa: S603
            [
                sys.executable,
                str(ROOT / "loadtest" / "run_load.py"),
                "--database-url",
                url,
                "--seconds",
                str(options["load_seconds"]),
                "--users",
                str(options["load_users"]),
                "--advisers",
                str(options["load_advisers"]),
                # 200 sign-ins take most of a minute of CPU (PBKDF2 on purpose): the
                # figures are of the minute once everyone is signed in.
                "--after-sign-in",
                "--spawn-rate",
                "5",
                "--wait",
                *(f"{s:g}" for s in options["load_wait"]),
                "--workers",
                str(options["workers"]),
                "--threads",
                str(options["threads"]),
                "--json",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        try:
            return json.loads(done.stdout)
        except json.JSONDecodeError:
            return {"note": f"load run failed: {done.stderr.strip()[-500:]}"}

    # --- Output -----------------------------------------------------------------------

    def _emit(self, figures: dict, options) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(figures, default=str))
            return
        self.stdout.write(format_report(figures))


def _share(total: int, rounds: int, number: int) -> int:
    """Round ``number``'s share of ``total`` timed calls spread over ``rounds`` rounds."""
    return total // rounds + (1 if number < total % rounds else 0)


def _pool(pooled: dict[str, dict], found: list[dict]) -> None:
    """Add one round's figures to the figures pooled so far, page by page: the samples
    are joined, and the medians and 95th percentiles are taken over all of them."""
    for page in found:
        name = page["name"]
        if name not in pooled:
            pooled[name] = {**page, "samples_ms": [], "cpu_ms": []}
        pooled[name]["samples_ms"] += page["samples_ms"]
        pooled[name]["cpu_ms"] += page["cpu_ms"]
        if page.get("note") and not pooled[name].get("note"):
            pooled[name]["note"] = page["note"]
        figure = Figure(name, pooled[name]["samples_ms"], pooled[name]["cpu_ms"])
        pooled[name].update(median=figure.median, p95=figure.p95, cpu_median=figure.cpu_median)


def _sqlite_url() -> str:
    return f"sqlite:///{settings.DATABASES['default']['NAME']}"


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(urlsplit(url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    server = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(parts.path.lstrip("/"))
            )
        )


def _create_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# --- The printed report ---------------------------------------------------------------


def _ms(value) -> str:
    return "-" if value is None else f"{value:.1f}"


def _ratio(value, floor) -> str:
    if value is None or not floor:
        return "-"
    return f"{value / floor:.1f}x"


def format_report(figures: dict) -> str:
    size = figures["installation"]
    lines = [
        f"sendplan benchmark, {figures['when']}, {size['vendor']}",
        f"Installation: {size['areas']} areas, {size['plans']} plans, up to {size['months']} "
        f"months; {size['bragg_statuses']:,} BRAGG statuses, {size['rag_ratings']:,} RAG "
        f"ratings, {size['history_rows']:,} rating history rows",
        f"Timed: {figures['plan']} as {figures['user']}, {figures['repeat']} requests per page "
        f"after a warm-up"
        + (
            f", in {figures['rounds']} rounds taken in turn with the baseline's"
            if figures.get("rounds", 1) > 1
            else ""
        )
        + "; server time in ms in this process",
    ]
    baseline = figures.get("baseline") or {}
    base_pages = {p["name"]: p for p in baseline.get("pages", [])}
    base_hello = base_pages.get("hello-world view", {}).get("median")
    if "installation" in baseline:
        b = baseline["installation"]
        lines.append(
            f"Baseline: {b['areas']} areas, up to {b['months']} months ({baseline['plan']})"
        )
    elif baseline.get("note"):
        lines.append(f"Baseline: {baseline['note']}")
    hello = next((p["median"] for p in figures["pages"] if p["name"] == "hello-world view"), None)

    header = (
        f"{'':28} {'median':>8} {'p95':>8} {'x hello':>8} {'cpu':>7} {'queries':>7} | "
        f"{'baseline':>8} {'p95':>8} {'x hello':>8} {'cpu':>7} | {'big/base':>8} {'cpu':>5}"
    )
    lines += ["", header, "-" * len(header)]
    for page in figures["pages"]:
        name = page["name"]
        if page["median"] is None:
            lines.append(f"{name:28} {page['note'] or 'no figure'}")
            continue
        base = base_pages.get(name, {})
        floor = hello if not name.startswith("import") else None
        base_floor = base_hello if not name.startswith("import") else None
        growth = f"{page['median'] / base['median']:.2f}" if base.get("median") else "-"
        cpu_growth = (
            f"{page['cpu_median'] / base['cpu_median']:.2f}"
            if base.get("cpu_median") and page.get("cpu_median")
            else "-"
        )
        lines.append(
            f"{name:28} {_ms(page['median']):>8} {_ms(page['p95']):>8} "
            f"{_ratio(page['median'], floor):>8} {_ms(page.get('cpu_median')):>7} "
            f"{page['queries'] or '-':>7} | "
            f"{_ms(base.get('median')):>8} {_ms(base.get('p95')):>8} "
            f"{_ratio(base.get('median'), base_floor):>8} {_ms(base.get('cpu_median')):>7} | "
            f"{growth:>8} {cpu_growth:>5}"
        )
    lines.append(
        "ms: server time in this process (median, 95th percentile); cpu: this process's CPU "
        "ms (median), steadier on a busy machine; big/base: median on this installation "
        "over the baseline's"
    )

    pdf = figures.get("pdf")
    if pdf:
        lines.append("")
        if "total" in pdf:
            lines.append(
                f"Quarterly PDF ({pdf['forum']}, {pdf['period']}): {pdf['total']:.2f} s total; "
                f"queries {pdf['queries']:.2f} s ({pdf['query_count']}), charts "
                f"{pdf['charts']:.2f} s, templating {pdf['templating']:.2f} s, layout "
                f"{pdf['layout']:.2f} s, writing {pdf['writing']:.2f} s; {pdf['pages']} pages"
            )
        else:
            lines.append(f"Quarterly PDF: {pdf.get('note')}")
    if figures.get("upload"):
        lines.append(format_upload(figures["upload"]))
    if figures.get("bundle"):
        lines.append(format_bundle(figures["bundle"]))

    load = figures.get("load")
    if load:
        lines.append("")
        if "requests" in load:
            lines.append(format_load(load))
        else:
            lines.append(f"Load run: {load.get('note')}")
    return "\n".join(lines)


def _users(load: dict) -> str:
    every = load.get("leads_per_adviser") or 0
    if not every:
        return f"{load['users']} simulated leads"
    return f"{load['users']} simulated users (leads, an adviser for every {every})"


def format_load(load: dict) -> str:
    return (
        f"Load run ({load['database']}, gunicorn {load['workers']} workers x {load['threads']} "
        f"threads, locust {_users(load)}, {load['wait'][0]:g} to {load['wait'][1]:g} s "
        f"between clicks, {load['seconds']} s once all signed in): "
        f"{load['requests']} requests, {load['rps']:.1f} req/s, median {load['median_ms']:.0f} "
        f"ms, p95 {load['p95_ms']:.0f} ms, {load['failures']} errors "
        f"({load['server_errors']} 5xx, {load['locked']} 'database is locked' in the log)"
        + "".join(
            f"\n    {name:28} {row['requests']:>6} requests, median {row['median_ms']:>5.0f} ms, "
            f"p95 {row['p95_ms']:>5.0f} ms, {row['failures']} failed"
            for name, row in sorted(load.get("by_name", {}).items())
            if row["requests"]
        )
    )
