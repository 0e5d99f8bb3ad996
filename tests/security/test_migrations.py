"""F21: the migrations build a working database from nothing, on SQLite and PostgreSQL,
and no model change is missing its migration."""

from __future__ import annotations

import pytest

from .scratchdb import backend, manage

pytestmark = pytest.mark.slow


def test_migrate_builds_a_database_from_empty(seeded_scratch):
    result = seeded_scratch.migrated

    assert result.returncode == 0, result.stderr[-3000:]
    shown = manage(seeded_scratch.url, "showmigrations", "--plan")
    assert shown.returncode == 0, shown.stderr
    assert "[X]" in shown.stdout
    assert "[ ]" not in shown.stdout, f"unapplied on {backend()}: {shown.stdout}"


def test_the_migrated_database_takes_the_demo_data(seeded_scratch):
    assert seeded_scratch.seeded is not None
    assert seeded_scratch.seeded.returncode == 0, seeded_scratch.seeded.stderr[-3000:]


def test_no_model_change_is_missing_a_migration(seeded_scratch):
    result = manage(seeded_scratch.url, "makemigrations", "--check", "--dry-run")

    assert result.returncode == 0, result.stdout + result.stderr
