"""The plan's dashboard: counts, exceptions, filters, bar lists, "as at" and access."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionStatus, EntryState
from outcomes.models import ImpactRating, OutcomeTarget
from progress.plan_state import end_of_day
from reports.dashboard import Filters, build_dashboard
from sendplan.ratings import BRAGG
from tests import factories
from tests.reports.dashboard_data import APRIL, MAY, build_plan
from tests.reports.dashboard_data import dashboard_url as _url


def _at(day: dt.date, hour: int = 12):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


# --- Access ----------------------------------------------------------------------------


def test_dashboard_sends_an_anonymous_visitor_to_sign_in(client, built):
    response = client.get(_url(built))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_dashboard_is_not_found_for_a_lead_of_another_area(client, lead_b, built, plan_b):
    client.force_login(lead_b)

    assert client.get(_url(built)).status_code == 404
    assert client.get(_url(built, "?month=2023-04&priority=1")).status_code == 404


def test_read_only_viewer_sees_the_dashboard_but_cannot_post_to_it(client, viewer_a, built):
    client.force_login(viewer_a)
    statuses = ActionStatus.objects.count()

    assert client.get(_url(built)).status_code == 200
    assert client.post(_url(built), {"month": "2023-04"}).status_code == 405
    assert ActionStatus.objects.count() == statuses


def test_outsider_sees_no_canary_of_another_area_on_their_own_dashboard(
    client, lead_b, built, plan_b
):
    factories.ActionFactory(
        issue=factories.IssueFactory(priority=factories.PriorityFactory(plan=plan_b, number=1)),
        text="Area B action",
    )
    client.force_login(lead_b)

    body = client.get(_url(plan_b)).content.decode()

    assert "Area B action" in body
    assert "Action 1.1.0" not in body
    assert "Jo Littler" not in body


# --- Counts ----------------------------------------------------------------------------


def test_april_counts_match_a_direct_count_of_the_submitted_ratings(built):
    board = build_dashboard(built, month=APRIL, as_at=None, filters=Filters())

    chart = board.charts[0]
    drawn = {trace["name"]: sum(trace["y"]) for trace in chart.figure["data"]}
    rated = ActionStatus.objects.filter(plan=built, month=APRIL, state=EntryState.SUBMITTED)
    direct = {BRAGG(s).word: rated.filter(status=s).count() for s in BRAGG.values}
    direct["Not rated"] = Action.objects.filter(plan=built).count() - rated.count()
    assert drawn == direct
    assert direct == {"Blue": 2, "Green": 2, "Amber": 2, "Red": 2, "Grey": 0, "Not rated": 2}

    rag = board.charts[2]
    drawn_rag = {trace["name"]: sum(trace["y"]) for trace in rag.figure["data"]}
    ratings = ImpactRating.objects.filter(plan=built, month=APRIL, state=EntryState.SUBMITTED)
    assert drawn_rag == {
        "Green": ratings.filter(rag="green").count(),
        "Amber": ratings.filter(rag="amber").count(),
        "Red": ratings.filter(rag="red").count(),
        "Not rated": OutcomeTarget.objects.filter(plan=built).count() - ratings.count(),
    }


def test_drafts_are_not_counted(built):
    action = Action.objects.get(text="Action 1.1.4")
    factories.ActionStatusFactory(
        action=action, month=APRIL, status=BRAGG.RED, note="x", state=EntryState.DRAFT
    )

    board = build_dashboard(built, month=APRIL, as_at=None, filters=Filters())

    drawn = {trace["name"]: sum(trace["y"]) for trace in board.charts[0].figure["data"]}
    assert drawn["Red"] == 2
    assert drawn["Not rated"] == 2


def test_the_page_shows_the_counts_in_its_table_and_its_figure(client, viewer_a, built):
    client.force_login(viewer_a)

    response = client.get(_url(built, "?month=2023-04"))

    body = response.content.decode()
    figure = json.loads(
        re.search(
            r'<script id="bragg-priority-data" type="application/json">(.*?)</script>', body, re.S
        )[1]
    )
    by_name = {t["name"]: t["y"] for t in figure["data"]}
    assert by_name["Red"] == [1, 1]
    assert by_name["Not rated"] == [1, 1]
    # The table row of priority 1: Blue, Green, Amber, Red, Grey, Not rated, Total.
    row = re.search(r"Priority 1: Meeting needs early</th>(.*?)</tr>", body, re.S)[1]
    cells = re.findall(r'numeric">\s*(?:<a [^>]*>)?(\d+)', row)
    assert cells == ["1", "1", "1", "1", "0", "1", "5"]


def test_trend_counts_each_month_from_its_own_ratings(built):
    board = build_dashboard(built, month=APRIL, as_at=None, filters=Filters())

    trend = board.charts[1]
    assert trend.figure["data"][0]["x"] == ["Mar 2023", "Apr 2023"]
    by_name = {t["name"]: t["y"] for t in trend.figure["data"]}
    assert by_name["Grey"] == [10, 0]
    assert by_name["Red"] == [0, 2]
    assert by_name["Not rated"] == [0, 2]


def _trend(board, chart: int) -> dict:
    return {t["name"]: t["y"] for t in board.charts[chart].figure["data"]}


def test_trend_with_a_filter_counts_only_the_items_it_keeps(built):
    lead = built.area.people.get(name="Jo Littler")

    board = build_dashboard(built, month=APRIL, as_at=None, filters=Filters(lead=lead.id))

    # Jo Littler leads actions n=1 (Green in April) and n=3 (Red) of each issue.
    assert _trend(board, 1) == {
        "Blue": [0, 0],
        "Green": [0, 2],
        "Amber": [0, 0],
        "Red": [0, 2],
        "Grey": [4, 0],
        "Not rated": [0, 0],
    }


def test_trend_as_at_now_counts_what_the_live_trend_counts(built):
    lead = built.area.people.get(name="Jo Littler")
    now = end_of_day(timezone.localdate())

    for filters in [Filters(), Filters(lead=lead.id), Filters(priority=2)]:
        live = build_dashboard(built, month=APRIL, as_at=None, filters=filters)
        then = build_dashboard(built, month=APRIL, as_at=now, filters=filters)

        assert _trend(then, 1) == _trend(live, 1)
        assert _trend(then, 3) == _trend(live, 3)
        assert sum(sum(ys) for ys in _trend(live, 1).values()) == 2 * live.action_count


# --- Exceptions ------------------------------------------------------------------------


def _exceptions(board):
    return {e.html_id: sorted(i.text for i in e.items) for e in board.exceptions}


def test_exceptions_list_the_hand_checked_items(built):
    slipped = Action.objects.get(text="Action 2.1.1")
    slipped.due_month = dt.date(2023, 12, 1)
    slipped.due_revised_reason = "Waiting for the new system"
    slipped.save()

    board = build_dashboard(built, month=APRIL, as_at=None, filters=Filters())

    found = _exceptions(board)
    assert found["red-amber-actions"] == [
        "Action 1.1.2",
        "Action 1.1.3",
        "Action 2.1.2",
        "Action 2.1.3",
    ]
    # Due February 2023, Red in April: overdue. The Blue ones are never overdue.
    assert found["overdue-actions"] == ["Action 1.1.3", "Action 2.1.3"]
    assert found["slipped-actions"] == ["Action 2.1.1"]
    slipped_item = next(e for e in board.exceptions if e.html_id == "slipped-actions").items[0]
    assert "Originally due September 2023, now December 2023" in slipped_item.detail
    # Target date January 2023, Red in April.
    assert found["targets-past-date"] == ["Target 1.1.2", "Target 2.1.2"]


def test_missing_updates_are_items_with_no_row_at_all_in_the_open_month(built):
    board = build_dashboard(built, month=APRIL, as_at=None, filters=Filters())

    missing = next(e for e in board.exceptions if e.html_id == "missing-updates")
    texts = {i.text for i in missing.items}
    # Action x.1.0 has a draft for May: it is not missing. Everything else is.
    assert "Action 1.1.0" not in texts
    assert "Action 2.1.0" not in texts
    assert len([i for i in missing.items if i.kind == "action"]) == 8
    assert len([i for i in missing.items if i.kind == "target"]) == 6
    assert missing.title == "Missing updates for May 2023"
    assert board.open_month == MAY


# --- Filters ---------------------------------------------------------------------------


def test_filter_by_lead_narrows_actions_and_the_targets_of_their_issues(client, viewer_a, built):
    lead = built.area.people.get(name="Jo Littler")
    board = build_dashboard(built, month=APRIL, as_at=None, filters=Filters(lead=lead.id))

    assert board.action_count == 4  # actions n=1 and n=3 of each issue
    assert board.target_count == 6  # no target is tied to an action: their issue's leads count
    client.force_login(viewer_a)
    body = client.get(_url(built, f"?month=2023-04&lead={lead.id}")).content.decode()
    assert "4 actions and 6 outcome targets match the filters" in body
    assert "Action 1.1.0" not in body


def test_filters_by_priority_organisation_and_strategy_link(built):
    assert (
        build_dashboard(built, month=APRIL, as_at=None, filters=Filters(priority=2)).action_count
        == 5
    )
    assert (
        build_dashboard(
            built, month=APRIL, as_at=None, filters=Filters(organisation="NHS ICB")
        ).action_count
        == 6
    )
    board = build_dashboard(
        built, month=APRIL, as_at=None, filters=Filters(strategy_link="Inclusion")
    )
    assert board.action_count == 5
    assert {i.priority_number for e in board.exceptions for i in e.items} == {1}


def test_an_unknown_filter_value_is_reported_and_ignored(client, viewer_a, built):
    client.force_login(viewer_a)

    response = client.get(_url(built, "?month=2023-04&priority=99"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Select a priority from the list" in body
    assert "govuk-error-summary" in body
    assert "10 actions and 6 outcome targets" in body


# --- As at -----------------------------------------------------------------------------


def _main(body: str) -> str:
    """The page's main content (the header holds a fresh CSRF token on each request)."""
    return body[body.index("<main") : body.index("</main>")]


