"""F26: dependencies. The lock file has Django 5.2 (newest checked by
scripts/audit-dependencies, which runs pip-audit with --strict in CI), WeasyPrint 70 or
later (CVE-2025-68616), defusedxml, and no bleach (deprecated: nh3 sanitises)."""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The newest Django 5.2 when this was written; scripts/audit-dependencies asks the index.
NEWEST_KNOWN_DJANGO = (5, 2, 19)


def locked() -> dict[str, str]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    return {package["name"]: package["version"] for package in lock["package"]}


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".") if part.isdigit())


def test_django_is_a_recent_5_2_release():
    django = version(locked()["django"])

    assert django[:2] == (5, 2)
    assert django >= NEWEST_KNOWN_DJANGO


def test_weasyprint_is_70_or_later():
    assert version(locked()["weasyprint"]) >= (70,)


def test_defusedxml_is_there_and_bleach_is_not():
    packages = locked()

    assert "defusedxml" in packages
    assert "bleach" not in packages
    assert "nh3" in packages


def test_pip_audit_is_in_the_lock_and_the_audit_script_runs_it_strictly():
    script = ROOT / "scripts" / "audit-dependencies"

    assert "pip-audit" in locked()
    assert os.access(script, os.X_OK)
    text = script.read_text()
    assert "--strict" in text
    assert "uv export --format requirements-txt" in text


def test_accepted_vulnerabilities_have_not_expired():
    today = dt.date.today()
    for line in (ROOT / "docs/security/pip-audit-exceptions.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        vuln_id, expires, *reason = line.split()
        assert dt.date.fromisoformat(expires) >= today, f"{vuln_id} expired on {expires}"
        assert reason, f"{vuln_id} needs a reason"
