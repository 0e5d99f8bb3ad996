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

from reports.spreadsheet.columns import PLAN_HEADERS

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
    for i in range(4000):
        priority, issue = i // 1000 + 1, (i // 20) % 50 + 1
        rows.append(
            f"{priority}.{issue},Priority {priority},Issue {issue},Inclusion,Action {i},"
            f"Person {i % 30},Dec 2023,,Green,Target {i},Q3 2023/24,Amber"
        )
    source = tmp_path / "plan.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")

    process = subprocess.Popen(
        [*manage, "import_plan", str(source), "--area", "Killed", "--plan", "Killed WSoA"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(8)
    still_running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    assert still_running, "the import finished before it could be killed; use a bigger file"
    assert _counts(database) == before
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
