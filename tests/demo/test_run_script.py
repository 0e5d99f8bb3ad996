"""scripts/run checks its port before it installs anything, and serves the demo with the
background worker beside the server, stopping both together."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[2] / "scripts" / "run"


def run(*args: str, port: str | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin"} | ({"PORT": port} if port is not None else {})
    return subprocess.run(
        ["bash", str(RUN), *args], capture_output=True, text=True, env=env, timeout=10
    )


@pytest.mark.parametrize(
    "args, port", [(("--port", "abc"), None), (("--port=70000",), None), ((), "0"), ((), "80x")]
)
def test_a_bad_port_is_refused_with_a_clear_message_before_anything_runs(args, port):
    refused = run(*args, port=port)

    assert refused.returncode == 2
    assert "is not a port: give a number from 1 to 65535, such as --port 8101." in refused.stderr
    assert "setup:" not in refused.stdout + refused.stderr


def test_an_unknown_argument_and_a_missing_port_are_refused():
    assert "unknown argument '--prot'" in run("--prot", "8101").stderr
    assert "--port needs a number" in run("--port").stderr


def test_help_names_the_port_options():
    shown = run("--help")

    assert shown.returncode == 0
    assert "scripts/run --port 8101" in shown.stdout
    assert "PORT=8101 scripts/run" in shown.stdout


ASK_FOR_A_PACK = """
from governance.models import Forum
from governance.periods import parse_period
from reports.pdf.context import Commentary
from reports.tasks import request_pack
from sendplan.models import User

forum = Forum.objects.get(slug="send-assurance-executive", area__slug="darlington")
request_pack(
    plan=forum.plan, forum=forum, period=parse_period("2023-Q1"), meeting=None,
    user=User.objects.get(username="darlington-pm"), commentary=Commentary("By the worker."),
)
"""
PACK_STATUS = "from reports.models import PackRequest; print(PackRequest.objects.get().status)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker_pids() -> set[int]:
    found = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"run_worker" in cmdline and b"manage.py" in cmdline:
                found.add(int(proc.name))
    return found


@pytest.mark.slow
def test_run_starts_the_worker_beside_the_server_and_stops_both(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "PORT": str(port),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    before = _worker_pids()
    served = subprocess.Popen(
        ["bash", str(RUN)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while True:
            assert served.poll() is None, served.stdout.read()
            assert time.monotonic() < deadline, "the server never answered"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        assert _worker_pids() - before, "no worker runs beside the server"

        manage = [".venv/bin/python", "manage.py", "shell", "-v", "0", "-c"]
        shell_env = {**env, "DJANGO_DEBUG": "1"}
        subprocess.run([*manage, ASK_FOR_A_PACK], env=shell_env, check=True, timeout=120)
        while True:
            status = subprocess.run(
                [*manage, PACK_STATUS],
                env=shell_env,
                check=True,
                timeout=120,
                capture_output=True,
                text=True,
            ).stdout.strip()
            if status == "issued":
                break
            assert status in ("queued", "building"), status
            assert time.monotonic() < deadline, "the worker never issued the pack"
            time.sleep(1)
    finally:
        os.killpg(served.pid, signal.SIGTERM)
        served.wait(timeout=60)
    time.sleep(1)
    assert not (_worker_pids() - before), "the worker outlived the server"