def test_dashboard_as_at_a_date_is_unchanged_by_later_changes(client, viewer_a, plan_a):
    with time_machine.travel(_at(dt.date(2023, 4, 28)), tick=False):
        build_plan(plan_a)
    client.force_login(viewer_a)
    query = "?month=2023-04&as_at=2023-04-30"
    before = client.get(_url(plan_a, query)).content.decode()

    with time_machine.travel(_at(dt.date(2023, 5, 3)), tick=False):
        status = ActionStatus.objects.get(action__text="Action 1.1.3", month=APRIL)
        status.status = BRAGG.GREEN
        status.note = ""
        status.save()
        action = Action.objects.get(text="Action 1.1.2")
        action.text = "Rewritten after the meeting"
        action.due_month = dt.date(2024, 1, 1)
        action.save()
        factories.ActionStatusFactory(
            action=Action.objects.get(text="Action 1.1.4"),
            month=APRIL,
            status=BRAGG.RED,
            note="Late entry",
        )
        Action.objects.get(text="Action 2.1.4").delete()

    after = client.get(_url(plan_a, query)).content.decode()
    live = client.get(_url(plan_a, "?month=2023-04")).content.decode()

    assert _main(after) == _main(before)
    assert "Rewritten after the meeting" in live
    assert "Rewritten after the meeting" not in after
    assert "As it stood at the end of 30 April 2023" in after


