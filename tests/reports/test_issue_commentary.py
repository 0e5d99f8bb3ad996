"""The programme manager's commentary: written on the issue page, kept with the issued
report and printed in its PDF as plain text."""

import pytest
from django.urls import reverse

from reports.models import IssuedReport
from tests.builders import build_quarter_plan

from .pdf_support import pdf_pages, quarterly_forum


@pytest.fixture
def forum(plan_a):
    build_quarter_plan(plan_a)
    return quarterly_forum(plan_a.area, plan_a)


def _issue_url(forum):
    return reverse(
        "reports:report_issue", kwargs={"area_slug": forum.area.slug, "forum_slug": forum.slug}
    )


SUMMARY = "A steady quarter.\nOne <b>Red</b> action & one slipped date."


def test_the_issue_page_asks_for_a_summary_and_a_commentary_on_each_priority(
    client, forum, plan_a, programme_manager_a
):
    client.force_login(programme_manager_a)
    html = client.get(_issue_url(forum) + "?period=2023-Q1").content.decode()
    assert '<textarea class="govuk-textarea" id="commentary-summary" name="summary"' in html
    assert 'maxlength="3000"' in html
    for priority in plan_a.priorities.all():
        assert f'name="priority_{priority.id}"' in html
        assert f"Commentary on Priority {priority.number} (optional)" in html
    assert "the commentary is added when the report is issued" in html

    response = client.post(_issue_url(forum), {"period": "2023-Q1", "summary": " "})
    assert response.status_code == 400
    assert "Enter a summary commentary for the report" in response.content.decode()
    too_long = {"period": "2023-Q1", "summary": "x" * 3001}
    response = client.post(_issue_url(forum), too_long)
    assert "must be 3,000 characters or fewer" in response.content.decode()
    assert not IssuedReport.objects.exists()


def test_the_commentary_is_kept_with_the_issued_report_and_printed_in_it(
    client, forum, plan_a, programme_manager_a
):
    client.force_login(programme_manager_a)
    first, second = plan_a.priorities.order_by("number")
    client.post(
        _issue_url(forum),
        {"period": "2023-Q1", "summary": SUMMARY, f"priority_{first.id}": "On course."},
    )
    report = IssuedReport.objects.get()
    assert report.commentary == SUMMARY
    assert report.priority_commentary == {str(first.id): "On course."}
    assert report.history.get().commentary == SUMMARY
    pages = pdf_pages(bytes(report.content))
    summary = next(text for text in pages if text.startswith("Summary:"))
    assert "A steady quarter. One <b>Red</b> action & one slipped date." in summary
    priority = next(text for text in pages if text.startswith("Priority 1:"))
    assert "Priority 1: Meeting needs early Commentary by" in priority
    assert "On course." in priority
    assert "Commentary" not in next(text for text in pages if text.startswith("Priority 2:"))
