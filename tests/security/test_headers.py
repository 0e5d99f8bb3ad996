"""F2: every HTML response, for every URL pattern and every role, carries the security
headers: a strict Content-Security-Policy, HSTS, nosniff, Referrer-Policy, COOP, and
Cache-Control: no-store for a signed-in user."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from .conftest import ROLES, client_for
from .production import production_settings, security_overrides
from .urlwalk import all_routes, url_for

INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>"
)


def parse_csp(header: str) -> dict[str, list[str]]:
    policy = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


def header_problems(response, signed_in: bool) -> list[str]:
    problems = []
    csp = parse_csp(response.get("Content-Security-Policy", ""))
    scripts = csp.get("script-src", csp.get("default-src"))
    if scripts is None:
        problems.append("no script-src or default-src")
    elif {"'unsafe-inline'", "'unsafe-eval'"} & set(scripts):
        problems.append(f"script-src allows {scripts}")
    for directive in ("object-src", "base-uri", "frame-ancestors"):
        if csp.get(directive) != ["'none'"]:
            problems.append(f"{directive} is {csp.get(directive)}")
    hsts = response.get("Strict-Transport-Security", "")
    match = re.search(r"max-age=(\d+)", hsts)
    if not match or int(match.group(1)) < 31536000 or "includeSubDomains" not in hsts:
        problems.append(f"HSTS is {hsts!r}")
    expected = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    for name, value in expected.items():
        if response.get(name) != value:
            problems.append(f"{name} is {response.get(name)!r}")
    if signed_in and "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"Cache-Control is {response.get('Cache-Control')!r}")
    body = response.content.decode(errors="replace")
    inline = [m.group(0) for m in INLINE_SCRIPT.finditer(body) if "nonce=" not in m.group(0)]
    if inline:
        problems.append(f"inline scripts: {inline[:3]}")
    return problems


def test_production_sends_hsts_for_a_year_with_subdomains():
    prod = production_settings()

    assert prod["SECURE_HSTS_SECONDS"] >= 31536000
    assert prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert prod["SECURE_SSL_REDIRECT"] is True
    assert prod["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert prod["SECURE_REFERRER_POLICY"] == "same-origin"
    assert prod["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"


@pytest.mark.parametrize("role", [None, *ROLES])
def test_every_html_page_carries_the_security_headers(world, role):
    user = world.users[role] if role else None
    checked = 0
    problems = {}
    with override_settings(**security_overrides()):
        client = client_for(user)
        for route in all_routes():
            url = url_for(route, world)
            response = client.get(url, secure=True)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            checked += 1
            found = header_problems(response, signed_in=user is not None)
            if found:
                problems[f"{url} ({response.status_code})"] = found
    assert problems == {}
    # Anonymous users see the sign-in page; members see their area's pages; the site
    # administrator sees the admin's pages too.
    assert checked >= {None: 1, "admin": 150}.get(role, 10), checked


def test_the_error_pages_carry_the_headers_too(world):
    with override_settings(**security_overrides()):
        client = client_for(world.users["viewer"])
        not_found = client.get("/plans/no-such-plan/", secure=True)
        refused = client.post("/sign-out/", secure=True, HTTP_X_CSRFTOKEN="bad")

    assert not_found.status_code == 404
    assert header_problems(not_found, signed_in=True) == []
    assert refused.status_code in (403, 302)
