"""The plan, priority and issue pages: what they show, to whom, and as at a date."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sendplan.models import Role
from sendplan.ratings import BRAGG
from tests import factories

APRIL = dt.date(2023, 4, 1)


def _at(day, hour=12):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def plan_with_items(plan_a, lead_a):
    with time_machine.travel(_at(dt.date(2023, 4, 20)), tick=False):
        factories.ReportingMonthFactory(plan=plan_a, month=APRIL)
        priority = factories.PriorityFactory(plan=plan_a, number=1, title="Meeting needs well")
        issue = factories.IssueFactory(
            priority=priority, ref="1.2", description="Responsiveness to changing needs"
        )
        action = factories.ActionFactory(
            issue=issue, text="Develop a SEND data dashboard", due_month=dt.date(2022, 12, 1)
        )
        factories.ActionLeadFactory(action=action, person=lead_a.people.get())
        factories.ActionStatusFactory(
            action=action, month=APRIL, status=BRAGG.RED, note="Data gaps remain", rated_by=lead_a
        )
        target = factories.OutcomeTargetFactory(issue=issue, text="Partners use the dashboard")
        factories.ImpactRatingFactory(target=target, month=APRIL, rag="green", rated_by=lead_a)
        factories.StoryEntryFactory(
            issue=issue, month=APRIL, narrative="<p>Working group meets monthly</p>", author=lead_a
        )
    return plan_a


def _urls(plan):
    return [
        reverse("reports:plan_detail", args=[plan.slug]),
        reverse("reports:priority_detail", args=[plan.slug, 1]),
        reverse("reports:issue_detail", args=[plan.slug, "1.2"]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, plan_with_items):
    for url in _urls(plan_with_items):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_another_areas_lead_cannot_see_the_plan(client, plan_with_items, lead_b):
    client.force_login(lead_b)
    for url in _urls(plan_with_items):
        response = client.get(url)
        assert response.status_code == 404
        assert b"Develop a SEND data dashboard" not in response.content


def test_a_viewer_sees_actions_with_their_leads_status_words_and_story(
    client, plan_with_items, viewer_a
):
    client.force_login(viewer_a)
    response = client.get(_urls(plan_with_items)[2] + "?month=2023-04")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Develop a SEND data dashboard" in html
    assert "Lead A Person" in html
    assert ">Red<" in html  # the word, not only the colour
    assert "Data gaps remain" in html
    assert "Green" in html
    assert "Working group meets monthly" in html
    assert "Overdue" in html  # due Dec 2022, not completed, not Blue
    assert "Area A" in html  # the area's name in the header


def test_the_plan_page_counts_statuses_for_the_month(client, plan_with_items, viewer_a):
    client.force_login(viewer_a)
    response = client.get(_urls(plan_with_items)[0] + "?month=2023-04")
    assert response.context["state"].bragg_counts()["red"] == 1
    assert response.context["state"].rag_counts()["green"] == 1


def test_the_issue_page_as_at_a_date_ignores_later_changes(client, plan_with_items, viewer_a):
    with time_machine.travel(_at(dt.date(2023, 5, 5)), tick=False):
        status = plan_with_items.action_statuses.get()
        status.status = BRAGG.GREEN
        status.note = ""
        status._history_user = viewer_a
        status.save()
        action = plan_with_items.actions.get()
        action.text = "A rewritten action"
        action.due_month = dt.date(2023, 9, 1)
        action.due_revised_reason = "Supplier delay"
        action.save()
    client.force_login(viewer_a)
    url = _urls(plan_with_items)[2]
    then = client.get(url + "?month=2023-04&as_at=2023-04-30").content.decode()
    assert "Develop a SEND data dashboard" in then
    assert "A rewritten action" not in then
    assert "Data gaps remain" in then
    assert "As it stood at the end of 30 April 2023" in then
    now = client.get(url + "?month=2023-04").content.decode()
    assert "A rewritten action" in now
    assert "Slipped" in now and "originally December 2022" in now
    assert "Due month revised" in now  # the timeline shows the revision from history


def _a_year_of_updates(plan):
    """Priority 1 gets story so far entries a year before April, last autumn and in April; its
    action was last rated in January; a second issue has its own April rating."""
    issue = plan.issues.get(ref="1.2")
    priority = issue.priority
    for month, narrative in [
        (dt.date(2022, 4, 1), "<p>A year ago</p>"),
        (dt.date(2022, 10, 1), "<p>Last autumn</p>"),
        (APRIL, "<p>This April</p>"),
    ]:
        with time_machine.travel(_at(month.replace(day=20)), tick=False):
            factories.StoryEntryFactory(
                priority=priority, issue=None, plan=plan, month=month, narrative=narrative
            )
    with time_machine.travel(_at(dt.date(2023, 4, 21)), tick=False):
        other = factories.IssueFactory(priority=priority, ref="1.3", description="Other issue")
        other_action = factories.ActionFactory(issue=other, text="Another team's action")
        factories.ActionStatusFactory(
            action=other_action, month=APRIL, status=BRAGG.AMBER, note="Other team's note"
        )
    action = factories.ActionFactory(issue=issue, text="Train the SENCOs")
    with time_machine.travel(_at(dt.date(2023, 1, 20)), tick=False):
        factories.ActionStatusFactory(
            action=action, month=dt.date(2023, 1, 1), status=BRAGG.GREEN, note="January note"
        )
    return issue


def test_the_priority_page_tells_its_whole_story_and_each_actions_status_for_the_month(
    client, plan_with_items, viewer_a
):
    _a_year_of_updates(plan_with_items)
    client.force_login(viewer_a)
    url = _urls(plan_with_items)[1]

    april = client.get(url + "?month=2023-04").content.decode()
    january = client.get(url + "?month=2023-01").content.decode()

    assert "A year ago" in april and "Last autumn" in april and "This April" in april
    assert april.index("This April") < april.index("Last autumn") < april.index("A year ago")
    assert "A year ago" in january and "Last autumn" in january
    assert "This April" not in january
    row = january[january.index("Train the SENCOs") :]
    assert "Green" in row[: row.index("</tr>")]


def test_the_issue_timeline_has_every_month_of_the_issue_and_nothing_of_another(
    client, plan_with_items, viewer_a
):
    _a_year_of_updates(plan_with_items)
    client.force_login(viewer_a)

    html = client.get(_urls(plan_with_items)[2] + "?month=2023-04").content.decode()

    assert "January note" in html and "Data gaps remain" in html
    assert "Another team's action" not in html and "Other team's note" not in html


def test_a_bad_as_at_date_is_explained_not_a_crash(client, plan_with_items, viewer_a):
    client.force_login(viewer_a)
    response = client.get(_urls(plan_with_items)[0] + "?as_at=2023-02-31&month=banana")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a real date, like 2023-04-30." in html
    assert "Enter a month as year and month" in html


def test_an_unknown_issue_is_not_found(client, plan_with_items, viewer_a):
    client.force_login(viewer_a)
    url = reverse("reports:issue_detail", args=[plan_with_items.slug, "9.9"])
    assert client.get(url).status_code == 404


def test_a_person_with_roles_in_two_areas_sees_both_plans(client, plan_with_items, plan_b):
    user = factories.UserFactory(username="two-areas")
    factories.MembershipFactory(user=user, area=plan_with_items.area, role=Role.VIEWER)
    factories.MembershipFactory(user=user, area=plan_b.area, role=Role.SEND_LEAD)
    client.force_login(user)
    assert client.get(_urls(plan_with_items)[0]).status_code == 200
    assert client.get(reverse("reports:plan_detail", args=[plan_b.slug])).status_code == 200


def _grow(plan, times):
    issue = plan.issues.get()
    lead = factories.PersonFactory(area=plan.area, name="Another lead")
    for n in range(times):
        action = factories.ActionFactory(issue=issue, text=f"Extra action {n}")
        factories.ActionLeadFactory(action=action, person=lead)
        factories.ActionStatusFactory(action=action, month=APRIL, status=BRAGG.GREEN)
        target = factories.OutcomeTargetFactory(issue=issue, action=action)
        factories.ImpactRatingFactory(target=target, month=APRIL)
        factories.StoryEntryFactory(issue=issue, month=dt.date(2023, 3, 1))


@pytest.mark.parametrize("as_at", ["", "&as_at=2026-01-01"])
def test_page_queries_do_not_grow_with_the_plan(client, plan_with_items, viewer_a, as_at):
    # Per page: session, user, membership roles, person ids, plan, reporting months, then
    # one query per table of plan_state (people, strategy links, priorities, issues,
    # issue links, actions, leads, targets, the due-date and target changes not yet in
    # effect, statuses, ratings, story, writers' names),
    # plus findings (plan page) or the action and target history (issue page timeline).
    client.force_login(viewer_a)

    def counts():
        result = []
        for url in _urls(plan_with_items):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url + "?month=2023-04" + as_at).status_code == 200
            result.append(len(ctx))
        return result

    small = counts()
    _grow(plan_with_items, 10)
    assert counts() == small
    assert max(small) <= 27


def test_the_plan_pages_only_answer_reads(client, plan_with_items, viewer_a):
    client.force_login(viewer_a)
    for url in _urls(plan_with_items):
        assert client.post(url, {"text": "x"}).status_code == 405
