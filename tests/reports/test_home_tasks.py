"""Everything one click away: the assurance executive's home leads to the latest issued
pack in one click, the programme manager's to the chase, a lead's to what they owe."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from governance.periods import parse_period
from reports.services import issue_report
from sendplan.models import Role
from tests import factories
from tests.builders import build_quarter_plan

from .pdf_support import quarterly_forum

pytestmark = pytest.mark.django_db


def _links(html: str) -> dict[str, str]:
    return {
        re.sub(r"<[^>]+>|\s+", " ", text).strip(): href
        for href, text in re.findall(r'<a class="govuk-link[^"]*" href="([^"]+)">(.*?)</a>', html)
    }


@pytest.fixture
def issued(plan_a, programme_manager_a):
    build_quarter_plan(plan_a)
    forum = quarterly_forum(plan_a.area, plan_a)
    with time_machine.travel(timezone.make_aware(dt.datetime(2023, 4, 12, 10))):
        return issue_report(
            plan=plan_a, forum=forum, period=parse_period("2023-Q1"), user=programme_manager_a
        )


def test_the_assurance_executive_downloads_the_latest_pack_in_one_click_from_home(
    client, area_a, issued
):
    member = factories.UserFactory(username="ae-member")
    factories.MembershipFactory(user=member, area=area_a, role=Role.ASSURANCE_EXECUTIVE)
    client.force_login(member)
    home = client.get("/").content.decode()
    links = _links(home)
    (text,) = [t for t in links if t.startswith("Download")]
    assert text == f"Download {issued.period_label} pack (PDF)"
    pdf = client.get(links[text])  # click 1
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]).startswith(b"%PDF")
    assert "Latest issued pack:" in home


def test_the_programme_manager_reaches_the_chase_in_one_click_and_a_lead_their_updates(
    client, plan_a, issued, programme_manager_a, lead_a
):
    client.force_login(programme_manager_a)
    with time_machine.travel(timezone.make_aware(dt.datetime(2023, 4, 20, 10))):
        links = _links(client.get("/").content.decode())
        months = client.get(links["See who is missing and chase them"])  # click 1
    assert months.status_code == 200
    assert "progress" in months.content.decode()

    client.force_login(lead_a)
    factories.ActionLeadFactory(
        action=plan_a.actions.first(), person=factories.PersonFactory(area=plan_a.area, user=lead_a)
    )
    with time_machine.travel(timezone.make_aware(dt.datetime(2023, 4, 20, 10))):
        home = client.get("/").content.decode()
    assert re.search(r"\d+ of \d+ of your items submitted for April 2023", home)
    assert "Go to my updates" in _links(home)
