"""Forum pages: who may read them, the forum list, and the forum page's members, calendar
and pages of meetings."""

import datetime as dt

from django.urls import reverse

from governance.models import Meeting
from tests import factories

from .conftest import forum_url, meeting_url


def test_forum_pages_send_an_anonymous_visitor_to_sign_in(client, meeting):
    for url in [
        reverse("governance:forum_list", args=[meeting.forum.area.slug]),
        forum_url(meeting.forum),
        meeting_url(meeting),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_forum_pages_are_not_found_for_a_user_of_another_area(client, lead_b, meeting):
    client.force_login(lead_b)

    for url in [
        reverse("governance:forum_list", args=[meeting.forum.area.slug]),
        forum_url(meeting.forum),
        meeting_url(meeting),
    ]:
        assert client.get(url).status_code == 404


def test_a_forum_of_another_area_is_not_found_under_ones_own_area(client, lead_b, meeting, area_b):
    client.force_login(lead_b)
    url = reverse(
        "governance:forum_detail",
        kwargs={"area_slug": area_b.slug, "forum_slug": "send-implementation-group"},
    )

    assert client.get(url).status_code == 404


def test_forum_list_names_the_areas_forums(client, viewer_a, forum):
    client.force_login(viewer_a)

    body = client.get(reverse("governance:forum_list", args=[forum.area.slug])).content.decode()

    assert "SEND Implementation Group" in body
    assert "Area A WSoA" in body


def test_forum_page_shows_purpose_members_plan_and_calendar(client, viewer_a, meeting):
    client.force_login(viewer_a)

    response = client.get(forum_url(meeting.forum) + "?year=2023")

    body = response.content.decode()
    assert "Leads the delivery of the plan." in body
    assert "Carla Scaife" in body and "Chair" in body and "Darlington Parent Carers Forum" in body
    assert "Area A WSoA" in body
    assert "Meeting calendar 2023" in body
    slots = response.context["slots"]
    assert len(slots) == 12
    assert [s.meeting for s in slots if s.meeting] == [meeting]
    assert meeting_url(meeting) in body
    # A viewer gets no button to add meetings.
    assert "governance:meeting_add" not in body
    assert forum_url(meeting.forum, "governance:meeting_add") not in body


def test_calendar_links_only_to_years_it_can_show(client, viewer_a, forum):
    client.force_login(viewer_a)

    first = client.get(forum_url(forum) + "?year=2000").content.decode()
    last = client.get(forum_url(forum) + "?year=2099").content.decode()
    beyond = client.get(forum_url(forum) + "?year=2100")

    assert "?year=1999" not in first and 'href="?year=2001#calendar"' in first
    assert "?year=2100" not in last and 'href="?year=2098#calendar"' in last
    assert beyond.status_code == 400
    assert "Enter a year between 2000 and 2099." in beyond.content.decode()


def test_calendar_defaults_to_the_year_of_the_latest_meeting(client, viewer_a, meeting):
    client.force_login(viewer_a)

    assert client.get(forum_url(meeting.forum)).context["year"] == 2023


def _monthly_meetings(forum, first: dt.date, count: int) -> list[Meeting]:
    meetings = []
    for n in range(count):
        month = dt.date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, 1)
        start = dt.date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
        meetings.append(
            factories.MeetingFactory(
                forum=forum,
                scheduled_for=month.replace(day=9),
                period_start=start,
                period_end=month - dt.timedelta(days=1),
            )
        )
    return meetings


def test_forum_page_lists_meetings_newest_first_twelve_to_a_page(client, viewer_a, forum):
    meetings = _monthly_meetings(forum, dt.date(2022, 1, 1), 30)  # January 2022 to June 2024
    client.force_login(viewer_a)

    first = client.get(forum_url(forum))
    second = client.get(forum_url(forum) + "?page=2")
    last = client.get(forum_url(forum) + "?page=3")

    def listed(response):
        return [m.pk for m in response.context["meetings"]]

    newest_first = [m.pk for m in reversed(meetings)]
    assert listed(first) == newest_first[:12]
    assert listed(second) == newest_first[12:24]
    assert listed(last) == newest_first[24:]
    body = first.content.decode()
    assert "30 meetings recorded, newest first: 1 to 12 on this page." in body
    assert '<nav class="govuk-pagination" aria-label="Pages of meetings">' in body
    assert 'href="?page=2#meetings" rel="next"' in body
    assert 'aria-current="page">1</a>' in body
    assert meeting_url(meetings[-1]) in body
    assert meeting_url(meetings[0]) not in body  # January 2022 is on the last page
    assert meeting_url(meetings[0]) in last.content.decode()
    assert 'rel="prev"' in last.content.decode() and 'rel="next"' not in last.content.decode()


def test_forum_page_links_keep_the_calendar_year_and_forgive_a_bad_page(client, viewer_a, forum):
    meetings = _monthly_meetings(forum, dt.date(2022, 1, 1), 30)
    client.force_login(viewer_a)

    response = client.get(forum_url(forum) + "?year=2022&page=2")

    assert response.context["year"] == 2022
    assert 'href="?year=2022&amp;page=3#meetings" rel="next"' in response.content.decode()
    # Out of range or not a number: the last page or the first, never an error.
    beyond = client.get(forum_url(forum) + "?page=99")
    assert beyond.status_code == 200
    assert [m.pk for m in beyond.context["meetings"]] == [m.pk for m in meetings[:6]][::-1]
    nonsense = client.get(forum_url(forum) + "?page=%3Cscript%3E")
    assert nonsense.status_code == 200
    assert nonsense.context["meetings"].number == 1


def test_forum_page_calendar_shows_the_latest_year_of_a_long_running_forum(client, viewer_a, forum):
    _monthly_meetings(forum, dt.date(2022, 1, 1), 30)
    client.force_login(viewer_a)

    response = client.get(forum_url(forum))

    assert response.context["year"] == 2024
    assert [s.scheduled_for.month for s in response.context["slots"] if s.meeting] == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]


def test_forum_page_with_few_meetings_has_no_pagination(client, viewer_a, meeting):
    client.force_login(viewer_a)

    body = client.get(forum_url(meeting.forum)).content.decode()

    assert "1 meeting recorded, newest first." in body
    assert "govuk-pagination" not in body
