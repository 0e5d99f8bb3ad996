"""Hostile rich text written as the story so far: stored clean, and the writer is told."""

import re

import pytest

from actions.narrative import has_disallowed_markup, story_html, story_text
from actions.services import record_story_entry
from sendplan.text import sanitise_narrative
from tests.actions.conftest import MAY

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<svg onload="alert(1)"></svg>',
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<body onload="alert(1)">',
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="evil.swf"></object>',
    '<embed src="evil.swf">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="file:///etc/passwd">x</a>',
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '<a href="https://ok.example" style="color:red">x</a>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<style>body{display:none}</style>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<form action="https://evil.example"><input name="x"><button>Go</button></form>',
    '<input autofocus onfocus="alert(1)">',
    '<details open ontoggle="alert(1)">',
    '<video><source onerror="alert(1)"></video>',
    '<audio src=x onerror="alert(1)">',
    '<marquee onstart="alert(1)">x</marquee>',
    '<div onmouseover="alert(1)">hover</div>',
    '<p onclick="alert(1)">click</p>',
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<textarea><script>alert(1)</script></textarea>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<isindex action="javascript:alert(1)" type=image>',
    '<frameset onload="alert(1)">',
    '<applet code="evil.class"></applet>',
    '<xss style="behavior:url(evil.htc)">',
    '"><script>alert(1)</script>',
    "<strong onmouseover=alert(1)>bold</strong>",
    '<ul><li onclick="alert(1)">item</li></ul>',
    '<a href="mailto:lead@example.org" onmouseover="alert(1)">mail</a>',
    '<blockquote cite="javascript:alert(1)">quote</blockquote>',
]

BANNED = re.compile(
    r"<\s*(script|iframe|object|embed|svg|math|style|link|meta|base|form|input|img|video|"
    r"audio|body|frameset|applet|template|textarea|noscript|table|marquee|details|xss)\b",
    re.IGNORECASE,
)


def _hrefs(html):
    return re.findall(r'href="([^"]*)"', html)


def test_there_are_at_least_fifty_payloads():
    assert len(PAYLOADS) >= 50


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_story_is_stored_clean_and_the_writer_is_told(payload):
    stored = story_html(f"<p>Progress this month.</p>{payload}")
    assert BANNED.search(stored) is None
    assert re.search(r"\son\w+\s*=", stored, re.IGNORECASE) is None
    assert "style=" not in stored.lower()
    assert all(h.startswith(("http://", "https://", "mailto:")) for h in _hrefs(stored))
    assert sanitise_narrative(stored) == stored  # clean(clean(x)) == clean(x)
    assert story_html(story_text(stored)) == stored  # editing it again changes nothing
    assert "Progress this month." in stored
    assert has_disallowed_markup(f"<p>Progress this month.</p>{payload}")


@pytest.mark.parametrize(
    "text",
    [
        "Plain text with a < and a > and 5 > 3.",
        "Two paragraphs.\n\nThe second & last.",
        '<p>A <a href="https://www.darlington.gov.uk/">link</a>, <strong>bold</strong></p>',
        "<ul><li>One</li><li>Two</li></ul>",
    ],
)
def test_ordinary_writing_is_not_flagged(text):
    assert not has_disallowed_markup(text)


@pytest.mark.django_db
def test_the_service_stores_the_sanitised_narrative(open_may, issue_a, lead_a):
    entry = record_story_entry(
        plan=issue_a.plan,
        month=MAY,
        user=lead_a,
        issue=issue_a,
        narrative="".join(PAYLOADS),
        expected_version=0,
    )
    assert BANNED.search(entry.narrative) is None
    assert "javascript:" not in entry.narrative.lower()
