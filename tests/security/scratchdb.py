"""Fresh databases outside the test database, on the suite's own backend, for tests that
run the app in other processes: migrate from empty, two app servers, backup and restore.

The suite runs on SQLite, or on PostgreSQL when DATABASE_URL names one (as .ci/run does
for its second pass); a scratch database is a file, or a database created next to the
suite's and dropped afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from .production import ROOT, clean_env


def backend() -> str:
    engine = settings.DATABASES["default"]["ENGINE"]
    return "postgresql" if "postgresql" in engine else "sqlite"


def _postgres_admin_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/postgres"))


def _postgres_execute(sql: str) -> None:
    import psycopg

    with psycopg.connect(_postgres_admin_url(), autocommit=True) as conn:
        conn.execute(sql)


@contextmanager
def scratch_database(tmp_path: Path, label: str = "scratch"):
    """Yield the DATABASE_URL of a new, empty database; remove it afterwards."""
    if backend() == "sqlite":
        yield f"sqlite:///{tmp_path / f'{label}.sqlite3'}"
        return
    name = f"sendplan_{label}_{uuid.uuid4().hex[:10]}"
    _postgres_execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(os.environ["DATABASE_URL"])
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        _postgres_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def app_env(database_url: str, **extra) -> dict:
    """The environment of a development app process on ``database_url``."""
    return clean_env(
        DJANGO_SETTINGS_MODULE="sendplan.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=database_url,
        PYTHONPATH=str(ROOT),
        **extra,
    )


def manage(database_url: str, *args: str, timeout: int = 600, **extra):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=app_env(database_url, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
