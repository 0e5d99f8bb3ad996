"""Reliability figure F14: an import killed part-way through its confirmation leaves no
partial rows, because the whole import is one transaction."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from spreadsheets.columns import PLAN_HEADERS

# The import command, held once it has written the plan's actions and their leads (each
# with its history rows) and before it writes the rest or commits: the test kills it
# there, however fast the import has become.
HELD_IMPORT = """
import os, sys, time
import django

django.setup()
from spreadsheets.writing import changes

create_with_history = changes.create_with_history


def create_and_hold(objs, model, **kwargs):
    create_with_history(objs, model, **kwargs)
    if model._meta.model_name == "actionlead":
        open(os.environ["IMPORT_HELD"], "w").close()
        time.sleep(600)


changes.create_with_history = create_and_hold
from django.core.management import execute_from_command_line

execute_from_command_line(["manage.py", *sys.argv[1:]])
"""

pytestmark = pytest.mark.slow


def _counts(path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: connection.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


def test_an_import_killed_part_way_through_leaves_no_partial_rows(tmp_path):
    database = tmp_path / "killed.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sendplan.test_settings",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, timeout=600)
    before = _counts(database)
    rows = [",".join(PLAN_HEADERS)]
    for i in range(2000):
        priority, issue = i // 1000 + 1, (i // 20) % 50 + 1
        rows.append(
            f"{priority}.{issue},Priority {priority},Issue {issue},Inclusion,Action {i},"
            f"Person {i % 30},Dec 2023,,Green,Target {i},Q3 2023/24,Amber"
        )
    source = tmp_path / "plan.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")

    held = tmp_path / "held"

    process = subprocess.Popen(
        [sys.executable, "-c", HELD_IMPORT, "import_plan", str(source), "--area", "Killed"]
        + ["--plan", "Killed WSoA"],
        env={**env, "IMPORT_HELD": str(held)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while not held.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    still_running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    assert held.exists(), "the import never reached the writing of action leads"
    assert still_running
    assert _counts(database) == before
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
