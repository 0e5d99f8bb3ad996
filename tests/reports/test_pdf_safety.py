"""The PDF renderer never reads a local file or the network because of what people wrote.

The hostile HTML is written straight into the database, past the sanitiser, so these tests
prove that the fetcher alone stops it (reliability figure F12).
"""

import multiprocessing
import re
import secrets
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from governance.periods import parse_period
from reports.pdf.build import build_report
from reports.pdf.render import (
    ReportRenderError,
    pdf_timeout,
    render_pdf_isolated,
    safe_fetcher,
    static_roots,
)
from tests import factories
from tests.builders import MARCH, build_quarter_plan

from .pdf_support import pdf_pages, pdf_reader, quarterly_forum


@pytest.fixture
def canary_text():
    return f"CANARY-{secrets.token_hex(8)}"


@pytest.fixture
def canary_file(tmp_path, canary_text):
    path = tmp_path / "canary"
    path.write_text(canary_text)
    return path


@pytest.fixture
def canary_server(canary_text):
    """A web server on a loopback port that counts every request it gets."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = canary_text.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def hostile_narratives(file_url: str, web: str) -> list[str]:
    return [
        f'<p>Image <img src="{file_url}"> and <img src="{web}/img.png"></p>',
        '<p><img src="file:///etc/passwd"> <img src="../../../../../../etc/passwd">'
        ' <img src="/etc/passwd"></p>',
        f'<link rel="stylesheet" href="{web}/linked.css"><link rel="stylesheet" href="{file_url}">',
        f'<style>@import url("{web}/import.css"); @import "{file_url}";'
        f' body {{ background: url("{file_url}") }}'
        f" @font-face {{ font-family: canary; src: url({web}/font.woff) }}"
        f" p {{ font-family: canary; list-style-image: url({web}/bullet.png) }}</style>",
        f'<p style="background-image: url({web}/inline.png)">Inline style</p>',
        f'<p><a rel="attachment" href="{file_url}">attached file</a>'
        f' <a rel="attachment" href="{web}/attachment">attached page</a></p>',
        f'<link rel="attachment" href="{file_url}">',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' width="20" height="20"><image href="{file_url}" width="10" height="10"/>'
        f'<image xlink:href="{web}/svg.png" width="10" height="10"/></svg>',
        f'<object data="{file_url}"></object><embed src="{web}/embed">'
        f'<iframe src="{web}/frame"></iframe>',
        f'<base href="{web}/"><img src="after-base.png">',
        f'<p><a href="{web}/link">A link is only written, never followed</a></p>',
    ]


def inflated_streams(content: bytes) -> bytes:
    """Every stream of the PDF, decompressed where it is compressed."""
    parts = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.DOTALL):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            parts.append(match.group(1))
    return b"\n".join(parts)


@pytest.fixture
def hostile_report(plan_a, canary_file, canary_server):
    web, _ = canary_server
    build_quarter_plan(plan_a)
    forum = quarterly_forum(plan_a.area, plan_a)
    issue = plan_a.issues.get(ref="1.1")
    for order, narrative in enumerate(hostile_narratives(canary_file.as_uri(), web)):
        factories.StoryEntryFactory(issue=issue, month=MARCH, narrative=narrative, order=order)
    action = plan_a.actions.first()
    action.text = f'<img src="{canary_file.as_uri()}"> Action with markup in its text'
    action.save()
    # Written straight to the table: the sanitiser never saw these.
    assert issue.story_entries.filter(narrative__contains="<img").exists()
    return build_report(
        plan=plan_a, forum=forum, period=parse_period("2023-Q1"), user=None, is_preview=True
    )


def test_hostile_narratives_reach_no_loopback_server(hostile_report, canary_server):
    _, hits = canary_server
    assert hits == []


def test_hostile_narratives_put_no_canary_bytes_in_the_pdf(hostile_report, canary_text):
    assert canary_text.encode() not in inflated_streams(hostile_report.pdf.content)
    assert canary_text not in " ".join(pdf_pages(hostile_report.pdf.content))


def test_hostile_narratives_embed_no_files(hostile_report):
    reader = pdf_reader(hostile_report.pdf.content)
    assert reader.attachments == {}
    assert b"/EmbeddedFile" not in inflated_streams(hostile_report.pdf.content)


def test_the_fetcher_read_only_the_print_stylesheet_and_refused_the_rest(
    hostile_report, canary_file, canary_server
):
    web, _ = canary_server
    fetched = hostile_report.pdf.fetched
    assert fetched and all(path.endswith("static/reports/print.css") for path in fetched)
    refused = " ".join(hostile_report.pdf.refused)
    assert canary_file.as_uri() in refused
    assert web in refused
    assert "file:///etc/passwd" in refused


def test_the_hostile_report_still_shows_the_plan(hostile_report):
    text = " ".join(pdf_pages(hostile_report.pdf.content))
    assert "Action with markup in its text" in text
    assert "Inline style" in text


def test_the_fetcher_allows_only_files_under_the_static_directories(tmp_path, canary_file):
    static = tmp_path / "static"
    (static / "reports").mkdir(parents=True)
    allowed = static / "reports" / "print.css"
    allowed.write_text("p { color: black }")
    (static / "reports" / "escape.css").symlink_to(canary_file)
    (static / "reports" / "settings.py").write_text("SECRET = 1")
    with override_settings(STATICFILES_DIRS=[static], STATIC_ROOT=None):
        assert static_roots() == [static.resolve()]
        fetcher = safe_fetcher()
        assert fetcher.fetch(allowed.as_uri()).read() == b"p { color: black }"
        for url in [
            canary_file.as_uri(),
            (static / "reports" / "escape.css").as_uri(),
            (static / "reports" / "settings.py").as_uri(),
            (static / "reports" / ".." / ".." / "canary").as_uri(),
            "file:///etc/passwd",
            "file://example.org/etc/passwd.css",
            "http://127.0.0.1:9/print.css",
            "https://example.org/print.css",
            "data:text/css,p{color:red}",
            "ftp://example.org/x.css",
        ]:
            with pytest.raises(ValueError, match="Only the app's own static files"):
                fetcher.fetch(url)
    assert [outcome for outcome, _ in fetcher.log].count("fetched") == 1


def test_rendering_is_stopped_when_it_takes_too_long():
    html = "<table>" + "<tr><td>cell</td></tr>" * 20000 + "</table>"
    with pytest.raises(ReportRenderError, match="longer than 0.2 seconds"):
        render_pdf_isolated(html, timeout=0.2)
    assert multiprocessing.active_children() == []


def test_the_time_limit_is_at_most_sixty_seconds():
    assert pdf_timeout() <= 60
