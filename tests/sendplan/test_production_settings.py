"""Production needs only environment variables, and Django's deployment check passes."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SENDPLAN_")) and k != "DATABASE_URL"
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deployment_check_passes_with_only_the_documented_variables(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="sendplan.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _manage(
        "check",
        DJANGO_ALLOWED_HOSTS="sendplan.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


PROTECTIONS = [
    "SENDPLAN_REQUIRE_MFA",
    "AXES_ENABLED",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "STORAGES",
]
# Switches of earlier versions that turned the protections off without DJANGO_DEBUG.
OLD_SWITCHES = {"SENDPLAN_TESTING": "1", "SENDPLAN_AXES_ENABLED": "0"}


def test_the_old_testing_switches_turn_no_protection_off():
    from tests.security.production import settings_with

    plain = settings_with(PROTECTIONS)
    with_old_switches = settings_with(PROTECTIONS, **OLD_SWITCHES)

    assert with_old_switches == plain
    assert plain["SENDPLAN_REQUIRE_MFA"] is True
    assert plain["AXES_ENABLED"] is True
    assert plain["SECURE_SSL_REDIRECT"] is True
    assert plain["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_to_start_without_a_secret_key_whatever_the_old_switches_say():
    from tests.security.production import start_settings

    result = start_settings(PROTECTIONS, DJANGO_SECRET_KEY=None, **OLD_SWITCHES)

    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_the_test_settings_turn_protections_off_by_name_not_through_the_environment():
    from django.conf import settings

    # Processes the suite starts (gunicorn, manage.py) inherit its environment: nothing
    # in it may turn a protection off there.
    assert not {name for name in os.environ if name in OLD_SWITCHES}
    assert settings.AXES_ENABLED is False
    assert settings.SENDPLAN_REQUIRE_MFA is False
