"""A programme manager records a meeting: who came, and a challenge linked to an action."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from governance.models import Cadence, Decision
from sendplan.models import Role
from tests import factories
from tests.builders import build_dashboard_plan


@pytest.fixture
def meeting(transactional_db):
    area = factories.AreaFactory(name="Darlington", slug="darlington")
    plan = factories.PlanFactory(area=area, title="Darlington WSoA", slug="darlington-wsoa")
    build_dashboard_plan(plan)
    forum = factories.ForumFactory(area=area, plan=plan, cadence=Cadence.MONTHLY)
    for name in ["Carla Scaife", "James Stroyan"]:
        factories.ForumMemberFactory(
            forum=forum, person=factories.PersonFactory(area=area, name=name), role="Member"
        )
    user = factories.UserFactory(username="darlington-pm", first_name="David")
    factories.MembershipFactory(user=user, area=area, role=Role.PROGRAMME_MANAGER)
    meeting = factories.MeetingFactory(
        forum=forum,
        scheduled_for=dt.date(2023, 5, 9),
        period_start=dt.date(2023, 4, 1),
        period_end=dt.date(2023, 4, 30),
    )
    return user, meeting


def test_programme_manager_records_attendance_and_a_challenge(
    signed_in_page, live_server, meeting, axe, screenshot, console
):
    user, meeting = meeting
    page = signed_in_page(user)
    forum = meeting.forum

    # From the forum's page, the calendar leads to the meeting.
    page.goto(f"{live_server.url}/areas/darlington/forums/{forum.slug}/?year=2023")
    axe(page, "forum")
    screenshot(page, "forum")
    page.get_by_role("link", name="View the meeting of 9 May 2023").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meeting of 9 May 2023")

    # Attendance: one present, one sent apologies.
    page.get_by_role("link", name="Record attendance").click()
    axe(page, "meeting-attendance")
    page.get_by_role("group", name="Carla Scaife, Member").get_by_label("Present").check()
    page.get_by_role("group", name="James Stroyan, Member").get_by_label("Sent apologies").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance has been saved.")).to_be_visible()

    # A challenge with no text gets the GOV.UK error summary, then is recorded.
    page.get_by_role("link", name="Record a decision or challenge").click()
    page.get_by_role("radio", name="Challenge").check()
    page.get_by_role("button", name="Record it").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter what was decided or challenged"
    )
    axe(page, "decision-error")
    page.get_by_label("What was decided or challenged").fill("Why is action 1.1.3 Red again?")
    page.get_by_label("Owner").select_option(label="Carla Scaife")
    page.get_by_label("Day").fill("30")
    page.get_by_label("Month").fill("6")
    page.get_by_label("Year").fill("2023")
    page.get_by_role("checkbox", name="1.1: Action 1.1.3").check()
    page.get_by_role("button", name="Record it").click()

    decisions = page.locator("#decisions ~ table").first
    expect(decisions).to_contain_text("Why is action 1.1.3 Red again?")
    expect(decisions).to_contain_text("Carla Scaife")
    expect(page.get_by_role("link", name="Dashboard as at 9 May 2023")).to_be_visible()
    assert Decision.objects.get().links.get().action.text == "Action 1.1.3"
    axe(page, "meeting")
    screenshot(page, "meeting")
