"""Reading the PDFs the tests build, and the quarterly forum they are built for (the plan
rated for January to March 2023 is tests.builders.build_quarter_plan)."""

from __future__ import annotations

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
