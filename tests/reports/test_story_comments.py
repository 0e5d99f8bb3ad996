"""A partner reviewer comments on an issue's story so far in the open month; the issue's
lead reads it on their task list (issue 19)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from actions.models import StoryComment
from sendplan.models import MonthStatus, Role
from tests import factories

MAY = dt.date(2023, 5, 1)


@pytest.fixture
def world(plan_a, lead_a):
    priority = factories.PriorityFactory(plan=plan_a, number=1, title="Meeting needs")
    issue = factories.IssueFactory(priority=priority, ref="1.2", description="Assessments")
    action = factories.ActionFactory(issue=issue, text="Audit the panel")
    person = factories.PersonFactory(area=plan_a.area, name="Lena Lead", user=lead_a)
    factories.ActionLeadFactory(action=action, person=person)
    month = factories.ReportingMonthFactory(plan=plan_a, month=MAY, status=MonthStatus.OPEN)
    reviewer = factories.UserFactory(username="pcf", first_name="Alex", last_name="Morgan")
    factories.MembershipFactory(
        user=reviewer,
        area=plan_a.area,
        role=Role.PARTNER_REVIEWER,
        organisation="Example Parent Carer Forum",
    )
    return plan_a, issue, month, reviewer


@time_machine.travel(dt.datetime(2023, 5, 15, 10, 0), tick=False)
def test_a_reviewers_comment_reaches_the_leads_task_list(client, world, lead_a, viewer_a):
    plan, issue, month, reviewer = world
    page_url = reverse("reports:issue_detail", args=[plan.slug, issue.ref])
    comment_url = reverse("reports:story_comment", args=[plan.slug, issue.ref])

    client.force_login(reviewer)
    assert "Add comment" in client.get(page_url).content.decode()
    refused = client.post(comment_url, {"comment": "  "}, follow=True)
    assert "Enter your comment on the story so far" in refused.content.decode()
    client.post(comment_url, {"comment": "Families say the panel still meets too rarely."})
    comment = StoryComment.objects.get()
    assert comment.month == MAY and comment.organisation == "Example Parent Carer Forum"
    assert comment.history.get().history_user == reviewer

    client.force_login(lead_a)
    tasks = client.get(reverse("progress:my_updates", args=[plan.slug])).content.decode()
    assert "Families say the panel still meets too rarely." in tasks
    assert "Alex Morgan, Example Parent Carer Forum" in tasks

    # A viewer reads it on the issue's page but cannot add one.
    client.force_login(viewer_a)
    page = client.get(page_url).content.decode()
    assert "Families say the panel still meets too rarely." in page
    assert "Add comment" not in page
    assert client.post(comment_url, {"comment": "x"}).status_code == 403


@time_machine.travel(dt.datetime(2023, 6, 15, 10, 0), tick=False)
def test_no_comment_once_the_month_has_closed(client, world):
    plan, issue, month, reviewer = world
    month.status = MonthStatus.CLOSED
    month.save()
    client.force_login(reviewer)
    comment_url = reverse("reports:story_comment", args=[plan.slug, issue.ref])
    page = client.post(comment_url, {"comment": "Late words"}, follow=True).content.decode()
    assert "No month is open" in page
    assert not StoryComment.objects.exists()


def test_the_issue_page_as_at_a_date_shows_the_comments_as_they_stood_then(client, world, viewer_a):
    from django.utils import timezone

    plan, issue, _month, reviewer = world
    client.force_login(reviewer)
    client.post(
        reverse("reports:story_comment", args=[plan.slug, issue.ref]),
        {"comment": "Families say the panel still meets too rarely."},
    )
    written = timezone.localdate()
    comment = StoryComment.objects.get()
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        comment.delete()
        client.force_login(viewer_a)
        url = reverse("reports:issue_detail", args=[plan.slug, issue.ref])
        assert "meets too rarely" not in client.get(url).content.decode()
        then = client.get(f"{url}?month=2023-05&as_at={written:%Y-%m-%d}").content.decode()
        assert "Families say the panel still meets too rarely." in then
        assert f"Alex Morgan, Example Parent Carer Forum, {written:%-d %B %Y}" in then
