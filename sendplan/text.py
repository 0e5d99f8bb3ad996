"""Sanitising what people write: narratives are stored as a small, safe subset of HTML."""

from __future__ import annotations

import html as html_lib

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# A narrative is a month's story so far, not a document: 100,000 characters is far more
# than any entry in the seeds (the longest is under 3,000) and keeps pages and PDFs sane.
MAX_NARRATIVE_CHARS = 100_000


def sanitise_narrative(html: str) -> str:
    """Return ``html`` reduced to the allowed tags; idempotent (clean(clean(x)) == clean(x))."""
    cleaned = nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        # Links must be absolute http(s) or mailto: a relative or protocol-relative
        # ("//elsewhere.example") link would otherwise pass the scheme check.
        url_relative="deny",
    )
    return cleaned.strip()


def narrative_to_text(html: str) -> str:
    """Plain text of a narrative, for spreadsheets and search."""
    return html_lib.unescape(nh3.clean(html or "", tags=set())).strip()
