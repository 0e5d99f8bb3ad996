"""DATABASE_URL decides the database; PostgreSQL connections are kept, checked and bounded."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({k: db.get(k) for k in
      ("ENGINE", "NAME", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "ATOMIC_REQUESTS", "OPTIONS")}))
"""


def _settings(url):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SENDPLAN_")) and k != "DATABASE_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "sendplan.settings",
            "DJANGO_SECRET_KEY": "x" * 50,
            "DATABASE_URL": url,
        }
    )
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_postgresql_connections_are_kept_checked_and_give_up_connecting_after_5_seconds():
    db = _settings("postgres://sendplan:secret@db.example.org:5432/sendplan")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["NAME"] == "sendplan"
    assert db["CONN_MAX_AGE"] == 60
    assert db["CONN_HEALTH_CHECKS"] is True
    assert db["ATOMIC_REQUESTS"] is False
    assert db["OPTIONS"]["connect_timeout"] == 5


def test_the_database_url_can_set_its_own_connect_timeout():
    db = _settings("postgres://sendplan@db.example.org/sendplan?connect_timeout=2")
    assert str(db["OPTIONS"]["connect_timeout"]) == "2"


def test_postgresql_connections_turn_the_jit_compiler_off_unless_the_url_says_otherwise():
    db = _settings("postgres://sendplan@db.example.org/sendplan")
    assert db["OPTIONS"]["options"] == "-c jit=off"
    own = _settings("postgres://sendplan@db.example.org/sendplan?options=-c%20work_mem%3D8MB")
    assert own["OPTIONS"]["options"] == "-c work_mem=8MB"


def test_a_postgresql_connection_really_runs_without_jit(db):
    import pytest
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no JIT compiler")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
