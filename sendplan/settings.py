"""Settings for sendplan.

Everything that differs between a laptop and production is read from the environment
(see the README's table). Defaults run on SQLite with DEBUG off: the run script sets
DJANGO_DEBUG=1 and a throwaway secret key for development.

Only DJANGO_DEBUG=1 turns protections off here. The test suite turns off what gets in its
way by name in sendplan/test_settings.py, never through a variable these settings read.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Under DEBUG a wrong address still gets the app's 404 page (AppErrorPagesMiddleware);
# 1 shows Django's technical 404 page instead, for working on the URLs.
SENDPLAN_DEBUG_PAGES = env.bool("SENDPLAN_DEBUG_PAGES", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (50 or more random characters), or DJANGO_DEBUG=1 for "
            "development."
        )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "sendplan.apps.SendplanAdminConfig",  # the admin, requiring a verified authenticator
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "import_export",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "sendplan",
    "actions",
    "outcomes",
    "progress",
    "governance",
    "evidence",
    "reports",
    "spreadsheets",
    "public",
    "demo",
]

MIDDLEWARE = [
    # First: the HTTPS redirect and every later address check must not see forwarded
    # headers from anyone but the load balancers.
    "sendplan.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sendplan.middleware.NoStoreWhenSignedInMiddleware",
    "sendplan.middleware.SecurityEventMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sendplan.middleware.SessionLifetimeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before any process_view (CSRF reads the body there), after CSP so a 413 page has it.
    "sendplan.middleware.RequestSizeLimitMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # The app's 404 page under DEBUG too (see its docstring for why here).
    "sendplan.middleware.AppErrorPagesMiddleware",
    # Last, as django-axes asks, so it sees every sign-in after the others have run.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sendplan.urls"


def _plan_page(plan) -> str:
    from django.urls import reverse

    return reverse("reports:plan_detail", kwargs={"plan_slug": plan.slug})


# A plan's page belongs to the reports app, above the core plan: the project, which puts
# the apps together, says where it is (plan.get_absolute_url, the admin's "View on site").
ABSOLUTE_URL_OVERRIDES = {"sendplan.plan": _plan_page}
WSGI_APPLICATION = "sendplan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sendplan.context_processors.sendplan",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------
# SQLite is the zero-set-up default. It is opened in WAL mode with IMMEDIATE transactions
# and a busy timeout so that several workers can write without "database is locked":
# a deferred transaction that reads and then writes cannot be retried by SQLite once
# another writer has gone first, an immediate one waits for the lock up front.
DEFAULT_SQLITE = f"sqlite:///{BASE_DIR / 'var' / 'sendplan.sqlite3'}"
DATABASES = {"default": env.db_url("DATABASE_URL", default=DEFAULT_SQLITE)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
            ),
        }
    )
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database server that stops answering (rather than refusing) would hold a request,
    # /health included, until TCP gives up minutes later: stop trying to connect after 5 s.
    # "?connect_timeout=N" in DATABASE_URL overrides it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # The app's queries are short and indexed. PostgreSQL's JIT compiler only pays off on
    # long analytic queries, and when a table's statistics lag behind (after a bulk
    # import, or rolled-back ones) it compiles even a 1 ms query, for 20 ms or more.
    # "?options=..." in DATABASE_URL replaces this.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "sendplan.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "sendplan.passwords.ContextWordsValidator"},
    # No NumericPasswordValidator: a rule on which characters a password holds is a
    # composition rule, which ASVS 6.2.5 and the NCSC advise against.
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Sessions and cookies --------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(timedelta(minutes=30).total_seconds())
# Idle timeout: a signed-in request renews the session's expiry 30 minutes on, but writes it
# at most once a minute (sendplan.middleware.SessionLifetimeMiddleware): saving it on every
# request would make every page view a database write, which on SQLite takes the one
# write lock. So a session ends between 29 and 30 minutes after its last request.
SESSION_SAVE_EVERY_REQUEST = False
SENDPLAN_SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)  # sendplan.middleware.SessionLifetimeMiddleware
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Internationalisation --------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and media files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("SENDPLAN_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Evidence files ----------------------------------------------------------------------
# Files added as evidence are kept in the "evidence" storage, never under STATIC_ROOT or a
# public media address: only evidence.views.download sends them, to people who may see
# them. By default a folder on this machine; with SENDPLAN_EVIDENCE_S3_BUCKET, an
# S3-compatible bucket that every app server shares (README, "Running in production").
SENDPLAN_EVIDENCE_ROOT = Path(
    env.str("SENDPLAN_EVIDENCE_ROOT", default=str(BASE_DIR / "var" / "evidence"))
)
if env.str("SENDPLAN_EVIDENCE_S3_BUCKET", default=""):
    STORAGES["evidence"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("SENDPLAN_EVIDENCE_S3_BUCKET"),
            "endpoint_url": env.str("SENDPLAN_EVIDENCE_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("SENDPLAN_EVIDENCE_S3_REGION", default="") or None,
            "access_key": env.str("SENDPLAN_EVIDENCE_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("SENDPLAN_EVIDENCE_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("SENDPLAN_EVIDENCE_S3_PREFIX", default="evidence"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    STORAGES["evidence"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(SENDPLAN_EVIDENCE_ROOT), "base_url": "/no-public-url/"},
    }
SENDPLAN_EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
# Each area's space for evidence files, in MB (withdrawn files are kept, so they count).
SENDPLAN_EVIDENCE_QUOTA_BYTES = env.int("SENDPLAN_EVIDENCE_QUOTA_MB", default=2048) * 1024 * 1024

# --- E-mail ----------------------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Where e-mailed links (reminders) point: the address users reach the site at.
# Background work (packs and bundles): django-tasks with its database backend, so the
# queue lives in the app's own database and needs no other server. The worker is
# `manage.py run_worker` (scripts/run starts one beside the server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task still marked running this long after it started is taken to be abandoned by a
# worker that died on another machine, and is queued again when a worker starts.
SENDPLAN_TASK_LEASE_SECONDS = env.int("SENDPLAN_TASK_LEASE_SECONDS", default=1800)
# An action's due month may move this many months beyond its original with a reason
# alone; further needs a change request approved by a programme manager or an assurance
# executive member (issue 19).
SENDPLAN_DUE_DATE_APPROVAL_MONTHS = env.int("SENDPLAN_DUE_DATE_APPROVAL_MONTHS", default=3)

SENDPLAN_BASE_URL = env.str("SENDPLAN_BASE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="sendplan <noreply@localhost>")

# --- Messages shown after a change -----------------------------------------------------
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Audit history ---------------------------------------------------------------------
# The composite (pk, history_date) index keeps as_of()/latest_of_each() fast; it must be
# set before the first migration of every historical table.
SIMPLE_HISTORY_DATE_INDEX = "Composite"
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SENDPLAN_SYSTEM_USERNAME = "sendplan-system"

# --- Import and export -----------------------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
SENDPLAN_IMPORT_MAX_BYTES = 5 * 1024 * 1024
SENDPLAN_IMPORT_MAX_ROWS = 5000
# Uploads nobody confirmed are removed after this many days (clear_stale_imports, daily,
# and on each new upload).
SENDPLAN_IMPORT_KEEP_DAYS = env.int("SENDPLAN_IMPORT_KEEP_DAYS", default=14)
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
# Any larger request body is refused with a 413 before it is read
# (sendplan.middleware.RequestSizeLimitMiddleware).
SENDPLAN_MAX_REQUEST_BYTES = SENDPLAN_IMPORT_MAX_BYTES + 1024 * 1024
# The few addresses that take a larger body (path regex, bytes, the file size to name in
# the 413 page): adding a 20 MB evidence file. A 21 MB file still reaches the form, which
# says what is wrong; anything bigger gets the 413 page.
SENDPLAN_LARGE_REQUESTS = [
    (
        r"^/(plans/[^/]+/evidence/[a-z]+/[0-9]+|areas/[^/]+/decisions/[0-9]+/evidence)/$",
        SENDPLAN_EVIDENCE_MAX_BYTES + 2 * 1024 * 1024,
        SENDPLAN_EVIDENCE_MAX_BYTES,
    )
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# --- Content-Security-Policy -----------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- Login throttling (django-axes) ----------------------------------------------------
# The limits (10 per username and address, 50 per address, in a rolling 5 minutes; locked
# for 15 minutes, never for good) are applied by sendplan.throttling.SendplanAxesHandler
# from axes' failure log, which every app process shares through the database.
AXES_ENABLED = True
AXES_HANDLER = "sendplan.throttling.SendplanAxesHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_FAILURE_LIMIT = 10  # per username and address
SENDPLAN_AXES_ADDRESS_LIMIT = 50  # per address, whatever the usernames
SENDPLAN_AXES_WINDOW = timedelta(minutes=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "sendplan.audit_log.client_ip"
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none, use
# the connection's address). Wrong here means every user shares the proxy's address.
# X-Forwarded-For is read only on a request from SENDPLAN_FORWARDED_ALLOW_IPS (below).
SENDPLAN_TRUSTED_PROXY_COUNT = env.int("SENDPLAN_TRUSTED_PROXY_COUNT", default=0)
AXES_RESET_ON_SUCCESS = True
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# --- Two-factor sign-in (django-otp) ----------------------------------------------------
# Programme managers and site administrators must enter an authenticator code before any
# write or admin page (sendplan.access, sendplan.otp). On by default; DJANGO_DEBUG=1 turns
# it off so that the demo accounts sign in with a password alone.
SENDPLAN_REQUIRE_MFA = env.bool("SENDPLAN_REQUIRE_MFA", default=not DEBUG)
# A first authenticator app is set up with a single-use link a site administrator issues
# (24 hours), after the password: a stolen password alone cannot enrol the thief's phone.
# 1 lets anyone signed in set up a first app with the password alone, as the demo does.
SENDPLAN_MFA_SELF_ENROL = env.bool("SENDPLAN_MFA_SELF_ENROL", default=DEBUG)
OTP_TOTP_ISSUER = "sendplan"
OTP_TOTP_THROTTLE_FACTOR = 1  # after n wrong codes, wait 2**(n-1) seconds
OTP_STATIC_THROTTLE_FACTOR = 1

# --- Security headers ------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The load balancers' addresses or networks, or "*" for any: only a request whose
# connection comes from one of them may say it came over HTTPS (X-Forwarded-Proto) or from
# which address (X-Forwarded-For); sendplan.middleware.TrustedProxyMiddleware drops those
# headers from anyone else. scripts/serve-production gives gunicorn the same list, with the
# same default, as --forwarded-allow-ips, so the two agree on which requests are HTTPS.
SENDPLAN_FORWARDED_ALLOW_IPS = [
    entry.strip()
    for entry in env.list("SENDPLAN_FORWARDED_ALLOW_IPS", default=["127.0.0.1"])
    if entry.strip()
]
for _entry in SENDPLAN_FORWARDED_ALLOW_IPS:
    if _entry != "*":
        try:
            ipaddress.ip_network(_entry)
        except ValueError:
            raise ImproperlyConfigured(
                f"SENDPLAN_FORWARDED_ALLOW_IPS: {_entry!r} is not an address or a network. "
                "Enter the load balancers' addresses or networks, separated by commas, such "
                "as 10.0.0.5,10.0.1.0/24."
            ) from None
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- Logging ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Times in UTC; each line logged during a request ends with its user, area and client
    # address (sendplan.audit_log). Security events are the "sendplan.audit" lines.
    "formatters": {"utc": {"()": "sendplan.audit_log.UTCFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "utc"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "sendplan": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Imports, exports, PDFs and reminders are logged at INFO by their own modules;
        # they reach the console through the root logger.
        **{
            app: {"level": "INFO"}
            for app in (
                "actions",
                "outcomes",
                "progress",
                "governance",
                "reports",
                "spreadsheets",
                "demo",
            )
        },
    },
}
