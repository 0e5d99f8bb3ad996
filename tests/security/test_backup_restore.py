"""F20: scripts/backup and scripts/restore. A backup restored into an empty database has
the same rows in every table, history included, and exports a byte-identical plan; a
backup taken while the app writes restores to a consistent database."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
import time
import zipfile

import pytest

from .production import ROOT
from .scratchdb import app_env, backend, scratch_database

pytestmark = pytest.mark.slow
PLAN = "darlington-wsoa-2023"


def run_script(name: str, database_url: str, *args: str):
    return subprocess.run(
        [str(ROOT / "scripts" / name), *args],
        cwd=ROOT,
        env=app_env(database_url),
        capture_output=True,
        text=True,
        timeout=300,
    )


SNAPSHOT = """
import base64, json, django
django.setup()
from django.db import connection
from spreadsheets.services import export_plan
from sendplan.models import Plan
counts = {}
with connection.cursor() as cursor:
    for table in connection.introspection.table_names():
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
plan = Plan.objects.get(slug="%s")
exports = {
    fmt: base64.b64encode(export_plan(plan=plan, fmt=fmt)).decode() for fmt in ("csv", "xlsx")
}
print(json.dumps({"counts": counts, "exports": exports}))
"""


def snapshot(database_url: str) -> tuple[dict[str, int], dict[str, bytes]]:
    """Row counts of every table, and the plan exported as CSV and XLSX (one process)."""
    result = subprocess.run(
        [sys.executable, "-c", SNAPSHOT % PLAN],
        cwd=ROOT,
        env=app_env(database_url),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return data["counts"], {k: base64.b64decode(v) for k, v in data["exports"].items()}


def xlsx_parts(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"
        }


def test_a_restored_backup_has_every_row_and_exports_the_same_plan(seeded_scratch, tmp_path):
    source = seeded_scratch.url
    assert seeded_scratch.seeded is not None and seeded_scratch.seeded.returncode == 0
    backup_file = tmp_path / "sendplan.backup"

    made = run_script("backup", source, str(backup_file))
    assert made.returncode == 0, made.stderr

    with scratch_database(tmp_path, "restored") as target:
        restored = run_script("restore", target, str(backup_file))
        assert restored.returncode == 0, restored.stderr

        (before, original), (after, copy) = snapshot(source), snapshot(target)
        history_tables = [t for t in before if "historical" in t]
        assert len(history_tables) >= 20
        assert sum(before[t] for t in history_tables) > 100  # the demo's history is there
        assert after == before

        assert copy["csv"] == original["csv"]
        # An XLSX file is a zip whose entries carry the time it was written, and whose
        # docProps/core.xml holds that time too; everything else must be byte-identical.
        assert xlsx_parts(copy["xlsx"]) == xlsx_parts(original["xlsx"])


def test_restore_refuses_to_write_over_a_database_with_tables(seeded_scratch, tmp_path):
    backup_file = tmp_path / "sendplan.backup"
    assert run_script("backup", seeded_scratch.url, str(backup_file)).returncode == 0

    refused = run_script("restore", seeded_scratch.url, str(backup_file))

    assert refused.returncode != 0
    assert "restore into a new" in refused.stderr


WRITER = """
import django, sys
django.setup()
from django.db import transaction
from actions.models import Action
from sendplan.models import User
user = User.objects.get(username="darlington-pm")
action = Action.objects.filter(plan__slug="{plan}").order_by("pk").first()
for n in range(100000):
    # As the services write: the row and its history row in one transaction (without it,
    # simple-history's row commits after the change and a copy can fall between the two).
    with transaction.atomic():
        action.text = f"Edited while backing up, round {{n}}"
        action._history_user = user
        action.save()
    print(n, flush=True)
"""


def test_a_backup_taken_while_the_app_writes_restores_consistently(seeded_scratch, tmp_path):
    """The copy is one moment of the database: the action's text equals its latest
    history row, whatever round the writer had reached."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER.format(plan=PLAN)],
        cwd=ROOT,
        env=app_env(seeded_scratch.url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline(), writer.stderr.read()  # the writer is writing
        backup_file = tmp_path / "during-writes.backup"
        made = run_script("backup", seeded_scratch.url, str(backup_file))
        time.sleep(0.2)
        assert writer.poll() is None, "the writer stopped: " + writer.stderr.read()
    finally:
        writer.kill()
        writer.wait()
    assert made.returncode == 0, made.stderr

    with scratch_database(tmp_path, "during") as target:
        assert run_script("restore", target, str(backup_file)).returncode == 0
        check = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup()\n"
                "from actions.models import Action\n"
                f"a = Action.objects.filter(plan__slug='{PLAN}').order_by('pk').first()\n"
                "h = a.history.order_by('-history_date', '-history_id').first()\n"
                "print(a.text == h.text, a.text)",
            ],
            cwd=ROOT,
            env=app_env(target),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("True Edited while backing up"), check.stdout
    assert backend() in ("sqlite", "postgresql")
