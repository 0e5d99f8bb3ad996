#!/usr/bin/env python3
"""The concurrency and crash checks CI runs, on SQLite or on PostgreSQL.

    loadtest/ci.sh sqlite
    loadtest/ci.sh postgres [--server-url postgres://postgres@127.0.0.1:5432]

On one fresh database (a temporary SQLite file, or a PostgreSQL database of its own,
``sendplan_ci_load`` unless ``--database-name`` says otherwise, dropped at the end),
migrated, with 5 generated areas x 6 months, against gunicorn with the production
settings (management commands run with ``DJANGO_DEBUG=1``; the servers with only the
production variables, ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS`` and
``DATABASE_URL``):

1. Load (F17, short): ``--users`` simulated leads (locust) on 4 workers x 2 threads,
   reading pages and saving drafts with 0.5 to 2 s between clicks, for ``--load-seconds``
   once they have all signed in.
2. Lost updates (F18, short): ``--rounds`` rounds of 10 browsers saving one action from
   one version on the same server (``loadtest/lost_updates.py``).
3. Crash mid-write (F19, short): on a second gunicorn with one worker, ``--crash-rounds``
   saves of a lead's whole month killed mid-write (``loadtest/crash_sqlite.py``,
   ``loadtest/crash_postgres.py``), and on PostgreSQL the database taken away and back.

It fails (exit 1) on correctness only: any 5xx (but the crash's terminated requests and
/health while the database is away), any "database is locked" or traceback in the
servers' logs, a simulated lead's request failing, a round with other than one winner or
a loser without the conflict page keeping their text, a half-written or lost save, a
failed request after a crash, SQLite's integrity_check not "ok". Response times are
printed, never judged: CI machines are shared. Ends by printing its CPU time.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import crash_postgres  # noqa: E402
import crash_sqlite  # noqa: E402
import lost_updates  # noqa: E402
import run_load  # noqa: E402
from checks import (  # noqa: E402
    Database,
    drop_postgres_database,
    judge_crashed_saves,
    recreate_postgres_database,
)
from client import Browser, simulated_lead  # noqa: E402

AREAS, MONTHS = 5, 6
PASSWORD = "ci-load-password-2023"  # noqa: S105 - a throwaway database
LOAD_PLAN, CRASH_PLAN = "area01-wsoa", "area02-wsoa"
WAIT = (0.5, 2)  # seconds between a simulated lead's clicks: busier than F17's 3 to 8


def log_problems(log: Path) -> list[str]:
    figures = run_load.read_log(log)
    if figures["server_errors"] or figures["locked"] or figures["tracebacks"]:
        return [
            f"{log.name}: {figures['server_errors']} 5xx, {figures['locked']} "
            f"'database is locked', {figures['tracebacks']} tracebacks"
        ]
    return []


def prepare(url: str, env: dict) -> None:
    """Migrate and generate the areas, while the static files are collected alongside
    (production settings serve them from a manifest; the first collection takes a while)."""
    collecting = threading.Thread(target=run_load.collect_static, args=(env,))
    collecting.start()
    dev = {**env, "DJANGO_DEBUG": "1"}
    run_load.manage(dev, "migrate", "--no-input", "-v0")
    run_load.manage(
        dev,
        "generate_demo_data",
        "--areas",
        str(AREAS),
        "--months",
        str(MONTHS),
        "--start-month",
        "2023-01",
        "--password",
        PASSWORD,
    )
    collecting.join()


class Servers:
    """The load server (4 workers x 2 threads) and the crash server (one worker; on
    PostgreSQL it reaches the database through a relay that can be switched off)."""

    def __init__(self, url: str, env: dict, work: Path):
        self.db = Database(url)
        self.relay = None
        crash_env = env
        if self.db.vendor == "postgresql":
            parts = urlsplit(url)
            self.relay = crash_postgres.Relay((parts.hostname or "127.0.0.1", parts.port or 5432))
            self.relay.start()
            relayed = parts._replace(netloc=f"{parts.username}@127.0.0.1:{self.relay.port}")
            crash_env = run_load.production_env(relayed.geturl())
        self.load_log, self.crash_log = work / "gunicorn-load.log", work / "gunicorn-crash.log"
        self.load_port, self.crash_port = run_load.free_port(), run_load.free_port()
        self.load = run_load.start_gunicorn(env, self.load_port, 4, 2, self.load_log)
        threads = 2 if self.relay else 1
        self.crash = run_load.start_gunicorn(
            crash_env, self.crash_port, 1, threads, self.crash_log, preload=True
        )

    def stop(self):
        for server in (self.load, self.crash):
            run_load.stop(server)
        if self.relay:
            self.relay.stop()


def load_run(args, servers: Servers, work: Path) -> list[str]:
    stats = run_load.run_locust(
        servers.load_port,
        work,
        areas=AREAS,
        users=args.users,
        seconds=args.load_seconds,
        spawn_rate=args.users,
        password=PASSWORD,
        wait=WAIT,
        after_sign_in=True,
    )
    print(
        run_load.describe(
            {
                **stats,
                **run_load.read_log(servers.load_log),
                "database": servers.db.vendor,
                "workers": 4,
                "threads": 2,
                "users": args.users,
                "seconds": args.load_seconds,
                "areas": AREAS,
                "excluded": [],
                "wait": WAIT,
                "log": str(servers.load_log),
            }
        ),
        flush=True,
    )
    if stats["failures"]:
        because = "; ".join(stats["failed_because"]) or "locust gave no reason"
        return [f"load: {stats['failures']} of the simulated leads' requests failed ({because})"]
    if not stats["by_name"].get("save draft", {}).get("requests"):
        return ["load: the simulated leads saved nothing"]
    return []


def crash_on_sqlite(args, servers: Servers, browser: Browser) -> tuple[list[str], int]:
    """The crash check's problems, and how many requests it ended with a 5xx (none)."""
    db = servers.db
    outcomes, problems = crash_sqlite.kill_mid_write(
        port=servers.crash_port,
        master=servers.crash.pid,
        db_path=db.sqlite_path,
        browser=browser,
        path=f"/plans/{CRASH_PLAN}/my-updates/",
        rounds=args.crash_rounds,
    )
    lines, judged = judge_crashed_saves(db, outcomes, "crash-")
    print("\n".join(lines))
    killed = [o for o in outcomes if "kill" in o]
    print(f"Crash mid-write: {len(killed)} saves: {crash_sqlite.kill_summary(killed)}")
    return problems + judged + crash_sqlite.integrity_problems(db.sqlite_path), 0


