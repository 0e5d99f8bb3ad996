#!/usr/bin/env python3
"""A bounded load run: gunicorn on 127.0.0.1 with the production settings, locust headless.

    loadtest/run_load.py --database-url sqlite:////tmp/big.sqlite3 --seconds 60 --users 20

It collects the static files, starts gunicorn (``--workers`` x ``--threads``) on a free
port with only the production variables set, waits for ``/health``, runs
``loadtest/locustfile.py`` (simulated leads of the generated areas) for ``--seconds``,
stops gunicorn and prints requests, requests per second, median and p95 response times,
errors, 5xx responses and "database is locked" lines in gunicorn's log. With ``--max-p95``
or ``--max-errors`` it exits 1 when a figure misses, so CI can run it.

Needs a database made by ``generate_demo_data`` (and migrated). Starts and stops only
its own gunicorn.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(database_url: str) -> dict[str, str]:
    """Only the documented production variables, as a deployment would set them."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SENDPLAN_")) and k != "DATABASE_URL"
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
    )
    return env


def manage(env, *args) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def collect_static(env) -> None:
    """collectstatic, unless the manifest is newer than every file in static/ (it takes a
    minute: WhiteNoise compresses each file with gzip and Brotli)."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if manifest.exists():
        built = manifest.stat().st_mtime
        if all(p.stat().st_mtime <= built for p in (ROOT / "static").rglob("*") if p.is_file()):
            return
    manage(env, "collectstatic", "--no-input", "-v0")


def generated_areas(env) -> int:
    out = manage(
        env,
        "shell",
        "-c",
        "from sendplan.models import Plan; "
        "print(Plan.objects.filter(source='generate_demo_data').count())",
    )
    return int(out.strip().splitlines()[-1])


def start_gunicorn(
    env, port: int, workers: int, threads: int, log: Path, preload: bool = False
) -> subprocess.Popen:
    """gunicorn as scripts/serve-production starts it; with ``preload`` a worker killed
    on purpose is replaced by a fork of the loaded app at once, not after an import."""
    handle = log.open("w")
    return subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "sendplan.wsgi",
            *(["--preload"] if preload else []),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--max-requests",
            "500",
            "--max-requests-jitter",
            "50",
            "--timeout",
            "120",
            "--access-logfile",
            "-",
            "--access-logformat",
            'ACCESS %(s)s %(M)s "%(r)s"',
        ],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )


def wait_for_health(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(  # noqa: S310 - our own loopback server
                urllib.request.Request(
                    f"http://127.0.0.1:{port}/health", headers={"X-Forwarded-Proto": "https"}
                ),
                timeout=2,
            ) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer /health on port {port} within {timeout} s")


def warm_up(port: int, workers: int, log: Path, timeout: float = 120) -> None:
    """Wait until every worker has booted, then send each a few requests, so the run
    measures a running server, not Python importing Django."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.read_text(errors="replace").count("Booting worker") >= workers:
            break
        time.sleep(0.5)
    for _ in range(workers * 3):
        wait_for_health(port)
        with contextlib.suppress(OSError):
            urllib.request.urlopen(  # noqa: S310 - our own loopback server
                urllib.request.Request(
                    f"http://127.0.0.1:{port}/sign-in/", headers={"X-Forwarded-Proto": "https"}
                ),
                timeout=30,
            ).close()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _ms(value: str) -> float:
    """A response time from locust's CSV: empty or "N/A" when nothing was measured."""
    try:
        return float(value)
    except ValueError:
        return 0.0


def read_stats(prefix: Path) -> dict:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    by_name = {
        r["Name"]: {
            "requests": int(r["Request Count"]),
            "failures": int(r["Failure Count"]),
            "median_ms": _ms(r["Median Response Time"]),
            "p95_ms": _ms(r["95%"]),
        }
        for r in rows
        if r["Name"] != "Aggregated"
    }
    return {
        "failed_because": read_failures(prefix),
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "median_ms": _ms(total["Median Response Time"]),
        "p95_ms": _ms(total["95%"]),
        "by_name": by_name,
    }


