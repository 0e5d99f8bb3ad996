"""The story so far as people type it and as it is stored.

Leads type plain text with blank lines between paragraphs, or, if they know it, the small
HTML subset ``sendplan.text`` allows (paragraphs, bold, italics, lists, links). What is
stored is always sanitised HTML. For editing, an entry made only of paragraphs and line
breaks is turned back into plain text, so a lead never sees markup they did not write.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from sendplan.text import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES, sanitise_narrative

PROMPTS = ["Success", "Progress", "Risks", "Delays"]

# As browsers read it: a tag starts with "<" right before a letter, "/" or "!".
_LOOKS_LIKE_HTML = re.compile(r"</?[a-zA-Z]|<!")
_PLAIN_BLOCK = re.compile(r"^(?:<p>(?:(?!</?p>).)*</p>)+$", re.DOTALL)
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_BR = re.compile(r"<br\s*/?>")
_OTHER_TAG = re.compile(r"<(?!/?p>|br\s*/?>)[^>]*>")
_TAG_NAME = re.compile(r"</?([a-zA-Z][\w-]*)")


def normalise_newlines(text: str) -> str:
    # Browsers send a textarea's line breaks as CRLF.
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def story_html(text: str) -> str:
    """What a lead typed, as the sanitised HTML that is stored."""
    text = normalise_newlines(text).strip()
    if not text:
        return ""
    if _LOOKS_LIKE_HTML.search(text):
        return sanitise_narrative(text)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    body = "".join(
        "<p>" + "<br>".join(html.escape(line, quote=False) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )
    return sanitise_narrative(body)


def story_text(stored: str) -> str:
    """A stored entry as the text box shows it for editing."""
    stored = (stored or "").strip()
    if not stored:
        return ""
    if _PLAIN_BLOCK.match(stored) and not _OTHER_TAG.search(stored):
        paragraphs = [_BR.sub("\n", p) for p in _PARAGRAPH.findall(stored)]
        text = "\n\n".join(html.unescape(p).strip() for p in paragraphs)
        # Only show plain text when it reads back to the same HTML: text with a "<b>" in
        # it, say, must stay as the markup it is.
        if story_html(text) == stored:
            return text
    return stored


class _MarkupScanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found_disallowed = False

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.found_disallowed = True
            return
        allowed = ALLOWED_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed or (name == "href" and not _safe_href(value or "")):
                self.found_disallowed = True

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.found_disallowed = True

    handle_decl = handle_pi = unknown_decl = handle_comment


def _safe_href(value: str) -> bool:
    # Browsers ignore control characters and spaces inside a scheme ("java\tscript:").
    cleaned = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
    scheme = urlsplit(cleaned).scheme
    return scheme == "" or scheme in ALLOWED_URL_SCHEMES


def has_disallowed_markup(text: str) -> bool:
    """Whether sanitising ``text`` removes something the writer typed on purpose
    (a script, a frame, an event handler, a style, a ``javascript:`` link...)."""
    text = normalise_newlines(text)
    if not _LOOKS_LIKE_HTML.search(text):
        return False
    # A tag left unclosed at the end ("<img src=x onerror=...") never reaches the parser's
    # handlers, so the tag names are also checked on their own.
    if any(name.lower() not in ALLOWED_TAGS for name in _TAG_NAME.findall(text)):
        return True
    scanner = _MarkupScanner()
    scanner.feed(text)
    scanner.close()
    return scanner.found_disallowed
