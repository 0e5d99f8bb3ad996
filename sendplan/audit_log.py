"""Security events in the application log: who did what, in which area, when and from where.

Call ``log_event(request, "export", plan=plan.slug)`` from any view or service. Every
line carries the event, the user, the area, the UTC time and the client address, as
ASVS 16.2 asks. Never pass passwords, session keys, tokens or narrative text: the
helper refuses field names that look like them, and values are cut short and stripped
of line breaks so that a crafted value cannot forge another log line.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import ipaddress
import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import LazyObject, empty

logger = logging.getLogger("sendplan.audit")

# Field names that must never reach the log, whoever calls log_event.
FORBIDDEN_FIELDS = frozenset(
    {
        "password",
        "token",
        "otp_token",
        "code",
        "session",
        "sessionid",
        "session_key",
        "csrftoken",
        "secret",
        "narrative",
        "text",
        "note",
    }
)
MAX_VALUE_CHARS = 200


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, or None when the request has none (a test client's
    ``force_login``, a management command). Behind ``SENDPLAN_TRUSTED_PROXY_COUNT``
    reverse proxies it is read from X-Forwarded-For, counting that many hops from the
    right (the part the client cannot forge); otherwise it is REMOTE_ADDR. On a request
    that did not come from a load balancer the header is gone already
    (sendplan.middleware.TrustedProxyMiddleware), so it is REMOTE_ADDR too. axes uses it
    too, so a proxy in front of the app does not put every user behind one address, and
    stores it in an address column: anything that is not an address is None."""
    proxies = getattr(settings, "SENDPLAN_TRUSTED_PROXY_COUNT", 0)
    candidate = request.META.get("REMOTE_ADDR", "")
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def _clean(value) -> str:
    text = str(value)
    text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    if len(text) > MAX_VALUE_CHARS:
        text = text[:MAX_VALUE_CHARS] + "…"
    return text


def _user_of(request: HttpRequest | None):
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    return None


def log_event(
    request: HttpRequest | None, event: str, *, user=None, level: int = logging.INFO, **fields
) -> None:
    """Write one line for ``event``. ``user`` overrides the request's user (sign-in
    signals know the user before the request does); ``fields`` are extra key=value
    pairs such as ``plan``, ``path`` or ``status``."""
    bad = FORBIDDEN_FIELDS.intersection(fields)
    if bad:
        raise ValueError(f"log_event must not log {sorted(bad)}")
    user = user or _user_of(request)
    area = getattr(request, "area", None) if request is not None else None
    record = {
        "event": event,
        "user": user.get_username() if user is not None else "-",
        "user_id": user.pk if user is not None else "-",
        "area": getattr(area, "slug", None) or "-",
        "ip": (client_ip(request) if request is not None else None) or "-",
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    record.update(fields)
    line = " ".join(f"{key}={_clean(value)}" for key, value in record.items())
    logger.log(level, line, extra={"sendplan_event": record})


# --- Who, where and from which address, on every log line -------------------------------
# SecurityEventMiddleware sets the request being handled; a log record factory copies its
# user, area and address onto every record made meanwhile, whichever logger makes it (the
# PDF, import and export code log through their own module loggers), and UTCFormatter
# prints them after the message with the time in UTC.

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "sendplan_current_request", default=None
)
_in_factory: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "sendplan_in_log_factory", default=False
)


@contextmanager
def request_context(request: HttpRequest | None):
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def _resolved_user(request: HttpRequest):
    """The request's user if it has been loaded already: logging must not query."""
    user = request.__dict__.get("user")
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            return None
        user = user._wrapped
    return user if getattr(user, "is_authenticated", False) else None


def request_fields() -> dict[str, str]:
    request = _current_request.get()
    if request is None:
        return {}
    user = _resolved_user(request)
    area = getattr(request, "area", None)
    return {
        "user": user.get_username() if user is not None else "-",
        "area": getattr(area, "slug", None) or "-",
        "ip": client_ip(request) or "-",
    }


def install_log_context() -> None:
    """Make every log record carry ``request_fields()`` as ``record.request_context``."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "sendplan", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_context = ""
        if record.name != logger.name and not _in_factory.get():
            token = _in_factory.set(True)
            try:
                fields = request_fields()
            finally:
                _in_factory.reset(token)
            if fields:
                record.request_context = (
                    " [" + " ".join(f"{k}={_clean(v)}" for k, v in fields.items()) + "]"
                )
        return record

    factory.sendplan = True
    logging.setLogRecordFactory(factory)


class UTCFormatter(logging.Formatter):
    """ISO 8601 times in UTC, and the request's user, area and address after the message."""

    converter = time.gmtime

    def __init__(self, fmt=None, datefmt=None, style="%", **kwargs):
        super().__init__(
            fmt or "%(asctime)s %(levelname)s %(name)s %(message)s%(request_context)s",
            datefmt or "%Y-%m-%dT%H:%M:%SZ",
            style,
            **kwargs,
        )

    def format(self, record):
        if not hasattr(record, "request_context"):
            record.request_context = ""
        return super().format(record)
