"""Two app servers behind a load balancer behave as one.

The monthly update story (tests/browser/test_monthly_update.py) runs again here, but
chromium talks to a round-robin balancer in front of two gunicorn processes on different
ports, sharing one database: every request goes to the other server than the one before,
so a lead signs in on one, saves on the other, and so on. Nothing about a user may live
in one process for it to pass. The servers use the suite's settings (the factories' users
and password hashing) and the suite's database, so this needs PostgreSQL: an SQLite test
database lives in the test process's memory.
"""

import http.client
import itertools
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import override_settings

from tests.browser.test_monthly_update import (  # noqa: F401 - run again, on two servers
    monthly,
    test_a_lead_updates_the_month_and_the_programme_manager_sees_it_submitted,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "trailer"}


def _free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Balancer(ThreadingHTTPServer):
    """Sends each request to the next server in turn and counts who served what."""

    daemon_threads = True

    def __init__(self, ports):
        self.ports = ports
        self.turn = itertools.cycle(ports)
        self.lock = threading.Lock()
        self.served = Counter()
        super().__init__(("127.0.0.1", 0), _Forward)

    def next_port(self, method):
        with self.lock:
            port = next(self.turn)
            self.served[(port, method)] += 1
            return port


class _Forward(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _forward(self):
        port = self.server.next_port(self.command)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        upstream.request(self.command, self.path, body=body, headers=headers)
        response = upstream.getresponse()
        content = response.read()
        self.send_response(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)
        upstream.close()

    do_GET = do_POST = do_HEAD = _forward

    def log_message(self, *args):
        pass


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait(port):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn on {port} did not start")


class TwoServers:
    def __init__(self, url, balancer):
        self.url = url
        self.balancer = balancer
        # What pytest-django's live_server helper switches on and off around each test.
        self._live_server_modified_settings = override_settings()


@pytest.fixture
def live_server(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("two servers share the suite's database only on PostgreSQL")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SENDPLAN_"))},
        "DJANGO_SETTINGS_MODULE": "sendplan.test_settings",
        "DATABASE_URL": _database_url(),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "sendplan.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=(tmp_path / f"gunicorn-{port}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        for port in ports
    ]
    balancer = Balancer(ports)
    threading.Thread(target=balancer.serve_forever, daemon=True).start()
    try:
        for port in ports:
            _wait(port)
        balancer.served.clear()
        yield TwoServers(f"http://localhost:{balancer.server_address[1]}", balancer)
        served = balancer.served
        print(f"requests served per (port, method): {dict(served)}")
        for port in ports:
            # Both servers took part in reading and in writing.
            assert served[(port, "GET")] > 0 and served[(port, "POST")] > 0, dict(served)
    finally:
        balancer.shutdown()
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
