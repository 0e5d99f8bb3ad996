"""A small plan rated for January to March 2023, and helpers to read the PDFs built from it.

Per copy (``copies``), priority 1 gets issue "1.<n>" with four actions and two outcome
targets and priority 2 issue "2.<n>" with one action; the March ratings are known, so the
summary counts can be stated: per copy, Blue 1, Red 1, Amber 1, Green 1, not rated 1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

from pypdf import PdfReader

from governance.models import Cadence
from sendplan.models import MonthStatus
from sendplan.ratings import BRAGG, RAG
from tests import factories

JANUARY = dt.date(2023, 1, 1)
FEBRUARY = dt.date(2023, 2, 1)
MARCH = dt.date(2023, 3, 1)
APRIL = dt.date(2023, 4, 1)

RED_NOTE = "Supplier delayed the portal by three months"
AMBER_TARGET_NOTE = "Survey returns are lower than hoped"
MARCH_STORY = "Parent carers co-designed the new assessment letters in March"
APRIL_STORY = "Story for April, after the quarter"


def quarterly_forum(area, plan):
    return factories.ForumFactory(
        area=area,
        plan=plan,
        name="SEND Assurance Executive",
        slug="send-assurance-executive",
        level="Strategic Assurance",
        cadence=Cadence.QUARTERLY,
    )


def build_plan(plan, copies: int = 1, first_copy: int = 0):
    area = plan.area
    lead = factories.PersonFactory(area=area, name="Jo Littler")
    other = factories.PersonFactory(area=area, name="Tony Murphy")
    writer = factories.UserFactory(
        username=f"writer-{area.slug}", first_name="Jo", last_name="Lead"
    )
    p1 = plan.priorities.filter(number=1).first()
    p2 = plan.priorities.filter(number=2).first()
    if p1 is None:
        for month in (JANUARY, FEBRUARY, MARCH):
            factories.ReportingMonthFactory(plan=plan, month=month, status=MonthStatus.CLOSED)
        factories.ReportingMonthFactory(plan=plan, month=APRIL, status=MonthStatus.OPEN)
        p1 = factories.PriorityFactory(plan=plan, number=1, title="Meeting needs early")
        p2 = factories.PriorityFactory(plan=plan, number=2, title="Preparing for adulthood")
    for copy in range(first_copy, first_copy + copies):
        issue = factories.IssueFactory(priority=p1, ref=f"1.{copy + 1}", description="Tell it once")
        statuses = [
            # (text, due, completed, Jan, Feb, Mar, note)
            ("Buy the portal", dt.date(2023, 6, 1), None, "green", "amber", "red", RED_NOTE),
            (
                "Train the SENCOs",
                dt.date(2023, 2, 1),
                dt.date(2023, 3, 10),
                "green",
                "green",
                "blue",
                "",
            ),
            (
                "Review the panel",
                dt.date(2022, 12, 1),
                None,
                "amber",
                "amber",
                "amber",
                "Waiting for partners",
            ),
            ("Publish the offer", dt.date(2023, 9, 1), None, "grey", "green", "green", ""),
        ]
        for order, (text, due, completed, *ratings, note) in enumerate(statuses):
            action = factories.ActionFactory(
                issue=issue,
                text=f"{text} ({copy + 1})",
                due_month=due,
                completed_on=completed,
                order=order,
            )
            factories.ActionLeadFactory(action=action, person=lead if order % 2 else other)
            for month, value in zip((JANUARY, FEBRUARY, MARCH), ratings, strict=True):
                factories.ActionStatusFactory(
                    action=action,
                    month=month,
                    status=value,
                    rated_by=writer,
                    note=note if value in (BRAGG.RED, BRAGG.AMBER) else "",
                )
        target = factories.OutcomeTargetFactory(
            issue=issue,
            text=f"90% of parents say the process was effective ({copy + 1})",
            unit="%",
            baseline=Decimal("60"),
            target_value=Decimal("90"),
            direction="increase",
            target_month=dt.date(2023, 12, 1),
        )
        factories.ImpactRatingFactory(
            target=target,
            month=MARCH,
            rag=RAG.AMBER,
            note=AMBER_TARGET_NOTE,
            measured_value=Decimal("72"),
        )
        green = factories.OutcomeTargetFactory(
            issue=issue,
            text=f"Assessments finished within 20 weeks ({copy + 1})",
        )
        factories.ImpactRatingFactory(target=green, month=MARCH, rag=RAG.GREEN)
        factories.StoryEntryFactory(
            issue=issue,
            month=MARCH,
            narrative=f"<p>{MARCH_STORY} ({copy + 1}).</p>",
            author=writer,
        )
        factories.StoryEntryFactory(issue=issue, month=APRIL, narrative=f"<p>{APRIL_STORY}</p>")
        issue2 = factories.IssueFactory(priority=p2, ref=f"2.{copy + 1}")
        unrated = factories.ActionFactory(
            issue=issue2, text=f"Map the post-16 offer ({copy + 1})", due_month=dt.date(2024, 1, 1)
        )
        factories.ActionLeadFactory(action=unrated, person=lead)
    return plan


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page, with runs of whitespace made single spaces."""
    reader = PdfReader(BytesIO(content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def pdf_reader(content: bytes) -> PdfReader:
    return PdfReader(BytesIO(content))
