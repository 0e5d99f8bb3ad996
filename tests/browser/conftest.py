"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server.

Every test here is marked `browser` (run them alone with `-m browser`, skip them with
`-m "not browser"`). Each page's console is watched: a JavaScript error or a
Content-Security-Policy violation fails the test that caused it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from demo.seeding.demo import DEMO_PASSWORD
from sendplan.models import Plan

BROWSER_DIR = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
# The npm axe-core pinned in package-lock.json, newer than the copy the Python package bundles.
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
# What Playwright says when the page navigated while axe was reading it.
NAVIGATED = ("Execution context was destroyed", "reading 'documentElement'")
PASSWORD = "correct horse battery staple"  # tests/factories.py UserFactory

# CI shares its machine and runs the suite on both cores: a page that answers in 200 ms
# on its own can take seconds there. expect() waits up to 15 s for what a test awaits
# (Playwright's default is 5 s); a test that passes is no slower for it.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if BROWSER_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Never `playwright install`: there is no network. Debian's chromium is driven instead;
    # --no-sandbox because the tests may run as root in a container.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
        ],
    }


class Console:
    """What a page wrote to its console, and the problems among it."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.errors: list[str] = []

    def record(self, message) -> None:
        text = f"[{message.type}] {message.text}"
        self.messages.append(text)
        if message.type == "error":
            self.errors.append(text)

    def record_page_error(self, error) -> None:
        self.errors.append(f"[pageerror] {error}")

    @property
    def csp_violations(self) -> list[str]:
        return [m for m in self.messages if "Content Security Policy" in m]


@pytest.fixture(autouse=True)
def console(request) -> Console:
    """Watches the page's console for the whole test and fails it on errors.

    Only tests that use `page` get a browser: the others here see an empty console."""
    watched = Console()
    if "page" in request.fixturenames:
        page = request.getfixturevalue("page")
        page.on("console", watched.record)
        page.on("pageerror", watched.record_page_error)
    yield watched
    assert watched.csp_violations == [], "Content-Security-Policy violations"
    assert watched.errors == [], "errors in the browser console"


@pytest.fixture(scope="session")
def axe_runner() -> Axe:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run scripts/build-assets (npm ci) first")
    return Axe.from_file(AXE_JS)


@pytest.fixture
def axe(axe_runner) -> Callable:
    """axe(page, name) checks the page against WCAG 2.2 A/AA and prints the report.

    Serious and critical violations fail the test; minor and moderate are printed."""

    def check(page, name: str):
        # A click that navigates returns before the next page has loaded: axe run then
        # reads a document that is going away. Wait for the page, and run again if a
        # navigation still pulled the document from under it.
        for attempt in range(3):
            page.wait_for_load_state("load")
            try:
                results = axe_runner.run(
                    page,
                    options={
                        "runOnly": {"type": "tag", "values": WCAG_TAGS},
                        "resultTypes": ["violations"],
                    },
                )
                break
            except PlaywrightError as error:
                if attempt == 2 or not any(s in str(error) for s in NAVIGATED):
                    raise
        violations = results.response["violations"]
        print(f"axe on {name} ({page.url}): {len(violations)} violation(s)")
        if violations:
            print(results.generate_report())
        blocking = [v["id"] for v in violations if v["impact"] in BLOCKING_IMPACTS]
        assert blocking == [], f"serious or critical accessibility violations on {name}"
        return results

    return check


@pytest.fixture
def screenshot(artefacts_dir) -> Callable:
    """screenshot(page, name) saves the whole page to test-artefacts/<name>.png."""

    def save(page, name: str) -> Path:
        path = artefacts_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


def sign_in(page, live_server, username: str, password: str) -> None:
    """Sign in through the real sign-in form and wait for the home page."""
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def signed_in_page(page, live_server, transactional_db) -> Callable:
    """signed_in_page(user) signs a factory-made user in through the real sign-in form."""

    def sign_in_user(user, password: str = PASSWORD):
        sign_in(page, live_server, user.username, password)
        return page

    return sign_in_user


@pytest.fixture
def seeded(transactional_db) -> Plan:
    """The demo as ``seed_demo`` makes it (both areas, every demo account); Darlington's
    plan. The cache is cleared around it: kept figures of another test's plan must not
    answer for this one's."""
    cache.clear()
    call_command("seed_demo", stdout=io.StringIO())
    yield Plan.objects.get(slug="darlington-wsoa-2023")
    cache.clear()


@pytest.fixture
def sign_in_as(page, live_server) -> Callable:
    """sign_in_as("darlington-pm") signs a demo account in with the demo password."""

    def sign_in_demo(username: str):
        sign_in(page, live_server, username, DEMO_PASSWORD)
        return page

    return sign_in_demo