def read_failures(prefix: Path) -> list[str]:
    """Why requests failed, from locust's failures CSV: "dashboard: <error> (x2)"."""
    try:
        with open(f"{prefix}_failures.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        return []
    return [f"{r['Name']}: {r['Error']} (x{r['Occurrences']})" for r in rows]


def read_retries(output: Path) -> int:
    """How many page reads were sent again after the server closed their kept-alive
    connection (the warning urllib3 logs for each, in locust's output)."""
    return output.read_text(errors="replace").count("after connection broken by")


def read_log(log: Path) -> dict:
    text = log.read_text(errors="replace")
    statuses = re.findall(r"^ACCESS (\d{3}) ", text, flags=re.MULTILINE)
    return {
        "server_errors": sum(1 for s in statuses if s.startswith("5")),
        "conflicts": statuses.count("409"),
        "locked": text.count("database is locked"),
        "tracebacks": text.count("Traceback (most recent call last)"),
    }


def run_locust(
    port: int,
    workdir: Path,
    *,
    areas: int,
    users: int,
    seconds: int,
    spawn_rate: float,
    password: str,
    exclude_tags: list[str] | None = None,
    wait: tuple[float, float] = (3, 8),
    after_sign_in: bool = False,
    leads_per_adviser: int = 0,
) -> dict:
    """Run locust's simulated leads headless against the server on ``port``; its figures.
    Each lead waits ``wait`` (min, max) seconds between clicks. With ``after_sign_in``
    the ``seconds`` count from the moment every lead has signed in, and so do the figures
    (sign-ins take longer the busier the machine; the run stops 5 minutes on at most)."""
    locust_env = {
        **os.environ,
        "LOCUST_AREAS": str(areas),
        "LOCUST_PASSWORD": password,
        "LOCUST_WAIT": ",".join(str(s) for s in wait),
        "LOCUST_STEADY_SECONDS": str(seconds if after_sign_in else 0),
        "LOCUST_ADVISERS": str(leads_per_adviser),
    }
    run_time = seconds + 300 if after_sign_in else seconds
    output_path = workdir / "locust.log"  # its warnings: the retried page reads
    with output_path.open("w") as output:
        subprocess.run(  # noqa: S603
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "loadtest" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(spawn_rate),
                "--run-time",
                f"{run_time}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(workdir / "locust"),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
                # Figures for the steady state once every lead has signed in: each sign-in
                # costs about half a second of CPU on purpose (PBKDF2), which would otherwise
                # crowd the first seconds of a short run on a small machine.
                "--reset-stats",
                # At the end each lead finishes the click it is on: a request cut off half-way
                # would count as a failure.
                "--stop-timeout",
                "30",
                *(["--exclude-tags", *exclude_tags] if exclude_tags else []),
            ],
            cwd=ROOT,
            env=locust_env,
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=run_time + 120,
            check=False,
        )
    return {**read_stats(workdir / "locust"), "retried": read_retries(output_path)}


def run(args) -> dict:
    env = production_env(args.database_url)
    collect_static(env)
    areas = args.areas or generated_areas(env)
    if not areas:
        raise SystemExit("No generated areas here: run manage.py generate_demo_data first.")
    port = args.port or free_port()
    workdir = Path(tempfile.mkdtemp(prefix="sendplan-load-"))
    log = workdir / "gunicorn.log"
    server = start_gunicorn(env, port, args.workers, args.threads, log)
    try:
        wait_for_health(port)
        warm_up(port, args.workers, log)
        stats = run_locust(
            port,
            workdir,
            areas=areas,
            users=args.users,
            seconds=args.seconds,
            spawn_rate=args.spawn_rate,
            password=args.password,
            exclude_tags=args.exclude_tags,
            wait=tuple(args.wait),
            after_sign_in=args.after_sign_in,
            leads_per_adviser=args.advisers,
        )
    finally:
        stop(server)
    result = {
        "database": args.database_url.split(":", 1)[0].replace("postgres", "postgresql"),
        "workers": args.workers,
        "threads": args.threads,
        "users": args.users,
        "leads_per_adviser": args.advisers,
        "seconds": args.seconds,
        "areas": areas,
        "excluded": args.exclude_tags or [],
        "wait": tuple(args.wait),
        **stats,
        **read_log(log),
        "log": str(log),
    }
    return result


