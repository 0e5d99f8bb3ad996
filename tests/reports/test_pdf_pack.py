"""The quarterly pack as one to put before an inspector: a contents page with page numbers,
the order summary, what changed, the priorities, exceptions, appendix; the programme
manager's commentary; full titles; no stray punctuation; no heading last on a page; the
source's gaps in one note; people named by name."""

import re
from dataclasses import dataclass

import pytest
from django.db import transaction

from governance.periods import parse_period
from reports.pdf.build import build_report
from reports.pdf.context import Commentary
from reports.pdf.render import report_html
from sendplan.models import Priority
from tests import factories
from tests.builders import build_quarter_plan

from .pdf_support import pdf_pages, quarterly_forum, stranded_headings

Q1 = parse_period("2023-Q1")
LONG_TITLE = (
    "Meeting the needs of children and young people with SEND early, in their local "
    "schools, and the impact of this on their outcomes"
)
SUMMARY = "The quarter closed with one action complete.\n\nThe <b>Red</b> action & its note matter."
PRIORITY_NOTE = "Early help is recovering after the pause in January."


@dataclass
class Pack:
    content: bytes
    pages: list[str]
    html: str
    running_header: str


@pytest.fixture(scope="module")
def pack(django_db_setup, django_db_blocker) -> Pack:
    """One pack for the module (laying it out takes seconds), built in a transaction that
    is rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        area = factories.AreaFactory(name="Area A", slug="area-a")
        plan = factories.PlanFactory(area=area, title="Area A WSoA", slug="area-a-wsoa")
        build_quarter_plan(plan, copies=4)
        Priority.objects.filter(plan=plan, number=1).update(title=LONG_TITLE)
        first = Priority.objects.get(plan=plan, number=1)
        # A gap of the source plan: no actions, no targets, no story so far.
        factories.IssueFactory(priority=first, ref="1.9", description="", is_gap=True, order=99)
        user = factories.UserFactory(username="pm-a", first_name="Dana", last_name="Scully")
        built = build_report(
            plan=plan,
            forum=quarterly_forum(area, plan),
            period=Q1,
            user=user,
            is_preview=False,
            commentary=Commentary(SUMMARY, {first.id: PRIORITY_NOTE}),
        )
        html = report_html(built.data)
        transaction.set_rollback(True)
    content = built.pdf.content
    return Pack(content, pdf_pages(content), html, built.data.running_header)


def _first_page(pages: list[str], start: str) -> int:
    """The number of the first page whose text starts with ``start``."""
    return next(n for n, text in enumerate(pages, start=1) if text.startswith(start))


def test_a_contents_page_gives_the_page_each_part_starts_on(pack):
    pages = pack.pages
    contents = pages[1]
    assert contents.startswith("Contents")
    entries = {
        "Summary: January to March 2023": "Summary: January to March 2023",
        "What changed": "What changed",
        f"Priority 1: {LONG_TITLE}": "Priority 1:",
        "Priority 2: Preparing for adulthood": "Priority 2: Preparing for adulthood",
        "Exceptions": "Exceptions",
        "Appendix: issues with nothing to report": "Exceptions",  # on the exceptions' last page
    }
    for entry, heading in entries.items():
        found = re.search(re.escape(entry) + r"[ .]*?(\d+)\b", contents)
        assert found, entry
        if entry.startswith("Appendix"):
            assert int(found.group(1)) >= _first_page(pages, heading)
        else:
            assert int(found.group(1)) == _first_page(pages, heading), entry


def test_the_parts_come_in_the_order_an_inspector_reads_them(pack):
    pages = pack.pages
    order = [
        _first_page(pages, "Contents"),
        _first_page(pages, "Summary: January to March 2023"),
        _first_page(pages, "What changed"),
        _first_page(pages, "Priority 1:"),
        _first_page(pages, "Priority 2:"),
        _first_page(pages, "Exceptions"),
    ]
    assert order == sorted(order) and len(set(order)) == len(order)
    # Then the appendices: the source's gaps, and inspection readiness last.
    text = " ".join(pages[2:])
    gaps = text.rindex("Appendix: issues with nothing to report")
    assert gaps < text.rindex("Appendix: inspection readiness")


def test_the_commentary_is_printed_as_plain_text_where_it_belongs(pack):
    pages = pack.pages
    summary = pages[_first_page(pages, "Summary:") - 1]
    assert "Commentary by Dana Scully" in summary
    assert "The quarter closed with one action complete." in summary
    assert "The <b>Red</b> action & its note matter." in summary
    priority = pages[_first_page(pages, "Priority 1:") - 1]
    assert priority.index(LONG_TITLE[-30:]) < priority.index(PRIORITY_NOTE)
    assert PRIORITY_NOTE not in " ".join(pages[: _first_page(pages, "Priority 1:") - 1])


def test_priority_titles_are_printed_in_full(pack):
    pages = pack.pages
    text = " ".join(pages)
    assert "…" not in text
    summary = " ".join(pages[_first_page(pages, "Summary:") - 1 : _first_page(pages, "What")])
    assert f"Priority 1: {LONG_TITLE}" in summary  # the off-track table
    # The off-track table, the contents and the heading.
    assert text.count(f"Priority 1: {LONG_TITLE}") == 3


def test_no_list_leaves_stray_punctuation(pack):
    pages = pack.pages
    text = " ".join(pages)
    assert ", ." not in text and ", )" not in text and ",." not in text
    # Counts list only the statuses that have any items.
    assert re.search(r"Actions: (\w+ \d+, )*\w+ \d+\. Outcome targets: (\w+ \d+, )*\w+ \d+\.", text)


def test_no_page_ends_with_a_heading(pack):
    assert len(pack.pages) >= 8
    assert stranded_headings(pack.content, pack.html, pack.running_header) == []


def test_the_sources_gaps_are_gathered_in_one_note(pack):
    pages = pack.pages
    text = " ".join(pages)
    assert "No actions." not in text
    assert text.count("The source plan is illegible or missing here") == 0
    assert "1.9 has nothing to report: see the appendix." in text
    assert "1.9 Priority 1 Illegible or missing in the source plan" in text


def test_the_trend_tables_header_reads_as_separate_words(pack):
    pages = pack.pages
    summary = pages[_first_page(pages, "Summary:") - 1]
    assert "Month Blue Green Amber Red Grey Not rated" in summary


def test_a_preview_says_the_commentary_is_added_when_issued(plan_a, programme_manager_a):
    build_quarter_plan(plan_a)
    forum = quarterly_forum(plan_a.area, plan_a)
    built = build_report(plan=plan_a, forum=forum, period=Q1, user=programme_manager_a)
    cover = pdf_pages(built.pdf.content)[0]
    assert "Commentary Added when the report is issued" in cover


def test_generated_by_names_the_person_never_the_login(plan_a, lead_a):
    build_quarter_plan(plan_a)
    forum = quarterly_forum(plan_a.area, plan_a)
    # No name on the login: the person it belongs to names it.
    lead_a.first_name = lead_a.last_name = ""
    built = build_report(plan=plan_a, forum=forum, period=Q1, user=lead_a)
    cover = pdf_pages(built.pdf.content)[0]
    assert "Generated by Lead A Person," in cover
    assert "lead-a" not in cover
