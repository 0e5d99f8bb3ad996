"""Forum and meeting pages: members, calendar, pack, attendance, decisions, carry-forward."""

import datetime as dt

import pytest
from django.urls import reverse
from simple_history.utils import get_history_model_for_model

from governance.models import Attendance, Cadence, Decision, DecisionLink, DecisionStatus, Meeting
from governance.services import carried_decisions, complete_decision, record_decision
from tests import factories
from tests.builders import build_dashboard_plan


@pytest.fixture
def forum(area_a, plan_a):
    forum = factories.ForumFactory(
        area=area_a,
        plan=plan_a,
        name="SEND Implementation Group",
        slug="send-implementation-group",
        cadence=Cadence.MONTHLY,
        level="Leadership and Operational Delivery",
        purpose="Leads the delivery of the plan.",
    )
    for n, (name, role, organisation) in enumerate(
        [
            ("Carla Scaife", "Chair", "Darlington Parent Carers Forum"),
            ("James Stroyan", "Group Director of People", "Darlington Borough Council"),
        ]
    ):
        person = factories.PersonFactory(area=area_a, name=name, organisation=organisation)
        factories.ForumMemberFactory(
            forum=forum, person=person, role=role, organisation=organisation, order=n
        )
    return forum


@pytest.fixture
def meeting(forum):
    return factories.MeetingFactory(
        forum=forum,
        scheduled_for=dt.date(2023, 5, 9),
        held_on=dt.date(2023, 5, 10),
        period_start=dt.date(2023, 4, 1),
        period_end=dt.date(2023, 4, 30),
    )


def _forum_url(forum, name="governance:forum_detail", **extra):
    return reverse(name, kwargs={"area_slug": forum.area.slug, "forum_slug": forum.slug, **extra})


def _meeting_url(meeting, name="governance:meeting_detail", **extra):
    return _forum_url(meeting.forum, name, meeting_id=meeting.pk, **extra)


def _counts():
    models = [Meeting, Attendance, Decision, DecisionLink]
    return [m.objects.count() for m in models] + [
        get_history_model_for_model(m).objects.count() for m in models
    ]


# --- Reading ---------------------------------------------------------------------------


