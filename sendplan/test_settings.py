"""Settings for the test suite: the real settings with test speed-ups only."""

import os

os.environ.setdefault("SENDPLAN_TESTING", "1")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
