#!/usr/bin/env python3
"""Kill PostgreSQL connections under a running server, and take the database away.

    loadtest/crash_postgres.py [--server-url postgres://postgres@127.0.0.1:5432]

On its own database (``sendplan_crash``, made afresh on that server: 1 generated area,
2 months) it starts gunicorn reaching PostgreSQL through a small TCP relay of its own, so
"the database is down" can be staged without touching the shared server. Then:

1. ``pg_terminate_backend`` during a request (the request is held on a table lock first,
   so the kill lands mid-request): that request must get a clean 500 or 503 page, and the
   next request must succeed.
2. The relay stops (the database is unreachable): ``/health`` must answer 503 within 1 s,
   and 200 again within a few seconds of the relay coming back.

Exits 1 when a figure misses. Stops only its own gunicorn and relay; terminates only the
backends of its own database.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

import run_load  # noqa: E402
from client import Browser  # noqa: E402
from crash_sqlite import PASSWORD  # noqa: E402

DATABASE = "sendplan_crash"


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server-url", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args(argv)
    server = urlsplit(args.server_url)
    admin_url = f"{args.server_url}/postgres"
    direct_url = f"{args.server_url}/{DATABASE}"

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(DATABASE)))  # fmt: skip
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    dev = {**run_load.production_env(direct_url), "DJANGO_DEBUG": "1"}
    print("crash: migrate and generate 1 area x 2 months on PostgreSQL")
    run_load.manage(dev, "migrate", "--no-input", "-v0")
    run_load.manage(
        dev, "generate_demo_data", "--areas", "1", "--months", "2", "--password", PASSWORD
    )

    relay = Relay((server.hostname or "127.0.0.1", server.port or 5432))
    relay.start()
    relayed = f"postgres://{server.username or 'postgres'}@127.0.0.1:{relay.port}/{DATABASE}"
    env = run_load.production_env(relayed)
    run_load.collect_static(env)
    port = run_load.free_port()
    work = Path(tempfile.mkdtemp(prefix="sendplan-crash-pg-"))
    gunicorn = run_load.start_gunicorn(env, port, workers=1, threads=2, log=work / "gunicorn.log")
    figures: dict = {}
    try:
        run_load.wait_for_health(port)
        browser = Browser(port)
        browser.sign_in("area01-lead1", PASSWORD)
        plan_page = "/plans/area01-wsoa/"
        figures["before"] = browser.get(plan_page).status_code

        # 1. Kill the connection of a request while the request is waiting on it.
        answer = {}
        with psycopg.connect(direct_url) as locker:
            locker.execute("LOCK TABLE django_session IN ACCESS EXCLUSIVE MODE")
            thread = threading.Thread(target=lambda: answer.update(response=browser.get(plan_page)))
            thread.start()
            killed = None
            for _ in range(200):
                row = locker.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
                    [DATABASE],
                ).fetchone()
                if row:
                    killed = row[0]
                    locker.execute("SELECT pg_terminate_backend(%s)", [killed])
                    break
                time.sleep(0.05)
            locker.rollback()
        thread.join(timeout=60)
        response = answer.get("response")
        figures["terminated_backend"] = killed
        figures["during"] = response.status_code if response is not None else None
        figures["during_is_a_page"] = bool(
            response is not None and response.headers.get("Content-Type", "").startswith("text/")
        )
        figures["after"] = browser.get(plan_page).status_code

        # 2. The database goes away, then comes back.
        relay.stop()
        figures["down_after_s"] = until(port, 503, 5)
        relay.start()
        figures["up_after_s"] = until(port, 200, 30)
    finally:
        run_load.stop(gunicorn)
        relay.stop()

    print(f"crash (PostgreSQL): {figures}")
    print(f"  gunicorn log: {work / 'gunicorn.log'}")
    ok = (
        figures["before"] == 200
        and figures["terminated_backend"] is not None
        and figures["during"] in (500, 503)
        and figures["during_is_a_page"]
        and figures["after"] == 200
        and figures["down_after_s"] is not None
        and figures["down_after_s"] <= 1.0
        and figures["up_after_s"] is not None
    )
    print("crash (PostgreSQL): " + ("all figures met" if ok else "MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
