"""Security middleware of our own. Their places in settings.MIDDLEWARE matter; each says why."""

from __future__ import annotations

import functools
import ipaddress
import logging
import re
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, get_resolver, resolve, reverse
from django.utils.cache import patch_cache_control

from .access import VerificationRequired
from .audit_log import log_event, request_context
from .security_signals import RENEWED_AT, SIGNED_IN_AT

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _networks(allowed: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry) for entry in allowed if entry != "*")


def from_load_balancer(request: HttpRequest) -> bool:
    """Whether the request's connection comes from an address in
    SENDPLAN_FORWARDED_ALLOW_IPS, by gunicorn's rule for --forwarded-allow-ips: an entry
    "*" allows any, and a connection with no address (a Unix socket) is allowed."""
    allowed = tuple(settings.SENDPLAN_FORWARDED_ALLOW_IPS)
    remote_addr = request.META.get("REMOTE_ADDR") or ""
    if "*" in allowed or not remote_addr:
        return True
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    return any(address in network for network in _networks(allowed))


class TrustedProxyMiddleware:
    """Drops X-Forwarded-Proto and X-Forwarded-For from a request that does not come from
    a load balancer named in SENDPLAN_FORWARDED_ALLOW_IPS. Otherwise anyone reaching the
    app server could say a plain HTTP request came over HTTPS (SECURE_PROXY_SSL_HEADER), so
    that it is not redirected, or give another client address (sign-in throttling and the
    logs, sendplan.audit_log.client_ip). Such a request is then what it is: plain HTTP
    from its own address. First in MIDDLEWARE, before SecurityMiddleware redirects plain
    HTTP to HTTPS."""

    FORWARDED = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not from_load_balancer(request):
            for name in self.FORWARDED:
                request.META.pop(name, None)
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuses a request body larger than ``SENDPLAN_MAX_REQUEST_BYTES`` with a 413 page,
    before anything reads it: a 20 MB upload is answered at once and nothing is written
    to disk. It must come before CsrfViewMiddleware, which reads the body of every POST.
    Django's own DATA_UPLOAD_MAX_MEMORY_SIZE leaves file parts out of its count. The few
    addresses of ``SENDPLAN_LARGE_REQUESTS`` (adding an evidence file) take a larger body,
    and only they."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.SENDPLAN_MAX_REQUEST_BYTES
        named = settings.SENDPLAN_IMPORT_MAX_BYTES
        for pattern, larger, file_bytes in settings.SENDPLAN_LARGE_REQUESTS:
            if re.match(pattern, request.path_info):
                limit, named = larger, file_bytes
                break
        if length > limit:
            log_event(request, "request_too_large", path=request.path, bytes=length)
            response = render(
                request,
                "413.html",
                {"limit_mb": named // (1024 * 1024)},
                status=413,
            )
            # The body was not read; the server must not try to read the next request
            # from the rest of it.
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class NoStoreWhenSignedInMiddleware:
    """Tells browsers and proxies not to keep any page shown to a signed-in user (plans
    hold information about children's services). Outermost, so it sees the final
    response of every view, error page and lockout page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class SessionLifetimeMiddleware:
    """Ends a session ``SESSION_ABSOLUTE_LIFETIME`` after sign-in, however active it has
    been, and keeps the idle timeout (SESSION_COOKIE_AGE) rolling: a request renews the
    session when it was last renewed ``SENDPLAN_SESSION_RENEW_SECONDS`` or more ago, so
    reading pages does not write to the database on every request. A session with no
    sign-in time (made before this check existed) is ended too. It runs after
    AuthenticationMiddleware and before LoginRequiredMiddleware, which then sends the now
    anonymous request to the sign-in page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            lifetime = settings.SESSION_ABSOLUTE_LIFETIME.total_seconds()
            now = time.time()
            if not isinstance(signed_in_at, int) or now - signed_in_at > lifetime:
                log_event(request, "session_expired", user=user)
                logout(request)
            else:
                renewed_at = request.session.get(RENEWED_AT)
                every = settings.SENDPLAN_SESSION_RENEW_SECONDS
                if not isinstance(renewed_at, int) or now - renewed_at >= every:
                    # Changing the session saves it, with a new expiry, after the view.
                    request.session[RENEWED_AT] = int(now)
        return self.get_response(request)


class SecurityEventMiddleware:
    """Logs every refusal (403, 429) with who, where and from which address, puts the
    request in the log context (sendplan.audit_log) for every line logged meanwhile, and
    turns ``VerificationRequired`` (a programme manager or administrator without a
    verified authenticator asking for a write page) into a redirect to the code page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_context(request):
            response = self.get_response(request)
            self._log_refusal(request, response)
        return response

    def _log_refusal(self, request: HttpRequest, response: HttpResponse) -> None:
        if response.status_code in (403, 429):
            log_event(
                request,
                "refused",
                level=logging.WARNING,
                status=response.status_code,
                method=request.method,
                path=request.path,
            )

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, VerificationRequired):
            log_event(request, "verification_required", path=request.path)
            url = reverse("otp_verify") + "?" + urlencode({"next": request.get_full_path()})
            return redirect(url)
        return None


class AppErrorPagesMiddleware:
    """The app's own 404 page for a wrong address, with DEBUG on too.

    With DEBUG on, Django answers an unknown address or an ``Http404`` with its technical
    page (``django.views.debug.technical_404_response``: the URL patterns, the settings
    file), which newcomers to the demo (``scripts/run`` runs with DEBUG) should not meet.
    This answers both with ``handler404``, as production does; set SENDPLAN_DEBUG_PAGES=1
    for Django's page. With DEBUG off it does nothing. A ``PermissionDenied`` needs nothing
    here: Django renders ``handler403`` (403.html) whatever DEBUG says.

    Its place: after CommonMiddleware, so a missing slash still redirects (that looks at
    the 404 on its way out), and after CSP and authentication, so the page has its nonce
    and its header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._replaces_debug_pages():
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exc:
                # Django resolves the address outside every middleware's reach; the same
                # resolution here finds the wrong address first.
                return self._not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, Http404) and self._replaces_debug_pages():
            return self._not_found(request, exception)
        return None

    @staticmethod
    def _replaces_debug_pages() -> bool:
        return settings.DEBUG and not settings.SENDPLAN_DEBUG_PAGES

    @staticmethod
    def _not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
        handler = get_resolver(getattr(request, "urlconf", None)).resolve_error_handler(404)
        return handler(request, exception=exception)
