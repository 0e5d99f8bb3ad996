"""The dashboard's plotly assets stay in step with the vendored strict bundle.

plotly inserts <style> elements at run time, which the Content-Security-Policy blocks.
The dashboard ships plotly's rules as static/css/plotly-strict.css instead, linked with
the id plotly looks for, and names the id with which the bundle's maplibre checks for its
own CSS. Both are tied to the plotly version: these tests fail when an upgrade needs them
regenerated (see the comment at the top of the CSS file).
"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CSS = ROOT / "static" / "css" / "plotly-strict.css"
BUNDLE = ROOT / "static" / "vendor" / "plotly" / "plotly-strict.min.js"
TEMPLATE = ROOT / "templates" / "reports" / "dashboard.html"


def _pinned_version() -> str:
    package = json.loads((ROOT / "package.json").read_text())
    return package["devDependencies"]["plotly.js-strict-dist-min"]


def test_the_plotly_stylesheet_is_for_the_pinned_plotly_version():
    assert f"plotly.js {_pinned_version()} (strict bundle)" in CSS.read_text()


def test_the_dashboard_links_the_stylesheet_where_plotly_looks_for_it():
    template = TEMPLATE.read_text()

    assert 'id="plotly.js-style-global" class="no-inline-styles"' in template
    assert "css/plotly-strict.css" in template


@pytest.mark.skipif(not BUNDLE.exists(), reason="run scripts/build-assets first")
def test_the_stylesheet_holds_every_rule_of_the_bundle():
    bundle = BUNDLE.read_text()
    table = re.search(r'=\{"X,X div":(.*?)\};for\(\w+ in', bundle, re.S)[1]
    selectors = re.findall(r'(?:^|,)"([^"]+)":|,Y:', table)
    css = CSS.read_text()
    for selector in selectors:
        if not selector:
            continue
        full = selector.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        assert full + "{" in css, selector


@pytest.mark.skipif(not BUNDLE.exists(), reason="run scripts/build-assets first")
def test_the_maplibre_style_id_is_the_bundles():
    bundle = BUNDLE.read_text()
    [style_id] = re.findall(r'if\(!document\.getElementById\("([0-9a-f]{64})"\)\)', bundle)

    assert f'<template id="{style_id}"></template>' in TEMPLATE.read_text()
