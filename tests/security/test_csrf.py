"""F7: every view that accepts POST, PUT, PATCH or DELETE refuses a request without a CSRF
token (403), whoever sends it; and no code of ours switches the check off."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import client_for
from .urlwalk import all_routes, url_for

ROOT = Path(__file__).resolve().parents[2]
OUR_CODE = [
    "sendplan",
    "actions",
    "outcomes",
    "progress",
    "governance",
    "reports",
    "spreadsheets",
    "demo",
]
CSRF_PAGE = "The form could not be sent"


@pytest.mark.parametrize("role", [None, "lead", "admin"])
def test_every_url_refuses_a_post_without_a_csrf_token(world, role):
    from django.apps import apps

    models = [m for m in apps.get_models() if m._meta.app_label in OUR_CODE]
    client = client_for(world.users[role] if role else None, enforce_csrf_checks=True)
    urls = [url_for(route, world) for route in all_routes()]
    before = {m._meta.label: m._default_manager.count() for m in models}
    accepted = {}
    for url in urls:
        response = client.post(url, {"anything": "1"})
        if response.status_code != 403 or CSRF_PAGE not in response.content.decode():
            accepted[url] = response.status_code

    assert accepted == {}
    assert {m._meta.label: m._default_manager.count() for m in models} == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_unsafe_methods_need_the_token_too(world, method):
    client = client_for(world.users["admin"], enforce_csrf_checks=True)
    accepted = {}
    # Django's CSRF check treats every unsafe method alike: the app's pages and a sample of
    # the admin's are enough here (the POST sweep above covers every pattern).
    routes = all_routes()
    admin_sample = [r for r in routes if r.is_admin][::10]
    for route in [r for r in routes if not r.is_admin] + admin_sample:
        url = url_for(route, world)
        response = getattr(client, method)(url)
        if response.status_code != 403:
            accepted[url] = response.status_code

    assert accepted == {}


def test_a_post_with_the_token_gets_past_the_check(world):
    client = client_for(world.users["lead"], enforce_csrf_checks=True)
    client.get("/")
    token = client.cookies["csrftoken"].value

    response = client.post("/sign-out/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302


def test_no_code_of_ours_switches_off_csrf():
    offenders = []
    for app in OUR_CODE:
        for path in (ROOT / app).rglob("*.py"):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                name = getattr(node, "id", None) or getattr(node, "attr", None)
                if name in {"csrf_exempt", "csrf_exempt_view"}:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                if isinstance(node, ast.ImportFrom) and any(
                    a.name == "csrf_exempt" for a in node.names
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if "csrf_exempt" in path.read_text():
                offenders.append(str(path.relative_to(ROOT)))

    assert offenders == []


def test_no_view_is_marked_csrf_exempt_at_run_time():
    exempt = [
        str(route)
        for route in all_routes()
        if getattr(route.pattern.callback, "csrf_exempt", False)
    ]

    assert exempt == []
