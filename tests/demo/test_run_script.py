"""scripts/run checks its port before it installs anything (the serving itself is tried by
hand: it installs, migrates and seeds)."""

import subprocess
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
