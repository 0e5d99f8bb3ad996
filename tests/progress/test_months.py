"""The programme manager's month pages: opening, closing and re-opening a reporting month
through them, who may, and the month page's progress per lead and item. (The services
behind them are tested in tests/sendplan/test_reporting_months.py.)"""

import datetime as dt

import pytest
from django.urls import reverse

from actions.services import record_action_update
from sendplan.models import ReportingMonth
from sendplan.ratings import BRAGG
from sendplan.services import close_month
from tests import factories
from tests.actions.conftest import domain_counts
from tests.sendplan.conftest import APRIL, JUNE, MAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_in_june_2023")]


def _url(name, plan, month=None):
    kwargs = {"plan_slug": plan.slug}
    if month:
        kwargs["month"] = f"{month:%Y-%m}"
    return reverse(f"progress:{name}", kwargs=kwargs)


@pytest.mark.parametrize("name", ["month", "open_month"])
def test_anonymous_visitors_are_sent_to_sign_in(client, plan_a, may, name):
    response = client.get(_url(name, plan_a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "name, month",
    [("month", None), ("open_month", None), ("close_month", MAY), ("reopen_month", MAY)],
)
def test_outsiders_get_not_found_and_change_nothing(client, plan_a, may, lead_b, name, month):
    client.force_login(lead_b)
    before = domain_counts()
    assert client.get(_url(name, plan_a, month)).status_code == 404
    assert client.post(_url(name, plan_a, month), {"reason": "x"}).status_code in (404, 405)
    assert domain_counts() == before


@pytest.mark.parametrize(
    "name, month",
    [("month", None), ("open_month", None), ("close_month", MAY), ("reopen_month", MAY)],
)
def test_leads_and_viewers_cannot_run_months(client, plan_a, may, lead_a, viewer_a, name, month):
    for user in (lead_a, viewer_a):
        client.force_login(user)
        before = domain_counts()
        assert client.get(_url(name, plan_a, month)).status_code == 403
        assert client.post(_url(name, plan_a, month), {"reason": "x"}).status_code in (403, 405)
        assert domain_counts() == before


def test_the_month_page_shows_progress_per_lead_and_item(
    client, plan_a, may, lead_a, lead_item, programme_manager_a
):
    record_action_update(
        action=lead_item, month=MAY, user=lead_a, status=BRAGG.GREEN, expected_version=0
    )
    client.force_login(programme_manager_a)
    html = client.get(_url("month", plan_a)).content.decode()
    assert "May 2023: progress" in html
    assert "Lead A Person" in html
    assert "0 of 2 submitted, 1 in draft, 1 missing" in html
    assert "Close May 2023" in html


def test_the_programme_manager_closes_then_reopens_a_month_through_the_pages(
    client, plan_a, may, programme_manager_a
):
    client.force_login(programme_manager_a)
    confirm = client.get(_url("close_month", plan_a, MAY))
    assert "Are you sure you want to close May 2023?" in confirm.content.decode()
    response = client.post(_url("close_month", plan_a, MAY), follow=True)
    assert "May 2023 is closed" in response.content.decode()
    may.refresh_from_db()
    assert not may.is_open

    empty = client.post(_url("reopen_month", plan_a, MAY), {"reason": ""})
    assert empty.status_code == 400
    assert "Enter the reason for re-opening the month" in empty.content.decode()
    response = client.post(
        _url("reopen_month", plan_a, MAY), {"reason": "Correct 1.1"}, follow=True
    )
    html = response.content.decode()
    assert "May 2023 is open again" in html
    assert "Re-opened May 2023: Correct 1.1" in html  # the page lists the month's history


def test_the_programme_manager_opens_the_next_month_with_a_deadline(
    client, plan_a, may, programme_manager_a
):
    client.force_login(programme_manager_a)
    refused = client.post(
        _url("open_month", plan_a),
        {
            "month_0": "6",
            "month_1": "2023",
            "deadline_0": "30",
            "deadline_1": "6",
            "deadline_2": "2023",
        },
    )
    assert refused.status_code == 400
    assert "Close May 2023 before opening June 2023" in refused.content.decode()
    close_month(plan=plan_a, month=MAY, user=programme_manager_a)
    page = client.get(_url("open_month", plan_a)).content.decode()
    assert 'value="6"' in page and 'value="2023"' in page  # June is offered
    response = client.post(
        _url("open_month", plan_a),
        {
            "month_0": "6",
            "month_1": "2023",
            "deadline_0": "30",
            "deadline_1": "6",
            "deadline_2": "2023",
        },
    )
    assert response.status_code == 302
    june = ReportingMonth.objects.get(plan=plan_a, month=JUNE)
    assert june.deadline == dt.date(2023, 6, 30)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"month_0": "7", "month_1": "2023"}, "You cannot open July 2023 yet"),
        ({"month_0": "13", "month_1": "2023"}, "must be a real month"),
        ({"month_0": "", "month_1": ""}, "Enter the month to open"),
        (
            {
                "month_0": "6",
                "month_1": "2023",
                "deadline_0": "31",
                "deadline_1": "2",
                "deadline_2": "2023",
            },
            "The deadline must be a real date",
        ),
    ],
)
def test_bad_months_are_refused_with_a_message(client, plan_a, programme_manager_a, data, message):
    client.force_login(programme_manager_a)
    before = domain_counts()
    response = client.post(_url("open_month", plan_a), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert domain_counts() == before


def test_a_month_not_in_the_plan_is_not_found(client, plan_a, may, programme_manager_a):
    client.force_login(programme_manager_a)
    assert client.get(_url("month_detail", plan_a, APRIL)).status_code == 404
    assert client.get(f"/plans/{plan_a.slug}/months/2023-13/").status_code == 404


@pytest.mark.parametrize("size", [1, 8])
def test_the_month_page_costs_the_same_queries_whatever_the_plan_size(
    client, plan_a, may, programme_manager_a, size, django_assert_max_num_queries
):
    for i in range(size):
        issue = factories.IssueFactory(
            priority=factories.PriorityFactory(plan=plan_a), ref=f"2.{i}"
        )
        action = factories.ActionFactory(issue=issue)
        person = factories.PersonFactory(area=plan_a.area, name=f"Lead {i}")
        factories.ActionLeadFactory(action=action, person=person)
        factories.ActionStatusFactory(action=action, month=MAY)
    client.force_login(programme_manager_a)
    # session, user, plan, memberships, people (access); the plan's months; plan_state's
    # fixed set; the month's history with its users (the session, renewed at sign-in, is
    # not saved again).
    with django_assert_max_num_queries(21):
        assert client.get(_url("month", plan_a)).status_code == 200