def test_as_at_date_picks_a_month_no_later_than_it(client, viewer_a, plan_a):
    with time_machine.travel(_at(dt.date(2023, 3, 20)), tick=False):
        build_plan(plan_a)
    client.force_login(viewer_a)

    response = client.get(_url(plan_a, "?as_at=2023-03-31"))

    assert response.context["month"] <= dt.date(2023, 3, 1)


# --- Query counts ----------------------------------------------------------------------


def _query_count(client, plan, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(_url(plan, "?month=2023-04"))
    assert response.status_code == 200
    return len(captured.captured_queries)


# Queries of one dashboard page:
#  1 session, 2 user                                 (authentication)
#  3 plan with its area, 4 memberships, 5 person ids (sendplan.access.get_plan)
#  6 reporting months                                (month list, open month)
#  7 people, 8 strategy links, 9 priorities, 10 issues, 11 issue strategy links,
#  12 actions, 13 due-date changes not yet in effect, 14 action leads, 15 outcome targets,
#  16 target changes not yet in effect, 17 BRAGG statuses,
#  18 RAG impact ratings (plan_state: the month's rows, no story so far),
#  19 names of raters                                (only when a row names one; not here)
#  20 BRAGG and RAG counts per month and value, one UNION (the trend charts)
#  21 BRAGG rows and 22 RAG rows of the open month   (missing updates)
#  23 milestones, 24 milestone priorities             (milestone timeline)
#  25 approved changes to the quantified targets     (their "Revised on …" lines)
#  (no session save: renewed at sign-in, less than a minute before)
DASHBOARD_QUERIES = 25


@pytest.mark.parametrize("as_at_today", [False, True])
def test_query_count_does_not_grow_with_ten_times_the_data(
    client, viewer_a, plan_a, django_assert_max_num_queries, as_at_today, settings
):
    # As at today, so the page reads the history (a date in the future is refused).
    as_at = f"&as_at={timezone.localdate():%Y-%m-%d}" if as_at_today else ""
    client.force_login(viewer_a)
    build_plan(plan_a, copies=1)
    with django_assert_max_num_queries(DASHBOARD_QUERIES) as small:
        client.get(_url(plan_a, "?month=2023-04" + as_at))
    other = factories.PlanFactory(area=plan_a.area, slug="big-plan")
    build_plan(other, copies=10)
    with django_assert_max_num_queries(DASHBOARD_QUERIES) as big:
        response = client.get(_url(other, "?month=2023-04" + as_at))
    assert "100 actions" in response.content.decode()
    assert len(big.captured_queries) == len(small.captured_queries)


# --- Milestones ------------------------------------------------------------------------


def _milestone(plan, period, due_month, priorities):
    milestone = factories.MilestoneFactory(plan=plan, period=period, due_month=due_month)
    for priority in priorities:
        factories.MilestonePriorityFactory(milestone=milestone, priority=priority)
    return milestone


def test_milestone_status_comes_from_the_actions_of_its_priorities(plan_a):
    one, two = build_plan(plan_a)
    lone = factories.PriorityFactory(plan=plan_a, number=3, title="No actions")
    done_issue = factories.IssueFactory(
        priority=factories.PriorityFactory(plan=plan_a, number=4, title="All done"), ref="4.1"
    )
    done = factories.ActionFactory(issue=done_issue, completed_on=dt.date(2023, 3, 1))
    factories.ActionStatusFactory(action=done, month=APRIL, status=BRAGG.BLUE)
    _milestone(plan_a, "Spring 2023", dt.date(2023, 5, 1), [one])
    _milestone(plan_a, "Winter 2022/23", dt.date(2023, 2, 1), [two])
    _milestone(plan_a, "Autumn 2025", dt.date(2025, 11, 1), [lone])
    _milestone(plan_a, "Summer 2023", dt.date(2023, 8, 1), [done_issue.priority])

    board = build_dashboard(plan_a, month=APRIL, as_at=None, filters=Filters())

    status = {m.period: m.status for m in board.milestones}
    assert status == {
        "Spring 2023": "At risk",  # priority 1 has a Red action, milestone not yet due
        "Winter 2022/23": "Missed",  # due February, not all completed by April
        "Autumn 2025": "Not assessed",
        "Summer 2023": "Achieved",
    }
    chart = board.milestone_chart
    assert {t["name"] for t in chart.figure["data"]} == {
        "At risk",
        "Missed",
        "Achieved",
        "Not assessed",
    }
    assert [row[0] for row in chart.table_rows] == [
        "Winter 2022/23",
        "Spring 2023",
        "Summer 2023",
        "Autumn 2025",
    ]


def test_a_milestone_with_no_red_and_work_left_is_on_track(plan_a):
    issue = factories.IssueFactory(priority=factories.PriorityFactory(plan=plan_a, number=1))
    action = factories.ActionFactory(issue=issue, due_month=dt.date(2023, 9, 1))
    factories.ActionStatusFactory(action=action, month=APRIL, status=BRAGG.AMBER, note="Slow")
    _milestone(plan_a, "Autumn 2023", dt.date(2023, 11, 1), [issue.priority])

    board = build_dashboard(plan_a, month=APRIL, as_at=None, filters=Filters())

    [row] = board.milestones
    assert row.status == "On track"
    assert row.reason == "0 of 1 actions completed, none Red."


def test_a_dashboard_with_nothing_to_draw_says_so(client, viewer_a, plan_a):
    client.force_login(viewer_a)

    body = client.get(_url(plan_a, "?month=2023-04")).content.decode()

    assert body.count("Nothing to draw") == 4
    assert "data-chart-figure" not in body
    assert "This plan has no milestones." in body
