"""The settings production runs with, read in a subprocess from only the documented
environment variables (as tests/sendplan/test_production_settings.py does)."""

from __future__ import annotations

import functools
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

NAMES = [
    "DEBUG",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_AGE",
    "SESSION_SAVE_EVERY_REQUEST",
    "SENDPLAN_SESSION_RENEW_SECONDS",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "CSRF_COOKIE_NAME",
    "SENDPLAN_REQUIRE_MFA",
    "SENDPLAN_MFA_SELF_ENROL",
    "AXES_ENABLED",
    "SENDPLAN_FORWARDED_ALLOW_IPS",
]


def clean_env(**overrides) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SENDPLAN_")) and k != "DATABASE_URL"
    }
    env.update(overrides)
    return env


def start_settings(names=NAMES, **env) -> subprocess.CompletedProcess:
    """Load sendplan.settings in a new process with the production variables and ``env``
    (a value of None leaves that variable out), printing the settings ``names`` as JSON."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    with tempfile.TemporaryDirectory() as tmp:
        variables = {
            "DJANGO_SETTINGS_MODULE": "sendplan.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "sendplan.example.org",
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
            **env,
        }
        return subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=clean_env(**{k: v for k, v in variables.items() if v is not None}),
            capture_output=True,
            text=True,
            timeout=120,
        )


def settings_with(names=NAMES, **env) -> dict:
    result = start_settings(names, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@functools.cache
def production_settings() -> dict:
    return settings_with()


def security_overrides() -> dict:
    """The header and cookie settings of production, for override_settings in a sweep."""
    prod = production_settings()
    return {
        name: prod[name]
        for name in NAMES
        if name.startswith(("SECURE_HSTS", "SECURE_CONTENT", "SECURE_REF", "SECURE_CROSS"))
    }
