#!/usr/bin/env python3
"""Crash a worker in the middle of a multi-row write, 20 times, and check SQLite is whole.

    loadtest/crash_sqlite.py [--rounds 20]        # about a minute

On a fresh SQLite copy (1 generated area, 3 months) it starts gunicorn with one worker,
signs in as the lead with the most actions and, 20 times, saves the month's update for
every action that lead leads (one transaction writing a BRAGG status and its history for
each, all carrying one marker note). While the save runs it watches SQLite's write lock
from outside, and once the save holds it sends SIGKILL to the worker somewhere within the
time an undisturbed save holds the lock: inside the write transaction, or just after its
commit. gunicorn starts a new worker each time, and the next page must open. At the end
``PRAGMA integrity_check`` must say "ok", every marker must be in the history of all of
the lead's actions or of none (0 partial writes), and every acknowledged save must be
there. Exits 1 otherwise. Starts and kills only its own gunicorn and workers.
"""

from __future__ import annotations

import argparse
import contextlib
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
from checks import Database, judge_crashed_saves  # noqa: E402
from client import Browser, section_of_tasks, update_form  # noqa: E402

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


def save_in_background(browser: Browser, path: str, data: list) -> tuple[threading.Thread, dict]:
    """Post the form from another thread; the answer's status (or error) lands in the dict."""
    answer: dict = {}

    def save():
        try:
            response = browser.post(path, data)
        except requests.RequestException as exc:
            answer["error"] = type(exc).__name__
        else:
            answer["status"] = response.status_code
            if response.status_code >= 500:  # an error page, or a bare error?
                answer["type"] = response.headers.get("Content-Type", "").split(";")[0]

    thread = threading.Thread(target=save)
    thread.start()
    return thread, answer


def write_lock_held(probe: sqlite3.Connection) -> bool:
    """Whether another connection holds SQLite's write lock: a writer is mid-transaction."""
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:  # "database is locked", at once (timeout 0)
        return True
    probe.execute("ROLLBACK")
    return False


def until_write_lock(probe: sqlite3.Connection, thread: threading.Thread) -> float | None:
    """Wait for the save to take the write lock; the moment it did (None: it ended first)."""
    while thread.is_alive():
        if write_lock_held(probe):
            return time.monotonic()
        time.sleep(0.0005)
    return None


def kill_mid_write(
    *,
    port: int,
    master: int,
    db_path: str,
    browser: Browser,
    path: str,
    rounds: int,
    prefix: str = "crash",
    seed: int = 19,
) -> tuple[list[dict], list[str]]:
    """Kill the one worker of gunicorn ``master`` during ``rounds`` saves of a lead's whole
    month (``browser`` is signed in as the lead); the saves' outcomes, and problems seen."""
    rng = random.Random(seed)  # noqa: S311 - when to kill, not a secret
    path = section_of_tasks(browser, path)  # the task list names the page of the forms
    problems = []
    with contextlib.closing(sqlite3.connect(db_path, timeout=0, isolation_level=None)) as probe:
        pid = wait_for_worker(port, master, None)
        # How long an undisturbed save holds the write lock (its transaction, then the
        # session's "saved" message), the shorter of two. The kills land within its first
        # 60%: mostly inside the transaction, some just after its commit, never before it.
        outcomes, holds = [], []
        for n in range(2):
            marker = f"{prefix}-calibration-{n}"
            data, actions = update_form(browser, path, marker)
            thread, answer = save_in_background(browser, path, data)
            taken = released = until_write_lock(probe, thread)
            while taken is not None and thread.is_alive() and write_lock_held(probe):
                released = time.monotonic()
            thread.join()
            if taken is not None:
                holds.append(released - taken)
            outcomes.append({"marker": marker, "actions": actions, "answer": answer})
        held = min(holds, default=0.0)
        for round_ in range(rounds):
            marker = f"{prefix}-{round_:02d}"
            data, actions = update_form(browser, path, marker)
            thread, answer = save_in_background(browser, path, data)
            taken = until_write_lock(probe, thread)
            if taken is None:
                kill = "saved before the write lock was seen, not killed"
            else:
                time.sleep(rng.uniform(0.05, 0.6) * held)
                os.kill(pid, signal.SIGKILL)
                kill = f"killed {time.monotonic() - taken:.3f} s after it took the write lock"
            thread.join()
            if taken is not None:
                pid = wait_for_worker(port, master, pid)
            outcomes.append({"marker": marker, "actions": actions, "answer": answer, "kill": kill})
            after = browser.get(path).status_code
            if after != 200:
                problems.append(f"{marker}: the next request after the crash answered {after}")
    print(
        f"crash: an undisturbed save of {outcomes[0]['actions']} actions holds the write "
        f"lock {held * 1000:.0f} ms (the shorter of two)"
    )
    return outcomes, problems


def kill_summary(outcomes: list[dict]) -> str:
    """Where the kills of judged outcomes landed, in words."""
    killed = [o for o in outcomes if o["kill"].startswith("killed")]
    states = [o["state"] for o in killed]
    words = (
        f"{states.count('none')} killed inside the write transaction (nothing kept), "
        f"{states.count('all')} just after its commit (all kept), "
        f"{len(outcomes) - len(killed)} saved before a kill could land"
    )
    if "PARTIAL" in states:
        words += f", {states.count('PARTIAL')} HALF-WRITTEN"
    return words


def integrity_problems(db_path: str) -> list[str]:
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    print(f"crash: PRAGMA integrity_check: {integrity}")
    return [] if integrity == "ok" else [f"integrity_check: {integrity}"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="sendplan-crash-"))
    db_path = str(work / "crash.sqlite3")
    url = f"sqlite:///{db_path}"
    env = run_load.production_env(url)
    dev = {**env, "DJANGO_DEBUG": "1"}
    print("crash: migrate and generate 1 area x 3 months")
    run_load.manage(dev, "migrate", "--no-input", "-v0")
    run_load.manage(
        dev, "generate_demo_data", "--areas", "1", "--months", "3", "--password", PASSWORD
    )
    run_load.collect_static(env)
    lead = Database(url).leads("area01-wsoa")[0]
    port = run_load.free_port()
    log = work / "gunicorn.log"
    server = run_load.start_gunicorn(env, port, workers=1, threads=1, log=log)
    try:
        run_load.wait_for_health(port)
        browser = Browser(port)
        browser.sign_in(lead, PASSWORD)
        outcomes, problems = kill_mid_write(
            port=port,
            master=server.pid,
            db_path=db_path,
            browser=browser,
            path="/plans/area01-wsoa/my-updates/",
            rounds=args.rounds,
        )
    finally:
        run_load.stop(server)

    lines, judged = judge_crashed_saves(Database(url), outcomes, "crash-")
    problems += judged + integrity_problems(db_path)
    server_log = run_load.read_log(log)
    if server_log["locked"] or server_log["server_errors"]:
        problems.append(f"gunicorn's log: {server_log}")
    print("\n".join(lines))
    killed = [o for o in outcomes if "kill" in o]
    print(f"crash: {args.rounds} saves of {lead}'s month: {kill_summary(killed)}")
    print("crash: " + ("; ".join(problems) if problems else "all figures met"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
