"""Settings for the test suite: the real settings, then, by name, the protections that
would get in the way of tests turned off and a few speed-ups.

Nothing here is set through the environment: processes the suite starts (gunicorn,
manage.py) run with the settings module they are given, DJANGO_SETTINGS_MODULE=
sendplan.test_settings or the production settings with DJANGO_DEBUG=1, and inherit no
switch from the suite. Tests that check a protection turn it back on with
override_settings (or read the production settings in a new process).
"""

import os
from unittest import mock

# The real settings refuse to load without a secret key unless DJANGO_DEBUG=1; give them
# one while they load, and leave os.environ as it was.
with mock.patch.dict(os.environ, {"DJANGO_SECRET_KEY": "test-settings-only"}):
    from .settings import *  # noqa: F403

SECRET_KEY = "insecure-test-key-the-suite-only"  # noqa: S105

# The test client speaks plain HTTP: no redirect to HTTPS, no HSTS, no Secure or __Host-
# cookies. tests/security checks production's values (tests/security/production.py).
SECURE_SSL_REDIRECT = False
SECURE_PROXY_SSL_HEADER = None
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"

# Tests sign in many times from one address; tests/security/test_login_throttling*.py turn
# throttling on. Two-factor sign-in is turned on by the tests about it (test_mfa.py).
AXES_ENABLED = False
SENDPLAN_REQUIRE_MFA = False
SENDPLAN_MFA_SELF_ENROL = False  # as in production: a first app needs a set-up link

# Pages render {% static %} without collectstatic.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405

# Evidence files go to a folder of this test process's own, removed when its session ends
# (root conftest.py); tests of evidence itself override it with a temporary one.
SENDPLAN_EVIDENCE_ROOT = BASE_DIR / "var" / "test-evidence" / str(os.getpid())  # noqa: F405
STORAGES["evidence"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(SENDPLAN_EVIDENCE_ROOT), "base_url": "/no-public-url/"},
}

# Background tasks run at once, inside the request that enqueues them; the worker itself
# is tested in a process of its own (tests/reports/test_worker_killed.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