def crash_on_postgres(args, servers: Servers, browser: Browser) -> tuple[list[str], int]:
    """The crash check's problems, and how many requests it ended with a 5xx."""
    db = servers.db
    outcomes, problems = crash_postgres.kill_mid_write(
        port=servers.crash_port,
        master=servers.crash.pid,
        database_url=db.url,
        browser=browser,
        path=f"/plans/{CRASH_PLAN}/my-updates/",
        rounds=args.crash_rounds,
    )
    figures, down = crash_postgres.database_down_and_back(servers.crash_port, servers.relay)
    lines, judged = judge_crashed_saves(db, outcomes, "crash-")
    print("\n".join(lines))
    terminated = sum(1 for o in outcomes if o.get("kill", "").startswith("connection"))
    killed = sum(1 for o in outcomes if o.get("kill", "").startswith("worker"))
    print(
        f"Crash mid-write: {len(outcomes) - 1} saves stopped on a held row: {killed} workers "
        f"killed, {terminated} connections terminated; the database away: /health 503 "
        f"after {figures['down_after_s'] or 0:.2f} s, 200 again "
        f"{figures['up_after_s'] or 0:.2f} s after it came back"
    )
    return problems + down + judged, terminated


def run_checks(args, url: str, env: dict, work: Path) -> list[str]:
    servers = Servers(url, env, work)
    db = servers.db
    problems = []
    try:
        for port in (servers.load_port, servers.crash_port):
            run_load.wait_for_health(port)
        run_load.warm_up(servers.load_port, 4, servers.load_log)
        # The load run is judged on its errors, not its response times, so the other
        # checks' browsers sign in meanwhile (each sign-in is half a second of CPU).
        load = {}
        loading = threading.Thread(
            target=lambda: load.update(problems=load_run(args, servers, work)), daemon=True
        )
        loading.start()
        # Leads locust does not play: a generated login's first sign-in re-hashes its
        # password, which signs out its other sessions.
        simulated = {simulated_lead(n, AREAS)[0] for n in range(args.users)}
        racer = [lead for lead in db.leads(LOAD_PLAN) if lead not in simulated][-1]
        racers = lost_updates.sign_in_browsers([servers.load_port], racer, PASSWORD)
        crasher = Browser(servers.crash_port)
        crasher.sign_in(
            [lead for lead in db.leads(CRASH_PLAN) if lead not in simulated][0], PASSWORD
        )
        loading.join()
        problems += load.get("problems", ["load: the load run did not finish"])

        figures, lost = lost_updates.lost_update_rounds(
            clients=racers, db=db, plan_slug=LOAD_PLAN, rounds=args.rounds
        )
        print(lost_updates.describe(figures), flush=True)
        problems += [f"lost updates: {p}" for p in lost]
        run_load.stop(servers.load)

        crash = crash_on_sqlite if db.vendor == "sqlite" else crash_on_postgres
        crashed, terminated = crash(args, servers, crasher)
    finally:
        servers.stop()
    problems += log_problems(servers.load_log)
    if db.vendor == "sqlite":
        crashed += log_problems(servers.crash_log)
    else:  # the terminated requests' 500s are expected there, and their tracebacks
        crashed += crash_postgres.unexpected_errors(servers.crash_log, terminated)
    return problems + [f"crash: {p}" for p in crashed]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", choices=["sqlite", "postgres"])
    parser.add_argument("--server-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database-name", default="sendplan_ci_load")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--load-seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--crash-rounds", type=int, default=4)
    args = parser.parse_args(argv)

    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix=f"sendplan-ci-{args.database}-"))
    if args.database == "sqlite":
        url = f"sqlite:///{work / 'load.sqlite3'}"
    else:
        url = recreate_postgres_database(args.server_url, args.database_name)
    env = run_load.production_env(url)
    problems: list[str] = []
    try:
        print(f"ci: migrate and generate {AREAS} areas x {MONTHS} months", flush=True)
        prepare(url, env)
        problems += run_checks(args, url, env, work)
    finally:
        if args.database == "postgres":
            drop_postgres_database(args.server_url, args.database_name)
    used = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(u.ru_utime + u.ru_stime for u in used)
    print(
        f"ci: {time.monotonic() - started:.0f} s, {cpu:.0f} s of CPU (this script, "
        "its servers and commands; not the PostgreSQL server's)"
    )
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems))
        print(f"  the servers' logs: {work}")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("ci: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
