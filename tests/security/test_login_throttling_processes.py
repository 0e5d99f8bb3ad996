"""F8 across processes: two app servers on one database share the failure count, so
alternating between them gains an attacker nothing."""

from __future__ import annotations

import http.cookiejar
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .production import ROOT
from .scratchdb import app_env

pytestmark = pytest.mark.slow
DEMO_PASSWORD = "sendplan-demo-2023"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database_url: str, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "sendplan.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=app_env(database_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _ in range(150):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(server.stderr.read().decode()) from None
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the app server did not start")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(port: int, username: str, password: str) -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    base = f"http://127.0.0.1:{port}"
    page = opener.open(f"{base}/sign-in/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    try:
        return opener.open(f"{base}/sign-in/", data=data, timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


def test_two_app_processes_share_the_lockout(seeded_scratch):
    assert seeded_scratch.seeded is not None and seeded_scratch.seeded.returncode == 0
    ports = [free_port(), free_port()]
    servers = [start_server(seeded_scratch.url, port) for port in ports]
    try:
        assert sign_in(ports[0], "darlington-viewer", DEMO_PASSWORD) == 302
        statuses = [sign_in(ports[n % 2], "darlington-lead", "not the password") for n in range(10)]

        assert statuses == [200] * 9 + [429]
        assert sign_in(ports[0], "darlington-lead", DEMO_PASSWORD) == 429
        assert sign_in(ports[1], "darlington-lead", DEMO_PASSWORD) == 429
        assert sign_in(ports[1], "darlington-lead2", DEMO_PASSWORD) == 302
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
