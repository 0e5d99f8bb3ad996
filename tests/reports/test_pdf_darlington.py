"""The Darlington quarterly progress statement, built from the seeded demo, kept as pictures.

The SEND Assurance Executive meets quarterly; the demo's example ratings run from October
2022 to April 2023, so the first calendar quarter of 2023 (January to March, ratings up to
March) is the quarter that shows most. The demo writes its history when seed_demo runs,
not on the dates the ratings are for, so the statement is built from the plan as it
stands now: "as at" a date in 2023 would show a plan that had not yet been loaded.

The pages are saved as PNG files in test-artefacts/pdf/ to be looked at, with the PDF and
the timings of each step.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from demo.seeding import seed_demo, system_user
from governance.models import Forum
from governance.periods import parse_period
from progress.plan_state import plan_state
from reports.pdf.benchmark import format_timings, measure_report
from reports.pdf.build import build_report
from sendplan.models import Plan

from .pdf_support import pdf_pages

ARTEFACTS = Path(settings.BASE_DIR) / "test-artefacts" / "pdf"
Q1 = parse_period("2023-Q1")

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_darlington_quarterly_statement_is_checked_timed_and_saved_as_pictures():
    # One test, not three: seeding the demo and laying out ~25 pages take most of a minute.
    seed_demo(user=system_user())
    plan = Plan.objects.select_related("area").get(slug="darlington-wsoa-2023")
    forum = Forum.objects.get(area=plan.area, slug="send-assurance-executive")
    built = build_report(plan=plan, forum=forum, period=Q1)

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    stem = ARTEFACTS / "darlington-quarterly-2023-Q1"
    for old in ARTEFACTS.glob("darlington-quarterly-2023-Q1-*.png"):
        old.unlink()
    stem.with_suffix(".pdf").write_bytes(built.pdf.content)
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "70", "-png", str(stem.with_suffix(".pdf")), str(stem)],
            check=True,
            timeout=120,
        )
        pictures = sorted(ARTEFACTS.glob("darlington-quarterly-2023-Q1-*.png"))
        assert len(pictures) == built.pdf.page_count

    pages = pdf_pages(built.pdf.content)
    assert 10 <= len(pages) <= 60
    assert "DARLINGTON" in pages[0]
    assert "Darlington Written Statement of Action" in pages[0]
    assert "SEND Assurance Executive (Strategic Assurance)" in pages[0]
    counts = plan_state(plan, month=Q1.end).bragg_counts()
    words = [("Blue", "blue"), ("Red", "red"), ("Amber", "amber"), ("Green", "green")]
    words += [("Grey", "grey"), ("Not rated", "none")]
    assert "; ".join(f"{word}: {counts[value]}" for word, value in words) in pages[1]
    text = " ".join(pages)
    assert "Priority 1: The effectiveness of meeting the needs" in text
    assert "Example update" in text  # the period's story so far (example data)

    timings = measure_report(plan=plan, forum=forum, period=Q1)
    (ARTEFACTS / "darlington-quarterly-2023-Q1-timings.txt").write_text(
        format_timings(timings) + "\n"
    )
    assert timings["app_share"] < 0.2, format_timings(timings)
