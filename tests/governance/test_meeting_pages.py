"""The meeting page: period, pack links, attendance and decisions, decisions carried
forward, and the queries of the meeting and forum pages."""

import datetime as dt

import pytest
from django.urls import reverse

from governance.models import DecisionLink
from governance.services import carried_decisions, complete_decision, record_decision
from tests import factories

from .conftest import forum_url, meeting_url


def test_meeting_page_shows_period_pack_attendance_and_decisions(client, viewer_a, meeting):
    members = list(meeting.forum.members.select_related("person"))
    factories.AttendanceFactory(meeting=meeting, person=members[0].person, status="present")
    factories.AttendanceFactory(meeting=meeting, person=members[1].person, status="apologies")
    factories.DecisionFactory(meeting=meeting, text="Review the data dashboard")
    client.force_login(viewer_a)

    body = client.get(meeting_url(meeting)).content.decode()

    assert "Meeting of 10 May 2023" in body
    assert "1 April 2023 to 30 April 2023" in body
    plan_url = reverse("reports:plan_detail", args=[meeting.forum.plan.slug])
    dashboard_url = reverse("reports:dashboard", args=[meeting.forum.plan.slug])
    assert f'href="{plan_url}?month=2023-04&amp;as_at=2023-05-10"' in body
    assert f'href="{dashboard_url}?month=2023-04&amp;as_at=2023-05-10"' in body
    assert "Present" in body and "Sent apologies" in body
    assert "Review the data dashboard" in body
    assert "Record attendance" not in body  # a viewer records nothing


def test_open_decisions_carry_to_the_next_meeting_until_done(meeting, programme_manager_a):
    forum = meeting.forum
    june = factories.MeetingFactory(
        forum=forum,
        scheduled_for=dt.date(2023, 6, 13),
        period_start=dt.date(2023, 5, 1),
        period_end=dt.date(2023, 5, 31),
    )
    july = factories.MeetingFactory(
        forum=forum,
        scheduled_for=dt.date(2023, 7, 11),
        period_start=dt.date(2023, 6, 1),
        period_end=dt.date(2023, 6, 30),
    )
    open_one = record_decision(
        meeting=meeting,
        kind="challenge",
        text="Why is 1.2 Red again?",
        owner=None,
        due_date=dt.date(2023, 6, 30),
        user=programme_manager_a,
    )
    done_one = record_decision(
        meeting=meeting,
        kind="decision",
        text="Adopt the new dashboard",
        owner=None,
        due_date=None,
        user=programme_manager_a,
    )
    complete_decision(decision=done_one, done_on=dt.date(2023, 6, 20), user=programme_manager_a)

    assert list(carried_decisions(meeting)) == []
    # Done on 20 June: still open at the June meeting, gone by July.
    assert list(carried_decisions(june)) == [open_one, done_one]
    assert list(carried_decisions(july)) == [open_one]


def test_meeting_page_lists_carried_decisions(client, viewer_a, meeting):
    earlier = factories.MeetingFactory(
        forum=meeting.forum,
        scheduled_for=dt.date(2023, 4, 11),
        period_start=dt.date(2023, 3, 1),
        period_end=dt.date(2023, 3, 31),
    )
    factories.DecisionFactory(meeting=earlier, text="Carried from April")
    factories.DecisionFactory(
        meeting=earlier, text="Closed in April", status="done", done_on=dt.date(2023, 4, 20)
    )
    client.force_login(viewer_a)

    body = client.get(meeting_url(meeting)).content.decode()

    assert "Carried from April" in body
    assert "Closed in April" not in body


# --- Query counts ----------------------------------------------------------------------


def _grow(meeting, n):
    """n more members, attendance rows, decisions (with links) and meetings."""
    forum = meeting.forum
    plan = forum.plan
    issue = factories.IssueFactory(priority=factories.PriorityFactory(plan=plan))
    for i in range(n):
        person = factories.PersonFactory(area=forum.area, name=f"Member {n}-{i}")
        factories.ForumMemberFactory(forum=forum, person=person)
        factories.AttendanceFactory(meeting=meeting, person=person)
        decision = factories.DecisionFactory(meeting=meeting, owner=person)
        DecisionLink.objects.create(decision=decision, issue=issue)
        DecisionLink.objects.create(decision=decision, action=factories.ActionFactory(issue=issue))
        earlier = factories.MeetingFactory(
            forum=forum,
            scheduled_for=dt.date(2022, 1, 1) + dt.timedelta(days=7 * i + 7 * n),
        )
        carried = factories.DecisionFactory(meeting=earlier, owner=person)
        DecisionLink.objects.create(
            decision=carried, target=factories.OutcomeTargetFactory(issue=issue)
        )


# Queries of the meeting page:
#  1 session, 2 user; 3 area, 4 memberships, 5 person ids (sendplan.access.get_area)
#  6 forum with plan and area, 7 meeting
#  8 members with people, 9 attendance with people
#  10 decisions with owners, 11 their links with items
#  12 carried decisions with owner and meeting, 13 their links
#  14 issued reports of the meeting (when the reports app has them)
#  15 the decisions' current evidence (when the evidence app has them)
#  (no session save: renewed at sign-in, less than a minute before)
MEETING_QUERIES = 15
# Queries of the forum page: 1-6 as above, 7 members, 8 the newest meeting's date (the
# calendar's year), 9 the meetings of that year, 10 how many meetings in all, 11 one page
# of them, 12 the newest issued reports.
FORUM_QUERIES = 12


@pytest.mark.parametrize(
    ("page", "limit"), [("meeting", MEETING_QUERIES), ("forum", FORUM_QUERIES)]
)
def test_query_count_does_not_grow_with_ten_times_the_data(
    client, viewer_a, meeting, django_assert_max_num_queries, page, limit
):
    client.force_login(viewer_a)
    url = meeting_url(meeting) if page == "meeting" else forum_url(meeting.forum)
    _grow(meeting, 2)
    with django_assert_max_num_queries(limit) as small:
        assert client.get(url).status_code == 200
    _grow(meeting, 20)
    with django_assert_max_num_queries(limit) as big:
        assert client.get(url).status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)