def test_forum_pages_send_an_anonymous_visitor_to_sign_in(client, meeting):
    for url in [
        reverse("governance:forum_list", args=[meeting.forum.area.slug]),
        _forum_url(meeting.forum),
        _meeting_url(meeting),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_forum_pages_are_not_found_for_a_user_of_another_area(client, lead_b, meeting):
    client.force_login(lead_b)

    for url in [
        reverse("governance:forum_list", args=[meeting.forum.area.slug]),
        _forum_url(meeting.forum),
        _meeting_url(meeting),
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

    response = client.get(_forum_url(meeting.forum) + "?year=2023")

    body = response.content.decode()
    assert "Leads the delivery of the plan." in body
    assert "Carla Scaife" in body and "Chair" in body and "Darlington Parent Carers Forum" in body
    assert "Area A WSoA" in body
    assert "Meeting calendar 2023" in body
    slots = response.context["slots"]
    assert len(slots) == 12
    assert [s.meeting for s in slots if s.meeting] == [meeting]
    assert _meeting_url(meeting) in body
    # A viewer gets no button to add meetings.
    assert "governance:meeting_add" not in body
    assert _forum_url(meeting.forum, "governance:meeting_add") not in body


def test_calendar_links_only_to_years_it_can_show(client, viewer_a, forum):
    client.force_login(viewer_a)

    first = client.get(_forum_url(forum) + "?year=2000").content.decode()
    last = client.get(_forum_url(forum) + "?year=2099").content.decode()
    beyond = client.get(_forum_url(forum) + "?year=2100")

    assert "?year=1999" not in first and 'href="?year=2001#calendar"' in first
    assert "?year=2100" not in last and 'href="?year=2098#calendar"' in last
    assert beyond.status_code == 400
    assert "Enter a year between 2000 and 2099." in beyond.content.decode()


def test_calendar_defaults_to_the_year_of_the_latest_meeting(client, viewer_a, meeting):
    client.force_login(viewer_a)

    assert client.get(_forum_url(meeting.forum)).context["year"] == 2023


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

    first = client.get(_forum_url(forum))
    second = client.get(_forum_url(forum) + "?page=2")
    last = client.get(_forum_url(forum) + "?page=3")

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
    assert _meeting_url(meetings[-1]) in body
    assert _meeting_url(meetings[0]) not in body  # January 2022 is on the last page
    assert _meeting_url(meetings[0]) in last.content.decode()
    assert 'rel="prev"' in last.content.decode() and 'rel="next"' not in last.content.decode()


def test_forum_page_links_keep_the_calendar_year_and_forgive_a_bad_page(client, viewer_a, forum):
    meetings = _monthly_meetings(forum, dt.date(2022, 1, 1), 30)
    client.force_login(viewer_a)

    response = client.get(_forum_url(forum) + "?year=2022&page=2")

    assert response.context["year"] == 2022
    assert 'href="?year=2022&amp;page=3#meetings" rel="next"' in response.content.decode()
    # Out of range or not a number: the last page or the first, never an error.
    beyond = client.get(_forum_url(forum) + "?page=99")
    assert beyond.status_code == 200
    assert [m.pk for m in beyond.context["meetings"]] == [m.pk for m in meetings[:6]][::-1]
    nonsense = client.get(_forum_url(forum) + "?page=%3Cscript%3E")
    assert nonsense.status_code == 200
    assert nonsense.context["meetings"].number == 1


def test_forum_page_calendar_shows_the_latest_year_of_a_long_running_forum(client, viewer_a, forum):
    _monthly_meetings(forum, dt.date(2022, 1, 1), 30)
    client.force_login(viewer_a)

    response = client.get(_forum_url(forum))

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

    body = client.get(_forum_url(meeting.forum)).content.decode()

    assert "1 meeting recorded, newest first." in body
    assert "govuk-pagination" not in body


def test_meeting_page_shows_period_pack_attendance_and_decisions(client, viewer_a, meeting):
    members = list(meeting.forum.members.select_related("person"))
    factories.AttendanceFactory(meeting=meeting, person=members[0].person, status="present")
    factories.AttendanceFactory(meeting=meeting, person=members[1].person, status="apologies")
    factories.DecisionFactory(meeting=meeting, text="Review the data dashboard")
    client.force_login(viewer_a)

    body = client.get(_meeting_url(meeting)).content.decode()

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

    body = client.get(_meeting_url(meeting)).content.decode()

    assert "Carried from April" in body
    assert "Closed in April" not in body


# --- Writing ---------------------------------------------------------------------------


def test_programme_manager_records_the_actual_date(client, programme_manager_a, meeting):
    client.force_login(programme_manager_a)

    response = client.post(
        _meeting_url(meeting, "governance:meeting_date_edit"),
        {"held_on_0": "12", "held_on_1": "5", "held_on_2": "2023"},
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.held_on == dt.date(2023, 5, 12)
    assert meeting.history.latest().history_user == programme_manager_a


def test_an_impossible_date_gets_a_govuk_error(client, programme_manager_a, meeting):
    client.force_login(programme_manager_a)

    response = client.post(
        _meeting_url(meeting, "governance:meeting_date_edit"),
        {"held_on_0": "31", "held_on_1": "2", "held_on_2": "2023"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "must be a real date" in body
    meeting.refresh_from_db()
    assert meeting.held_on == dt.date(2023, 5, 10)


def test_programme_manager_records_attendance(client, programme_manager_a, meeting):
    members = list(meeting.forum.members.all())
    client.force_login(programme_manager_a)
    url = _meeting_url(meeting, "governance:meeting_attendance_edit")
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            f"person_{members[0].person_id}": "present",
            f"person_{members[1].person_id}": "apologies",
        },
    )

    assert response.status_code == 302
    rows = dict(Attendance.objects.filter(meeting=meeting).values_list("person_id", "status"))
    assert rows == {members[0].person_id: "present", members[1].person_id: "apologies"}
    client.post(url, {f"person_{members[0].person_id}": "present"})
    assert Attendance.objects.filter(meeting=meeting).count() == 1
    history = get_history_model_for_model(Attendance).objects.all()
    assert {h.history_user for h in history} == {programme_manager_a}


def test_programme_manager_records_a_decision_linked_to_plan_items(
    client, programme_manager_a, meeting
):
    build_dashboard_plan(meeting.forum.plan)
    action = meeting.forum.plan.actions.get(text="Action 1.1.3")
    issue = action.issue
    owner = meeting.forum.members.first().person
    client.force_login(programme_manager_a)
    url = _meeting_url(meeting, "governance:decision_add")
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "kind": "challenge",
            "text": "Explain the delay on 1.1",
            "owner": owner.pk,
            "due_date_0": "30",
            "due_date_1": "6",
            "due_date_2": "2023",
            "actions": [action.pk],
            "issues": [issue.pk],
        },
    )

    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.kind, decision.owner, decision.due_date) == (
        "challenge",
        owner,
        dt.date(2023, 6, 30),
    )
    assert {link.item for link in decision.links.all()} == {action, issue}
    body = client.get(_meeting_url(meeting)).content.decode()
    assert "Explain the delay on 1.1" in body
    assert "Action 1.1.3" in body


