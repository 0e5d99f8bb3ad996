#!/usr/bin/env python3
"""Kill app workers and PostgreSQL connections mid-write, and take the database away.

    loadtest/crash_postgres.py [--server-url postgres://postgres@127.0.0.1:5432] [--rounds 4]

On its own database (``sendplan_crash``, made afresh on that server: 1 generated area,
2 months) it starts gunicorn (one worker, two threads) reaching PostgreSQL through a small
TCP relay of its own, so "the database is down" can be staged without touching the shared
server. Then:

1. Mid-write, ``--rounds`` times: the lead with the most actions saves their month (one
   transaction writing a BRAGG status and its history for each action, all carrying one
   marker note) while another connection holds the row of the last action, so the save
   stops there with the others written but not committed (seen in ``pg_locks``). Then in
   turn the worker gets SIGKILL, or ``pg_terminate_backend`` ends the save's connection:
   that request must get a clean 500 or 503 page. Either way nothing of the save may be
   kept (no half-written save) and the next request must succeed.
2. The relay stops (the database is unreachable): ``/health`` must answer 503 within 1 s,
   and 200 again within a few seconds of the relay coming back.

Exits 1 when a figure misses. Stops only its own gunicorn and relay; terminates only the
backends of its own database.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run_load  # noqa: E402
from checks import (  # noqa: E402
    Database,
    drop_postgres_database,
    judge_crashed_saves,
    recreate_postgres_database,
)
from client import Browser, section_of_tasks, update_form  # noqa: E402
from crash_sqlite import PASSWORD, save_in_background, wait_for_worker  # noqa: E402

DATABASE = "sendplan_crash"

# The save's backend, waiting for the row we hold, and whether it has written history
# rows in its open transaction (it holds that table's write lock only once it has).
WAITING_SAVE = """
    SELECT a.pid, EXISTS (
        SELECT 1 FROM pg_locks l
        WHERE l.pid = a.pid AND l.granted AND l.mode = 'RowExclusiveLock'
        AND l.relation = 'actions_historicalactionstatus'::regclass
    )
    FROM pg_stat_activity a
    WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
    AND a.wait_event_type = 'Lock'
"""


class Relay:
    """A TCP relay to PostgreSQL that can be switched off (dropping every connection)."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = run_load.free_port()
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None

    def start(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(64)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self) -> None:
        for s in [self.listener, *self.sockets]:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
        self.sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


