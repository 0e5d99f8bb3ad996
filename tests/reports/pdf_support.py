"""Reading the PDFs the tests build, and the quarterly forum they are built for (the plan
rated for January to March 2023 is tests.builders.build_quarter_plan)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from io import BytesIO

from pypdf import PdfReader

from governance.models import Cadence
from tests import factories


def quarterly_forum(area, plan):
    return factories.ForumFactory(
        area=area,
        plan=plan,
        name="SEND Assurance Executive",
        slug="send-assurance-executive",
        level="Strategic Assurance",
        cadence=Cadence.QUARTERLY,
    )


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page, with runs of whitespace made single spaces."""
    reader = PdfReader(BytesIO(content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def pdf_reader(content: bytes) -> PdfReader:
    return PdfReader(BytesIO(content))


class _Headings(HTMLParser):
    """The texts a page must not end with: each heading, each table's caption, its header
    row, and the caption followed by the header row."""

    TAGS = {"h1", "h2", "h3", "h4", "caption", "thead"}

    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.texts: dict[str, list[str]] = {}
        self.found: set[str] = set()
        self.caption = ""

    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS:
            self.open.append(tag)
            self.texts[tag] = []

    def handle_endtag(self, tag):
        if tag not in self.TAGS or tag not in self.open:
            return
        self.open.remove(tag)
        text = _squeezed(" ".join(self.texts.pop(tag)))
        if not text:
            return
        self.found.add(text)
        if tag == "caption":
            self.caption = text
        elif tag == "thead" and self.caption:
            self.found.add(self.caption + text)
        if tag != "caption":
            self.caption = ""

    def handle_data(self, data):
        for tag in self.open:
            self.texts[tag].append(data)


def _squeezed(text: str) -> str:
    """Text without any whitespace: pypdf and the HTML space things differently."""
    return re.sub(r"\s+", "", text)


def heading_texts(html: str) -> set[str]:
    parser = _Headings()
    parser.feed(html)
    return parser.found


def stranded_headings(content: bytes, html: str, running_header: str) -> list[tuple[int, str]]:
    """(page number, heading) for each page whose last words, above its footer, are a
    heading, a table caption or a table's header row: a heading parted from what follows."""
    headings = heading_texts(html)
    stranded = []
    for number, page in enumerate(pdf_reader(content).pages, start=1):
        lines = [line.strip() for line in page.extract_text().splitlines()]
        body = [
            line
            for line in lines
            if line and line != running_header and not PAGE_NUMBER.search(line)
        ]
        ending = _squeezed(" ".join(body))
        stranded += [(number, h) for h in headings if ending.endswith(h)]
    return stranded


PAGE_NUMBER = re.compile(r"Page \d+ of \d+$")
