"""Writing on the meeting pages: the date held, attendance, decisions and new meetings, and
who may write nothing."""

import datetime as dt

import pytest
from django.test import Client
from simple_history.utils import get_history_model_for_model

from governance.models import Attendance, Decision, DecisionLink, DecisionStatus, Meeting
from tests import factories
from tests.builders import build_dashboard_plan

from .conftest import forum_url, meeting_url


def _counts():
    models = [Meeting, Attendance, Decision, DecisionLink]
    return [m.objects.count() for m in models] + [
        get_history_model_for_model(m).objects.count() for m in models
    ]


def test_programme_manager_records_the_actual_date(client, programme_manager_a, meeting):
    client.force_login(programme_manager_a)

    response = client.post(
        meeting_url(meeting, "governance:meeting_date_edit"),
        {"held_on_0": "12", "held_on_1": "5", "held_on_2": "2023"},
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.held_on == dt.date(2023, 5, 12)
    assert meeting.history.latest().history_user == programme_manager_a


def test_an_impossible_date_gets_a_govuk_error(client, programme_manager_a, meeting):
    client.force_login(programme_manager_a)

    response = client.post(
        meeting_url(meeting, "governance:meeting_date_edit"),
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
    url = meeting_url(meeting, "governance:meeting_attendance_edit")
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
    url = meeting_url(meeting, "governance:decision_add")
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
    body = client.get(meeting_url(meeting)).content.decode()
    assert "Explain the delay on 1.1" in body
    assert "Action 1.1.3" in body


def test_a_decision_without_text_gets_a_govuk_error(client, programme_manager_a, meeting):
    client.force_login(programme_manager_a)

    response = client.post(meeting_url(meeting, "governance:decision_add"), {"kind": "decision"})

    assert response.status_code == 200
    assert "Enter what was decided or challenged" in response.content.decode()
    assert Decision.objects.count() == 0


def test_a_decision_cannot_link_another_plans_items(client, programme_manager_a, meeting, plan_b):
    other = factories.ActionFactory(
        issue=factories.IssueFactory(priority=factories.PriorityFactory(plan=plan_b, number=1))
    )
    client.force_login(programme_manager_a)

    response = client.post(
        meeting_url(meeting, "governance:decision_add"),
        {"kind": "decision", "text": "x", "actions": [other.pk]},
    )

    assert response.status_code == 200
    assert Decision.objects.count() == 0


def test_programme_manager_marks_a_decision_done_and_reopens_it(
    client, programme_manager_a, meeting
):
    decision = factories.DecisionFactory(meeting=meeting)
    client.force_login(programme_manager_a)

    client.post(meeting_url(meeting, "governance:decision_complete", decision_id=decision.pk))
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE
    assert decision.done_on is not None

    client.post(meeting_url(meeting, "governance:decision_reopen", decision_id=decision.pk))
    decision.refresh_from_db()
    assert (decision.status, decision.done_on) == (DecisionStatus.OPEN, None)


def test_programme_manager_adds_a_meeting_from_the_calendar(client, programme_manager_a, forum):
    client.force_login(programme_manager_a)

    response = client.post(
        forum_url(forum, "governance:meeting_add"), {"scheduled_for": "2023-06-13"}
    )

    meeting = Meeting.objects.get(forum=forum)
    assert response["Location"] == meeting_url(meeting)
    assert (meeting.period_start, meeting.period_end) == (dt.date(2023, 5, 1), dt.date(2023, 5, 31))


@pytest.mark.parametrize("date", ["0001-01-05", "9999-12-20", "2023-02-30", "13 June", ""])
def test_a_meeting_date_the_calendar_cannot_show_is_refused_with_a_message(
    client, programme_manager_a, forum, date
):
    client.force_login(programme_manager_a)

    response = client.post(
        forum_url(forum, "governance:meeting_add"), {"scheduled_for": date}, follow=True
    )

    assert "Select a meeting date from the calendar." in response.content.decode()
    assert not Meeting.objects.filter(forum=forum).exists()


def _write_requests(meeting, decision):
    person = meeting.forum.members.first().person_id
    return [
        (forum_url(meeting.forum, "governance:meeting_add"), {"scheduled_for": "2023-06-13"}),
        (
            meeting_url(meeting, "governance:meeting_date_edit"),
            {"held_on_0": "1", "held_on_1": "6", "held_on_2": "2023"},
        ),
        (
            meeting_url(meeting, "governance:meeting_attendance_edit"),
            {f"person_{person}": "present"},
        ),
        (meeting_url(meeting, "governance:decision_add"), {"kind": "decision", "text": "x"}),
        (meeting_url(meeting, "governance:decision_complete", decision_id=decision.pk), {}),
        (meeting_url(meeting, "governance:decision_reopen", decision_id=decision.pk), {}),
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
    client = Client(enforce_csrf_checks=True)
    client.force_login(programme_manager_a)
    decision = factories.DecisionFactory(meeting=meeting)

    for url, data in _write_requests(meeting, decision):
        assert client.post(url, data).status_code == 403, url