def health(port: int) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/health", headers={"X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def until(port: int, status: int, limit: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if health(port) == status:
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def _wait_for(query: str, params, database_url: str, limit: float = 30, while_alive=None):
    """The first row ``query`` returns within ``limit`` seconds, or while the thread
    ``while_alive`` runs (None: no row came)."""
    deadline = time.monotonic() + limit
    with psycopg.connect(database_url, autocommit=True) as watcher:
        while time.monotonic() < deadline and (while_alive is None or while_alive.is_alive()):
            row = watcher.execute(query, params).fetchone()
            if row:
                return row
            time.sleep(0.02)
    return None


def kill_mid_write(
    *,
    port: int,
    master: int,
    database_url: str,
    browser: Browser,
    path: str,
    rounds: int,
    prefix: str = "crash",
) -> tuple[list[dict], list[str]]:
    """Stop ``rounds`` saves of a lead's whole month (``browser`` is signed in as the lead)
    mid-write and kill them, the worker and the connection in turn; the saves' outcomes
    and the problems seen. Gunicorn ``master`` has one worker, reaching ``database_url``."""
    path = section_of_tasks(browser, path)  # the task list names the page of the forms
    problems = []
    marker = f"{prefix}-calibration"
    data, actions = update_form(browser, path, marker)
    thread, answer = save_in_background(browser, path, data)
    thread.join()
    outcomes = [{"marker": marker, "actions": actions, "answer": answer}]
    if actions < 2:
        return outcomes, [f"the lead leads {actions} action(s): a save needs two to stop mid-way"]
    worker = wait_for_worker(port, master, None)
    for round_ in range(rounds):
        marker = f"{prefix}-{round_:02d}"
        data, actions = update_form(browser, path, marker)
        # The save takes each action in the page's order: hold the last one's row.
        last = [name for name, _ in data if name.endswith("-status")][-1]
        action_id = int(last.removeprefix("action-").removesuffix("-status"))
        with psycopg.connect(database_url) as holder:
            holder.execute("SELECT id FROM actions_action WHERE id = %s FOR UPDATE", [action_id])
            thread, answer = save_in_background(browser, path, data)
            waiting = _wait_for(WAITING_SAVE, [], database_url, while_alive=thread)
            if waiting is None:
                kill = "the save never waited for the held row"
            elif round_ % 2 == 0:
                os.kill(worker, signal.SIGKILL)
                kill = "worker killed"
            else:
                holder.execute("SELECT pg_terminate_backend(%s)", [waiting[0]])
                kill = "connection terminated"
            if waiting is None or not waiting[1]:
                # Either way the save was not caught with its first rows written and not
                # yet committed: a regression that commits each row apart shows here, and
                # its half-written save below.
                problems.append(f"{marker}: the save had no uncommitted rows when it waited")
            else:
                kill += " mid-write"
            holder.rollback()
        thread.join(timeout=60)
        if kill.startswith("worker"):
            worker = wait_for_worker(port, master, worker)
            # The killed worker's backend ends once it finds its client gone.
            gone = _wait_for(
                "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s)",
                [waiting[0]],
                database_url,
            )
            if gone is None:
                problems.append(f"{marker}: the killed worker's connection stayed open")
        elif kill.startswith("connection") and (
            answer.get("status") not in (500, 503) or answer.get("type") != "text/html"
        ):
            problems.append(f"{marker}: the request answered {answer}, not a 500 or 503 page")
        outcomes.append({"marker": marker, "actions": actions, "answer": answer, "kill": kill})
        after = browser.get(path).status_code
        if after != 200:
            problems.append(f"{marker}: the next request after the crash answered {after}")
    return outcomes, problems


def database_down_and_back(port: int, relay: Relay) -> tuple[dict, list[str]]:
    """Stop the relay, then start it again: how soon /health says so."""
    relay.stop()
    figures = {"down_after_s": until(port, 503, 5)}
    relay.start()
    figures["up_after_s"] = until(port, 200, 30)
    problems = []
    if figures["down_after_s"] is None or figures["down_after_s"] > 1.0:
        problems.append(f"/health did not answer 503 within 1 s of the database going: {figures}")
    if figures["up_after_s"] is None:
        problems.append("/health did not answer 200 within 30 s of the database coming back")
    return figures, problems


def unexpected_errors(log: Path, terminated: int) -> list[str]:
    """Problems in gunicorn's log: 5xx answers other than /health while the database was
    away and the ``terminated`` requests, or any "database is locked"."""
    text = log.read_text(errors="replace")
    errors = [
        line
        for line in text.splitlines()
        if line.startswith("ACCESS 5") and '"GET /health ' not in line
    ]
    problems = []
    if len(errors) != terminated:
        problems.append(f"{len(errors)} 5xx answers, {terminated} expected: {errors}")
    if "database is locked" in text:
        problems.append('"database is locked" in the log')
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args(argv)
    server = urlsplit(args.server_url)

    direct_url = recreate_postgres_database(args.server_url, DATABASE)
    dev = {**run_load.production_env(direct_url), "DJANGO_DEBUG": "1"}
    print("crash: migrate and generate 1 area x 2 months on PostgreSQL")
    run_load.manage(dev, "migrate", "--no-input", "-v0")
    run_load.manage(
        dev, "generate_demo_data", "--areas", "1", "--months", "2", "--password", PASSWORD
    )
    lead = Database(direct_url).leads("area01-wsoa")[0]

    relay = Relay((server.hostname or "127.0.0.1", server.port or 5432))
    relay.start()
    relayed = f"postgres://{server.username or 'postgres'}@127.0.0.1:{relay.port}/{DATABASE}"
    env = run_load.production_env(relayed)
    run_load.collect_static(env)
    port = run_load.free_port()
    work = Path(tempfile.mkdtemp(prefix="sendplan-crash-pg-"))
    log = work / "gunicorn.log"
    gunicorn = run_load.start_gunicorn(env, port, workers=1, threads=2, log=log)
    try:
        run_load.wait_for_health(port)
        browser = Browser(port)
        browser.sign_in(lead, PASSWORD)
        outcomes, problems = kill_mid_write(
            port=port,
            master=gunicorn.pid,
            database_url=direct_url,
            browser=browser,
            path="/plans/area01-wsoa/my-updates/",
            rounds=args.rounds,
        )
        figures, down = database_down_and_back(port, relay)
        problems += down
    finally:
        run_load.stop(gunicorn)
        relay.stop()

    lines, judged = judge_crashed_saves(Database(direct_url), outcomes, "crash-")
    terminated = sum(1 for o in outcomes if o.get("kill", "").startswith("connection"))
    problems += judged + unexpected_errors(log, terminated)
    drop_postgres_database(args.server_url, DATABASE)
    print("\n".join(lines))
    print(f"crash (PostgreSQL): the database away and back: {figures}")
    print(f"  gunicorn log: {log}")
    print("crash (PostgreSQL): " + ("; ".join(problems) if problems else "all figures met"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
