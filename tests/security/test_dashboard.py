"""F24: charts. Labels built from hostile text (<img onerror>, javascript: links, plotly's
$\\href{...}$ LaTeX) are escaped; dashboard pages carry no inline script; plotly is the
strict bundle, served from our own static files."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests import factories

from .conftest import client_for

HOSTILE_LABELS = [
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(2)">click</a>',
    r"$\href{javascript:alert(3)}{x}$",
]


class PageScan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.scripts: list[dict] = []
        self.data_blocks: list[str] = []
        self._in_data = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=>")
            if name in ("href", "src") and (value or "").strip().lower().startswith(
                ("javascript:", "data:text")
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and attrs.get("src") == "x":
            self.problems.append("<img src=x>")
        if tag == "script":
            self.scripts.append(attrs)
            self._in_data = attrs.get("type") == "application/json"
            if self._in_data:
                self.data_blocks.append("")

    def handle_data(self, data):
        if self._in_data:
            self.data_blocks[-1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_data = False


def hostile_plan(world):
    world.priority.title = HOSTILE_LABELS[0]
    world.priority.save()
    world.action.text = HOSTILE_LABELS[1]
    world.action.save()
    world.target.text = HOSTILE_LABELS[2]
    world.target.save()
    priority = factories.PriorityFactory(plan=world.plan, number=2, title=HOSTILE_LABELS[1])
    factories.IssueFactory(priority=priority, plan=world.plan, ref="2.1")


def test_hostile_chart_labels_are_escaped_and_no_script_is_inline(world):
    hostile_plan(world)
    client = client_for(world.users["viewer"])
    url = reverse("reports:dashboard", kwargs={"plan_slug": world.plan.slug})
    pages = [client.get(url, {"month": "2023-04"}), client.get(url)]

    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        scan = PageScan()
        scan.feed(body)
        assert scan.problems == []
        inline = [s for s in scan.scripts if "src" not in s and s.get("type") != "application/json"]
        assert inline == []
        if response is pages[0]:
            assert scan.data_blocks, "the dashboard draws its charts from JSON data blocks"
        for block in scan.data_blocks:
            assert "<" not in block and ">" not in block  # json_script escapes them
        assert "mathjax" not in body.lower()  # plotly typesets $...$ only with MathJax
    shown = pages[0].content.decode()
    assert "&lt;img src=x onerror=" in shown or "\\u003Cimg src=x onerror=" in shown


def test_plotly_is_the_strict_bundle_from_our_static_files(world):
    client = client_for(world.users["viewer"])
    body = client.get(
        reverse("reports:dashboard", kwargs={"plan_slug": world.plan.slug})
    ).content.decode()

    sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', body)
    plotly = [s for s in sources if "plotly" in s]
    assert plotly, sources
    for source in sources:
        assert source.startswith(settings.STATIC_URL), source  # nothing from a CDN
    for source in plotly:
        assert "strict" in source
        found = finders.find(source.removeprefix(settings.STATIC_URL))
        assert found and Path(found).stat().st_size > 100_000
        content = Path(found).read_text(errors="replace")[:5000]
        assert "plotly" in content.lower()
