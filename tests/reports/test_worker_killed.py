"""The background worker killed while it builds a pack: started again, it finishes the
pack, and exactly one pack is issued (`manage.py run_worker`, sendplan/background.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.slow

# The worker, held inside the pack's build (before anything is saved) until it is killed.
HELD_WORKER = """
import os, sys, time
import django

django.setup()
import reports.services

def held_build(**kwargs):
    open(os.environ["BUILD_HELD"], "w").close()
    time.sleep(600)

reports.services.build_report = held_build
from django.core.management import execute_from_command_line

execute_from_command_line(["manage.py", *sys.argv[1:]])
"""

ASK_FOR_A_PACK = """
from governance.models import Forum
from governance.periods import parse_period
from reports.pdf.context import Commentary
from reports.tasks import request_pack
from sendplan.models import User

forum = Forum.objects.get(slug="send-assurance-executive", area__slug="darlington")
request_pack(
    plan=forum.plan, forum=forum, period=parse_period("2023-Q1"), meeting=None,
    user=User.objects.get(username="darlington-pm"), commentary=Commentary("Killed once."),
)
"""

REPORT = """
from reports.models import IssuedReport, PackRequest
r = PackRequest.objects.get()
linked = r.report_id == IssuedReport.objects.get().pk if r.report_id else None
print(r.status, r.attempts, IssuedReport.objects.count(), linked)
"""


def _run(manage, env, *args, timeout=600):
    return subprocess.run(
        [*manage, *args], env=env, check=True, timeout=timeout, capture_output=True, text=True
    ).stdout


def test_a_worker_killed_mid_build_is_started_again_and_finishes_the_pack(tmp_path):
    env = {
        **os.environ,
        # The real settings (tasks go through the database queue), as scripts/run has them.
        "DJANGO_SETTINGS_MODULE": "sendplan.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "BUILD_HELD": str(tmp_path / "held"),
    }
    manage = [sys.executable, "manage.py"]
    _run(manage, env, "migrate", "-v", "0")
    _run(manage, env, "seed_demo")
    _run(manage, env, "shell", "-v", "0", "-c", ASK_FOR_A_PACK)
    assert _run(manage, env, "shell", "-v", "0", "-c", REPORT).split() == [
        "queued",
        "0",
        "0",
        "None",
    ]

    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            HELD_WORKER,
            "run_worker",
            "--no-startup-delay",
            "--interval",
            "0.2",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "held").exists():
            assert worker.poll() is None, "the worker stopped before it took the task"
            assert time.monotonic() < deadline, "the worker never took the task"
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    assert _run(manage, env, "shell", "-v", "0", "-c", REPORT).split() == [
        "building",
        "1",
        "0",
        "None",
    ]

    # Started again (here until the queue is empty), it takes the abandoned task back.
    out = _run(manage, env, "run_worker", "--batch", "--no-startup-delay")
    assert "Queued again 1 task(s) a stopped worker left running." in out
    assert _run(manage, env, "shell", "-v", "0", "-c", REPORT).split() == [
        "issued",
        "2",
        "1",
        "True",
    ]
