"""SQLite is set up for several app processes: WAL, IMMEDIATE transactions, a busy timeout.

The settings are checked as production builds them, in a separate process with its own
SQLite file, whatever database the suite itself runs on.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, sys, threading, time
import django
django.setup()
from django.db import connection, connections, transaction

mode = sys.argv[1]
if mode == "deferred":
    connections.settings["default"]["OPTIONS"]["transaction_mode"] = None

with connection.cursor() as cursor:
    pragmas = {
        name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")
    }
    cursor.execute("CREATE TABLE IF NOT EXISTS counter (n INTEGER NOT NULL)")
connection.ensure_connection()
transaction_mode = connection.transaction_mode
atomic_requests = connection.settings_dict["ATOMIC_REQUESTS"]
connection.close()

errors = []

def writer():
    # Read, then write, in one transaction: the pattern of every service that checks a
    # version before saving. A deferred transaction starts as a reader and cannot wait
    # for the write lock without a deadlock, so SQLite refuses at once.
    try:
        for _ in range(25):
            try:
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        n = cursor.execute("SELECT COALESCE(MAX(n), 0) FROM counter").fetchone()[0]
                        time.sleep(0.002)
                        cursor.execute("INSERT INTO counter (n) VALUES (%s)", [n + 1])
            except Exception as exc:
                errors.append(str(exc))
    finally:
        connection.close()

threads = [threading.Thread(target=writer) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
with connection.cursor() as cursor:
    rows, top = cursor.execute("SELECT COUNT(*), MAX(n) FROM counter").fetchone()
print(json.dumps({"pragmas": pragmas, "transaction_mode": transaction_mode,
                  "atomic_requests": atomic_requests, "errors": errors,
                  "rows": rows, "max": top}))
"""


def _run(tmp_path, mode):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SENDPLAN_")) and k != "DATABASE_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "sendplan.settings",
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "sendplan.example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'concurrency.sqlite3'}",
        }
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def immediate(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("sqlite"), "immediate")


def test_each_sqlite_connection_gets_wal_a_busy_timeout_and_immediate_transactions(immediate):
    result = immediate
    assert result["pragmas"] == {
        "journal_mode": "wal",
        "busy_timeout": 20000,
        "foreign_keys": 1,
        "synchronous": 1,  # NORMAL: safe with WAL, and fewer fsyncs
    }
    assert result["transaction_mode"] == "IMMEDIATE"
    # A request-wide transaction would hold SQLite's one write lock for the whole of every
    # request, read-only pages included, so requests are not wrapped in one.
    assert result["atomic_requests"] is False


def test_concurrent_writers_wait_their_turn_instead_of_failing(immediate):
    result = immediate
    assert result["errors"] == []
    assert result["rows"] == 100
    assert result["max"] == 100  # no two writers read the same value: nothing lost


@pytest.mark.slow
def test_without_immediate_transactions_the_same_writers_hit_database_is_locked(tmp_path):
    # The control: this is the failure the IMMEDIATE setting exists to prevent.
    result = _run(tmp_path, "deferred")
    assert any("database is locked" in error for error in result["errors"])
