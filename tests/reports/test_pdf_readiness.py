"""The quarterly progress statement's appendix of inspection readiness, read back from the
PDF's text (the readiness plan of tests/builders.py, at April 2023)."""

import pytest

from governance.periods import parse_period
from reports.pdf.build import build_report
from tests.builders import build_readiness_plan

from .pdf_support import pdf_pages, quarterly_forum

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(plan_a):
    build_readiness_plan(plan_a)
    forum = quarterly_forum(plan_a.area, plan_a)
    built = build_report(plan=plan_a, forum=forum, period=parse_period("2023-Q2"), isolated=False)
    return pdf_pages(built.pdf.content)


def test_the_quarterly_statement_ends_with_the_readiness_appendix(pages):
    text = " ".join(pages)
    appendix = text[text.rindex("Appendix: inspection readiness") :]
    assert "Whole plan: 18 of 29 checks passed (62%)." in appendix
    assert "Priority 2: 4 of 14 checks passed (29%)" in appendix
    assert "Due February 2023 and not Blue." in appendix
    assert "Nothing found weak under this priority." in appendix
    assert "6 of 11 (55%)" in appendix  # March, in the quarter's trend
    assert ", ." not in appendix
    # Listed in the contents too.
    assert "Appendix: inspection readiness" in pages[1]