def describe(result: dict) -> str:
    lines = [
        f"Load run ({result['database']}, gunicorn {result['workers']} workers x "
        f"{result['threads']} threads, {users_words(result)} over "
        f"{result['areas']} areas, {result['seconds']} s, "
        f"{result['wait'][0]:g} to {result['wait'][1]:g} s between clicks"
        + (f", without {', '.join(result['excluded'])}" if result["excluded"] else "")
        + ")",
        f"  {result['requests']} requests, {result['rps']:.1f} req/s, median "
        f"{result['median_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms",
        f"  errors {result['failures']}, 5xx {result['server_errors']}, "
        f"'database is locked' {result['locked']}, tracebacks {result['tracebacks']}, "
        f"save conflicts shown (409) {result['conflicts']}",
        f"  page reads sent again after the server closed their kept-alive connection "
        f"(as a browser does) {result.get('retried', 0)}",
    ]
    for name, row in sorted(result["by_name"].items()):
        lines.append(
            f"    {name:28} {row['requests']:>6} requests, median {row['median_ms']:>5.0f} ms, "
            f"p95 {row['p95_ms']:>5.0f} ms, {row['failures']} failed"
        )
    lines += [f"    failed because {reason}" for reason in result.get("failed_because", [])]
    lines.append(f"  gunicorn log: {result['log']}")
    return "\n".join(lines)


def users_words(result: dict) -> str:
    """ "20 simulated leads", or with advisers "200 simulated users (leads, and an
    adviser for every 10 leads)"."""
    every = result.get("leads_per_adviser") or 0
    if not every:
        return f"{result['users']} simulated leads"
    return f"{result['users']} simulated users (leads, and an adviser for every {every} leads)"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), required=False)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=float, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--areas", type=int, default=0, help="Generated areas (default: count).")
    parser.add_argument("--password", default="generated-demo-2023")
    parser.add_argument(
        "--exclude-tags", nargs="*", help='Leave tasks out, e.g. "dashboard" (locust tags).'
    )
    parser.add_argument(
        "--wait",
        type=float,
        nargs=2,
        default=(3, 8),
        metavar=("MIN", "MAX"),
        help="Seconds a lead waits between clicks (default 3 8).",
    )
    parser.add_argument(
        "--advisers",
        type=int,
        default=0,
        metavar="LEADS",
        help="Add one simulated adviser (the generated adviser logins, reading the page of "
        "the areas they advise and drilling down) for every LEADS leads (default 0: none).",
    )
    parser.add_argument(
        "--after-sign-in",
        action="store_true",
        help="Count --seconds (and the figures) from the moment every user has signed in.",
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--max-p95", type=float, help="Exit 1 when the p95 (ms) is above.")
    parser.add_argument("--max-errors", type=int, help="Exit 1 when errors are above.")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("Give --database-url (or set DATABASE_URL).")

    result = run(args)
    print(json.dumps(result) if args.json else describe(result))
    missed = []
    if args.max_p95 is not None and result["p95_ms"] > args.max_p95:
        missed.append(f"p95 {result['p95_ms']:.0f} ms > {args.max_p95:.0f} ms")
    errors = result["failures"] + result["server_errors"] + result["locked"]
    if args.max_errors is not None and errors > args.max_errors:
        missed.append(f"{errors} errors > {args.max_errors}")
    if missed:
        print("MISSED: " + "; ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
