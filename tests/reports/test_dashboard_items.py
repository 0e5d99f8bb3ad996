"""The page listing the items behind one bar of the dashboard's trend charts."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from actions.models import Action, ActionStatus, EntryState
from outcomes.models import ImpactRating, OutcomeTarget
from sendplan.ratings import BRAGG
from tests import factories
from tests.builders import APRIL, MARCH, build_dashboard_plan


def _url(plan, **query):
    query = {"chart": "bragg-trend", "bar": "2023-04", "value": "red", **query}
    return reverse("reports:dashboard_items", args=[plan.slug]) + "?" + urlencode(query)


@pytest.fixture
def built(plan_a):
    build_dashboard_plan(plan_a)
    return plan_a


def _rows(body: str) -> list[str]:
    table = re.search(r'<table class="govuk-table sendplan-items-table">(.*?)</table>', body, re.S)
    if table is None:
        return []
    tbody = table[1].split('<tbody class="govuk-table__body">')[1]
    return re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', tbody, re.S)


def _texts(body: str) -> list[str]:
    return sorted(re.findall(r"(?:Action|Target) \d\.\d\.\d", " ".join(_rows(body))))


def _h1(body: str) -> str:
    return re.search(r'<h1 class="govuk-heading-l">(.*?)</h1>', body, re.S)[1]


def _at(day: dt.date, hour: int = 12):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


# --- Access ----------------------------------------------------------------------------


def test_items_page_sends_an_anonymous_visitor_to_sign_in(client, built):
    response = client.get(_url(built))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_items_page_is_not_found_for_a_lead_of_another_area(client, lead_b, built, plan_b):
    client.force_login(lead_b)

    assert client.get(_url(built)).status_code == 404
    assert client.get(_url(built, bar="2023-13")).status_code == 404  # before any checking
    assert client.get(_url(plan_b)).status_code == 200


def test_read_only_viewer_sees_the_items_but_cannot_post_to_the_page(client, viewer_a, built):
    client.force_login(viewer_a)
    statuses = ActionStatus.objects.count()

    assert client.get(_url(built)).status_code == 200
    assert client.post(_url(built), {"value": "green"}).status_code == 405
    assert ActionStatus.objects.count() == statuses


# --- What it lists ---------------------------------------------------------------------


def test_items_page_lists_the_actions_rated_red_with_the_word_and_the_months_note(
    client, viewer_a, built
):
    client.force_login(viewer_a)

    body = client.get(_url(built, month="2023-04")).content.decode()

    assert _h1(body) == "Actions rated Red in April 2023 (2)"
    assert _texts(body) == ["Action 1.1.3", "Action 2.1.3"]
    for row in _rows(body):
        assert ">Red<" in row  # the BRAGG word, not the colour alone
        assert "Why" in row  # the lead's note for that month
    issue = reverse("reports:issue_detail", args=[built.slug, "1.1"])
    assert f'href="{issue}?month=2023-04"' in body


def test_items_page_lists_outcome_targets_by_their_rag_impact_rating(client, viewer_a, built):
    client.force_login(viewer_a)

    body = client.get(_url(built, chart="rag-trend", value="amber")).content.decode()

    assert _h1(body) == "Outcome targets rated Amber in April 2023 (2)"
    assert _texts(body) == ["Target 1.1.1", "Target 2.1.1"]
    assert all(">Amber<" in row for row in _rows(body))


def test_not_rated_lists_the_items_with_no_submitted_row_in_the_month(client, viewer_a, built):
    factories.ActionStatusFactory(
        action=Action.objects.get(text="Action 1.1.4"),
        month=APRIL,
        status=BRAGG.RED,
        note="Not yet",
        state=EntryState.DRAFT,
    )
    client.force_login(viewer_a)

    body = client.get(_url(built, value="none")).content.decode()

    assert _h1(body) == "Actions not rated in April 2023 (2)"
    assert _texts(body) == ["Action 1.1.4", "Action 2.1.4"]  # a draft is not a rating
    assert all(">Not rated<" in row for row in _rows(body))


def test_a_bar_of_the_months_chart_by_priority_lists_that_prioritys_items(client, viewer_a, built):
    client.force_login(viewer_a)

    red = client.get(_url(built, chart="bragg-priority", bar="1", month="2023-04")).content
    none = client.get(
        _url(built, chart="rag-priority", bar="2", value="amber", month="2023-04")
    ).content

    assert _h1(red.decode()) == "Actions in Priority 1 rated Red in April 2023 (1)"
    assert _texts(red.decode()) == ["Action 1.1.3"]
    assert _h1(none.decode()) == "Outcome targets in Priority 2 rated Amber in April 2023 (1)"
    assert _texts(none.decode()) == ["Target 2.1.1"]


def test_a_priority_bar_without_a_month_is_the_dashboards_default_month(client, viewer_a, built):
    client.force_login(viewer_a)

    body = client.get(_url(built, chart="bragg-priority", bar="2")).content.decode()

    # April is the newest closed month, which the dashboard shows by default.
    assert _h1(body) == "Actions in Priority 2 rated Red in April 2023 (1)"


def test_every_list_has_as_many_items_as_a_direct_count_of_the_ratings(client, viewer_a, built):
    client.force_login(viewer_a)
    actions = Action.objects.filter(plan=built).count()
    targets = OutcomeTarget.objects.filter(plan=built).count()

    for month in [MARCH, APRIL]:
        statuses = ActionStatus.objects.filter(plan=built, month=month, state=EntryState.SUBMITTED)
        ratings = ImpactRating.objects.filter(plan=built, month=month, state=EntryState.SUBMITTED)
        direct = {("bragg-trend", v): statuses.filter(status=v).count() for v in BRAGG.values}
        direct[("bragg-trend", "none")] = actions - statuses.count()
        direct |= {("rag-trend", v): ratings.filter(rag=v).count() for v in ["green", "amber"]}
        direct[("rag-trend", "red")] = ratings.filter(rag="red").count()
        direct[("rag-trend", "none")] = targets - ratings.count()
        for (chart, value), count in direct.items():
            url = _url(built, chart=chart, value=value, bar=f"{month:%Y-%m}")
            body = client.get(url).content.decode()
            assert len(_rows(body)) == count, (chart, value, month)
            assert _h1(body).endswith(f"({count})")


def test_filters_narrow_the_list_as_they_narrow_the_bar(client, viewer_a, built):
    lead = built.area.people.get(name="Jo Littler")
    client.force_login(viewer_a)

    led = client.get(_url(built, lead=lead.id)).content.decode()
    first = client.get(_url(built, lead=lead.id, priority=1)).content.decode()

    # Jo Littler leads actions n=1 and n=3 of each issue; n=3 is Red in April.
    assert _texts(led) == ["Action 1.1.3", "Action 2.1.3"]
    assert "Lead: Jo Littler" in led
    assert _texts(first) == ["Action 1.1.3"]
    assert "Priority: Priority 1: Meeting needs early" in first


def test_the_back_link_keeps_the_dashboards_query(client, viewer_a, built):
    lead = built.area.people.get(name="Jo Littler")
    today = f"{timezone.localdate():%Y-%m-%d}"
    client.force_login(viewer_a)

    body = client.get(
        _url(built, bar="2023-03", value="grey", month="2023-04", lead=lead.id, as_at=today)
    ).content.decode()

    assert _h1(body) == "Actions rated Grey in March 2023 (4)"
    dashboard = reverse("reports:dashboard", args=[built.slug])
    back = f'href="{dashboard}?month=2023-04&amp;as_at={today}&amp;lead={lead.id}"'
    assert f'<a class="govuk-back-link" {back}>Back to the dashboard</a>' in body


def test_hostile_item_text_is_escaped(client, viewer_a, plan_a):
    hostile = '<img src=x onerror=alert(1)> <a href="javascript:alert(2)">x</a>'
    issue = factories.IssueFactory(priority=factories.PriorityFactory(plan=plan_a, number=1))
    action = factories.ActionFactory(issue=issue, text=hostile)
    factories.ActionStatusFactory(action=action, month=APRIL, status=BRAGG.RED, note=hostile)
    client.force_login(viewer_a)

    body = client.get(_url(plan_a)).content.decode()

    assert "Actions rated Red in April 2023 (1)" in body
    assert "<img src=x" not in body
    assert 'href="javascript:' not in body
    assert "&lt;img src=x" in body


# --- Bad links -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"chart": "pie"}, "Select a chart: bragg-priority, rag-priority, bragg-trend, rag-"),
        ({"chart": ""}, "Select a chart: bragg-priority, rag-priority, bragg-trend, rag-"),
        ({"chart": "bragg-priority", "bar": "2023-04"}, "Enter the priority of the bar as its"),
        ({"chart": "bragg-priority", "bar": "3"}, "Enter the number of a priority of this plan."),
        ({"chart": "rag-priority", "bar": "1", "value": "grey"}, "Select a RAG impact rating"),
        ({"bar": "2023-13"}, "Enter the month of the bar as year and month, like 2023-04."),
        ({"bar": "1999-12"}, "Enter the month of the bar between January 2000 and December 2099."),
        ({"bar": ""}, "Enter the month of the bar, like 2023-04."),
        ({"value": "purple"}, "Select a BRAGG status: blue, green, amber, red, grey or none"),
        ({"chart": "rag-trend", "value": "blue"}, "Select a RAG impact rating: green, amber"),
        ({"month": "April"}, "Enter a month as year and month, like 2023-04."),
        ({"as_at": "2098-01-01"}, "Enter a date that is today or in the past."),
        ({"as_at": "0001-01-01"}, "Enter a date between 1 January 2000 and 31 December 2099."),
        ({"as_at": "30/04/2023"}, "Enter a date as year, month and day, like 2023-04-30."),
        ({"priority": "99"}, "Select a priority from the list"),
        ({"lead": "not-a-number"}, "Select a lead from the list"),
        ({"organisation": "Nowhere"}, "Select an organisation from the list"),
    ],
)
def test_a_bad_value_in_the_link_is_answered_with_an_error_message(
    client, viewer_a, built, query, message
):
    client.force_login(viewer_a)

    response = client.get(_url(built, **query))

    body = response.content.decode()
    assert response.status_code == 400
    assert '<div class="govuk-error-summary" data-module="govuk-error-summary">' in body
    assert message in body
    assert _rows(body) == []
    assert '<a class="govuk-back-link" href="' in body


def test_a_link_with_no_query_at_all_says_what_is_missing(client, viewer_a, built):
    client.force_login(viewer_a)

    response = client.get(reverse("reports:dashboard_items", args=[built.slug]))

    body = response.content.decode()
    assert response.status_code == 400
    assert "Select a chart: bragg-priority, rag-priority, bragg-trend, rag-trend" in body


# --- As at -----------------------------------------------------------------------------


def _main(body: str) -> str:
    return body[body.index("<main") : body.index("</main>")]


def test_items_as_at_a_date_are_unchanged_by_later_changes(client, viewer_a, plan_a):
    with time_machine.travel(_at(dt.date(2023, 4, 28)), tick=False):
        build_dashboard_plan(plan_a)
    client.force_login(viewer_a)
    url = _url(plan_a, month="2023-04", as_at="2023-04-30")
    before = client.get(url).content.decode()

    with time_machine.travel(_at(dt.date(2023, 5, 3)), tick=False):
        status = ActionStatus.objects.get(action__text="Action 1.1.3", month=APRIL)
        status.status = BRAGG.GREEN
        status.save()
        action = Action.objects.get(text="Action 2.1.3")
        action.text = "Rewritten after the meeting"
        action.save()
        factories.ActionStatusFactory(
            action=Action.objects.get(text="Action 1.1.4"), month=APRIL, status=BRAGG.RED
        )

    after = client.get(url).content.decode()
    live = client.get(_url(plan_a, month="2023-04")).content.decode()

    assert _main(after) == _main(before)
    assert _texts(after) == ["Action 1.1.3", "Action 2.1.3"]
    assert "As it stood at the end of 30 April 2023" in after
    assert _texts(live) == ["Action 1.1.4"]
    assert "Rewritten after the meeting" in live


# --- Query counts ----------------------------------------------------------------------

# Queries of the items page:
#  1 session, 2 user                                 (authentication)
#  3 plan with its area, 4 memberships, 5 person ids (sendplan.access.get_plan)
#  6 people, 7 strategy links, 8 priorities, 9 issues, 10 issue strategy links,
#  11 actions, 12 due-date changes not yet in effect, 13 action leads, 14 outcome targets,
#  15 target changes not yet in effect, 16 BRAGG statuses,
#  17 RAG impact ratings (plan_state: the bar's month, no story so far),
#  18 names of raters                                (only when a row names one)
#  (no session save: renewed at sign-in, less than a minute before)
ITEMS_QUERIES = 18


@pytest.mark.parametrize("as_at_today", [False, True])
def test_query_count_does_not_grow_with_ten_times_the_data(
    client, viewer_a, plan_a, django_assert_max_num_queries, as_at_today
):
    as_at = {"as_at": f"{timezone.localdate():%Y-%m-%d}"} if as_at_today else {}
    client.force_login(viewer_a)
    build_dashboard_plan(plan_a, copies=1)
    with django_assert_max_num_queries(ITEMS_QUERIES) as small:
        client.get(_url(plan_a, value="none", **as_at))
    other = factories.PlanFactory(area=plan_a.area, slug="big-plan")
    build_dashboard_plan(other, copies=10)
    with django_assert_max_num_queries(ITEMS_QUERIES) as big:
        response = client.get(_url(other, value="none", **as_at))
    assert "Actions not rated in April 2023 (20)" in response.content.decode()
    assert len(big.captured_queries) == len(small.captured_queries)
