#!/usr/bin/env python3
"""Crash a worker in the middle of a multi-row write, 20 times, and check SQLite is whole.

    loadtest/crash_sqlite.py            # about 2 minutes

On a fresh SQLite copy (1 generated area, 3 months) it starts gunicorn with one worker,
signs in as the lead with the most actions and, 20 times, saves the month's update for
every action that lead leads (one transaction writing a BRAGG status and its history for
each, all carrying one marker note) while it sends SIGKILL to the worker at a random
moment of that request. gunicorn starts a new worker each time. At the end
``PRAGMA integrity_check`` must say "ok", every marker must be in the history of all of
the lead's actions or of none (0 partial writes), and every acknowledged save must be there.
Exits 1 otherwise. Starts and kills only its own gunicorn and workers.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run_load  # noqa: E402
from client import Browser, update_form  # noqa: E402

ROUNDS = 20
PASSWORD = "crash-test-password-2023"  # noqa: S105 - a throwaway copy


def worker_pid(master: int) -> int | None:
    out = subprocess.run(  # noqa: S603
        ["/usr/bin/pgrep", "-P", str(master)], capture_output=True, text=True, check=False
    ).stdout.split()
    return int(out[0]) if out else None


def wait_for_worker(port: int, master: int, old: int | None) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pid = worker_pid(master)
        if pid and pid != old:
            run_load.wait_for_health(port)
            return pid
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no new worker")


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="sendplan-crash-"))
    db = work / "crash.sqlite3"
    url = f"sqlite:///{db}"
    env = run_load.production_env(url)
    dev = {**env, "DJANGO_DEBUG": "1"}
    print("crash: migrate and generate 1 area x 3 months")
    run_load.manage(dev, "migrate", "--no-input", "-v0")
    run_load.manage(
        dev, "generate_demo_data", "--areas", "1", "--months", "3", "--password", PASSWORD
    )
    run_load.collect_static(env)
    port = run_load.free_port()
    server = run_load.start_gunicorn(env, port, workers=1, threads=1, log=work / "gunicorn.log")
    outcomes = []
    try:
        pid = wait_for_worker(port, server.pid, None)
        path = "/plans/area01-wsoa/my-updates/"
        rng = random.Random(19)  # noqa: S311 - when to kill, not a secret
        # How long an undisturbed save takes, so the kills land across the request,
        # its transaction included, rather than before it starts.
        # The lead with the most actions makes the widest write.
        sizes = {}
        for n in range(1, 7):
            browser = Browser(port)
            browser.sign_in(f"area01-lead{n}", PASSWORD)
            sizes[n] = update_form(browser, path, "-")[1]
        lead = f"area01-lead{max(sizes, key=sizes.get)}"
        browser = Browser(port)
        browser.sign_in(lead, PASSWORD)
        data, expected = update_form(browser, path, "crash-calibration")
        started = time.monotonic()
        status = browser.post(path, data).status_code
        duration = time.monotonic() - started
        outcomes.append(("crash-calibration", expected, {"status": status}))
        print(f"crash: an undisturbed save of {expected} actions takes {duration:.2f} s")
        for round_ in range(ROUNDS):
            browser = Browser(port)
            browser.sign_in(lead, PASSWORD)
            marker = f"crash-{round_:02d}"
            data, expected = update_form(browser, path, marker)
            answer = {}

            def save(browser=browser, data=data, answer=answer):
                try:
                    answer["status"] = browser.post(path, data).status_code
                except requests.RequestException as exc:
                    answer["error"] = type(exc).__name__

            thread = threading.Thread(target=save)
            thread.start()
            time.sleep(rng.uniform(0.2, 1.0) * duration)
            os.kill(pid, signal.SIGKILL)
            thread.join()
            outcomes.append((marker, expected, answer))
            pid = wait_for_worker(port, server.pid, pid)
    finally:
        run_load.stop(server)

    with sqlite3.connect(db) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        written = dict(
            conn.execute(
                "SELECT note, COUNT(*) FROM actions_actionstatus "
                "WHERE note LIKE 'crash-%' GROUP BY note"
            ).fetchall()
        )
        history = dict(
            conn.execute(
                "SELECT note, COUNT(*) FROM actions_historicalactionstatus "
                "WHERE note LIKE 'crash-%' GROUP BY note"
            ).fetchall()
        )
    # Each save writes one history row per action, and later saves overwrite the live
    # rows: so every marker must be in the history on all of the lead's actions or on
    # none, an acknowledged save must be there, and the live rows must all carry the
    # marker of one save.
    partial, lost = [], []
    for marker, expected, answer in outcomes:
        rows = history.get(marker, 0)
        state = "all" if rows == expected else "none" if rows == 0 else "PARTIAL"
        if state == "PARTIAL":
            partial.append(marker)
        if answer.get("status") == 302 and state != "all":
            lost.append(marker)
        print(f"  {marker}: {answer} -> {rows}/{expected} history rows ({state})")
    live_ok = len(written) == 1 and next(iter(written.values())) == outcomes[0][1]
    committed = sum(1 for marker, _, _ in outcomes[1:] if history.get(marker))
    print(
        f"crash: {ROUNDS} workers killed mid-write ({committed} saves had committed, "
        f"{ROUNDS - committed} had not); integrity_check: {integrity}; partial writes: "
        f"{len(partial)}; acknowledged saves lost: {len(lost)}; live rows from one save: "
        f"{live_ok} ({written})"
    )
    if partial or lost or not live_ok:
        integrity = f"{integrity}, but the figures missed"
    return 0 if integrity == "ok" and not partial else 1


if __name__ == "__main__":
    sys.exit(main())