def test_a_decision_without_text_gets_a_govuk_error(client, programme_manager_a, meeting):
    client.force_login(programme_manager_a)

    response = client.post(_meeting_url(meeting, "governance:decision_add"), {"kind": "decision"})

    assert response.status_code == 200
    assert "Enter what was decided or challenged" in response.content.decode()
    assert Decision.objects.count() == 0


def test_a_decision_cannot_link_another_plans_items(client, programme_manager_a, meeting, plan_b):
    other = factories.ActionFactory(
        issue=factories.IssueFactory(priority=factories.PriorityFactory(plan=plan_b, number=1))
    )
    client.force_login(programme_manager_a)

    response = client.post(
        _meeting_url(meeting, "governance:decision_add"),
        {"kind": "decision", "text": "x", "actions": [other.pk]},
    )

    assert response.status_code == 200
    assert Decision.objects.count() == 0


def test_programme_manager_marks_a_decision_done_and_reopens_it(
    client, programme_manager_a, meeting
):
    decision = factories.DecisionFactory(meeting=meeting)
    client.force_login(programme_manager_a)

    client.post(_meeting_url(meeting, "governance:decision_complete", decision_id=decision.pk))
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE
    assert decision.done_on is not None

    client.post(_meeting_url(meeting, "governance:decision_reopen", decision_id=decision.pk))
    decision.refresh_from_db()
    assert (decision.status, decision.done_on) == (DecisionStatus.OPEN, None)


def test_programme_manager_adds_a_meeting_from_the_calendar(client, programme_manager_a, forum):
    client.force_login(programme_manager_a)

    response = client.post(
        _forum_url(forum, "governance:meeting_add"), {"scheduled_for": "2023-06-13"}
    )

    meeting = Meeting.objects.get(forum=forum)
    assert response["Location"] == _meeting_url(meeting)
    assert (meeting.period_start, meeting.period_end) == (dt.date(2023, 5, 1), dt.date(2023, 5, 31))


@pytest.mark.parametrize("date", ["0001-01-05", "9999-12-20", "2023-02-30", "13 June", ""])
def test_a_meeting_date_the_calendar_cannot_show_is_refused_with_a_message(
    client, programme_manager_a, forum, date
):
    client.force_login(programme_manager_a)

    response = client.post(
        _forum_url(forum, "governance:meeting_add"), {"scheduled_for": date}, follow=True
    )

    assert "Select a meeting date from the calendar." in response.content.decode()
    assert not Meeting.objects.filter(forum=forum).exists()


def _write_requests(meeting, decision):
    person = meeting.forum.members.first().person_id
    return [
        (_forum_url(meeting.forum, "governance:meeting_add"), {"scheduled_for": "2023-06-13"}),
        (
            _meeting_url(meeting, "governance:meeting_date_edit"),
            {"held_on_0": "1", "held_on_1": "6", "held_on_2": "2023"},
        ),
        (
            _meeting_url(meeting, "governance:meeting_attendance_edit"),
            {f"person_{person}": "present"},
        ),
        (_meeting_url(meeting, "governance:decision_add"), {"kind": "decision", "text": "x"}),
        (_meeting_url(meeting, "governance:decision_complete", decision_id=decision.pk), {}),
        (_meeting_url(meeting, "governance:decision_reopen", decision_id=decision.pk), {}),
    ]


def test_read_only_viewer_can_write_nothing(client, viewer_a, meeting):
    decision = factories.DecisionFactory(meeting=meeting)
    client.force_login(viewer_a)
    before = _counts()

    for url, data in _write_requests(meeting, decision):
        assert client.post(url, data).status_code == 403, url
        if "add" not in url or "decisions" in url:
            assert client.get(url).status_code in (403, 405), url

    assert _counts() == before
    meeting.refresh_from_db()
    assert meeting.held_on == dt.date(2023, 5, 10)


def test_a_lead_of_another_area_can_write_nothing(client, lead_b, meeting):
    decision = factories.DecisionFactory(meeting=meeting)
    client.force_login(lead_b)
    before = _counts()

    for url, data in _write_requests(meeting, decision):
        assert client.post(url, data).status_code == 404, url

    assert _counts() == before


def test_writes_need_the_csrf_token(meeting, programme_manager_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(programme_manager_a)
    decision = factories.DecisionFactory(meeting=meeting)

    for url, data in _write_requests(meeting, decision):
        assert client.post(url, data).status_code == 403, url


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
#  (no session save: renewed at sign-in, less than a minute before)
MEETING_QUERIES = 14
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
    url = _meeting_url(meeting) if page == "meeting" else _forum_url(meeting.forum)
    _grow(meeting, 2)
    with django_assert_max_num_queries(limit) as small:
        assert client.get(url).status_code == 200
    _grow(meeting, 20)
    with django_assert_max_num_queries(limit) as big:
        assert client.get(url).status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)
