"""No change since last month: carried forward by the lead, or by the month opening for
a completed (Blue) or not-yet-due (Grey) action, and counted the same everywhere."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionStatus, EntryState, StoryEntry
from governance.periods import parse_period
from outcomes.models import ImpactRating
from progress.carry import open_month_carrying
from reports.dashboard import Filters, build_dashboard
from reports.pdf.context import build_report_data
from sendplan.models import MonthStatus
from sendplan.ratings import BRAGG
from sendplan.services import close_month
from tests import factories
from tests.actions.conftest import form_data
from tests.reports.pdf_support import quarterly_forum

pytestmark = pytest.mark.django_db

APRIL, MAY, JUNE = (dt.date(2023, m, 1) for m in (4, 5, 6))


def _at(day: dt.date):
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(10))))


@pytest.fixture
def april_rated(plan_a, lead_a):
    """April closed: two Blue actions, a Grey one due in August, a Grey one due in May, an
    Amber one, a target and a story, all led by lead A."""
    factories.ReportingMonthFactory(plan=plan_a, month=APRIL, status=MonthStatus.CLOSED)
    priority = factories.PriorityFactory(plan=plan_a, number=1, title="Meeting needs early")
    issue = factories.IssueFactory(priority=priority, ref="1.1", description="Tell it once")
    person = lead_a.people.get()
    actions = {}
    for name, status, due, completed in [
        ("blue-1", BRAGG.BLUE, dt.date(2023, 3, 1), dt.date(2023, 3, 20)),
        ("blue-2", BRAGG.BLUE, dt.date(2023, 4, 1), dt.date(2023, 4, 28)),
        ("grey-later", BRAGG.GREY, dt.date(2023, 8, 1), None),
        ("grey-due-may", BRAGG.GREY, MAY, None),
        ("amber", BRAGG.AMBER, dt.date(2023, 9, 1), None),
    ]:
        action = factories.ActionFactory(
            issue=issue, text=name, due_month=due, completed_on=completed
        )
        factories.ActionLeadFactory(action=action, person=person)
        factories.ActionStatusFactory(action=action, month=APRIL, status=status, note=name)
        actions[name] = action
    target = factories.OutcomeTargetFactory(
        issue=issue, action=actions["amber"], unit="%", baseline=40, target_value=75
    )
    factories.ImpactRatingFactory(target=target, month=APRIL, rag="amber", measured_value=50)
    factories.StoryEntryFactory(
        issue=issue, month=APRIL, narrative="<p>April's story</p>", state=EntryState.SUBMITTED
    )
    return {"actions": actions, "target": target, "issue": issue}


def test_opening_a_month_carries_blue_and_grey_not_yet_due_and_nothing_else(
    plan_a, april_rated, programme_manager_a
):
    with _at(dt.date(2023, 5, 2)):
        _, carried = open_month_carrying(plan=plan_a, month=MAY, user=programme_manager_a)
    rows = {r.action.text: r for r in ActionStatus.objects.filter(month=MAY)}
    assert set(rows) == {"blue-1", "blue-2", "grey-later"}
    assert {i.label for i in carried} == {"blue-1", "blue-2", "grey-later"}
    for row in rows.values():
        assert (row.state, row.carried_forward, row.rated_by) == (
            EntryState.SUBMITTED,
            True,
            programme_manager_a,
        )
        assert row.history.get().history_change_reason == (
            "Carried forward unchanged from April 2023"
        )
    assert rows["blue-1"].note == "blue-1"


def test_blue_left_untouched_through_may_counts_as_completed_in_june_everywhere(
    client, plan_a, april_rated, programme_manager_a, viewer_a
):
    with _at(dt.date(2023, 5, 2)):
        open_month_carrying(plan=plan_a, month=MAY, user=programme_manager_a)
    with _at(dt.date(2023, 5, 31)):
        close_month(plan=plan_a, month=MAY, user=programme_manager_a)
    with _at(dt.date(2023, 6, 2)):
        open_month_carrying(plan=plan_a, month=JUNE, user=programme_manager_a)
        close_month(plan=plan_a, month=JUNE, user=programme_manager_a)
    client.force_login(viewer_a)
    with _at(dt.date(2023, 7, 3)):
        page = client.get(reverse("reports:plan_detail", args=[plan_a.slug]) + "?month=2023-06")
        board = build_dashboard(plan_a, month=JUNE, as_at=None, filters=Filters())
        report = build_report_data(
            plan=plan_a, forum=quarterly_forum(plan_a.area, plan_a), period=parse_period("2023-Q2")
        )
    assert page.context["state"].bragg_counts()[BRAGG.BLUE] == 2
    assert board.state.bragg_counts()[BRAGG.BLUE] == 2
    assert report.status_month == JUNE
    counts = {c["value"]: c["count"] for c in report.bragg_counts}
    assert counts[BRAGG.BLUE] == 2
    assert counts[BRAGG.GREY] == 1  # carried until its due month


def _section(plan, page=1):
    """A page of issue 1.1's items: five actions on the first, the target and the story
    so far on the second."""
    url = reverse("progress:my_section", kwargs={"plan_slug": plan.slug, "section": "1.1"})
    return url if page == 1 else f"{url}?page={page}"


def test_check_and_submit_carries_the_untouched_and_submits_the_changed(
    client, plan_a, april_rated, lead_a, programme_manager_a
):
    with _at(dt.date(2023, 5, 2)):
        open_month_carrying(plan=plan_a, month=MAY, user=programme_manager_a)
    amber = april_rated["actions"]["amber"]
    client.force_login(lead_a)
    with _at(dt.date(2023, 5, 10)):
        data = form_data(client.get(_section(plan_a)))
        data[f"action-{amber.pk}-status"] = BRAGG.RED
        data[f"action-{amber.pk}-note"] = "The supplier withdrew"
        assert client.post(_section(plan_a), {**data, "draft": "1"}).status_code == 302
        check_url = reverse("progress:my_check", kwargs={"plan_slug": plan_a.slug})
        check = client.get(check_url).content.decode()
        assert "Your changes (1)" in check
        # The target and the story are unchanged; grey-due-may had an entry to carry too.
        assert "Unchanged since last month (3)" in check
        assert "Submit 4 updates" in check
        done = client.post(check_url, {"month": "2023-05"})
        assert done["Location"].endswith("?submitted=1")
        tasks = client.get(done["Location"]).content.decode()
    assert ActionStatus.objects.get(action=amber, month=MAY).state == EntryState.SUBMITTED
    rating = ImpactRating.objects.get(target=april_rated["target"], month=MAY)
    assert (rating.rag, rating.measured_value, rating.carried_forward) == ("amber", 50, True)
    story = StoryEntry.objects.get(issue=april_rated["issue"], month=MAY)
    assert (story.narrative, story.carried_forward) == ("<p>April's story</p>", True)
    # One confirmation, one set of numbers.
    assert tasks.count("govuk-panel__title") == 1
    assert "May 2023: 7 of 7 items submitted" in tasks
    assert "updates submitted" not in tasks.lower().replace("updates submitted</h2>", "")


def test_a_check_for_a_month_no_longer_open_submits_nothing(
    client, plan_a, april_rated, lead_a, programme_manager_a
):
    with _at(dt.date(2023, 5, 2)):
        open_month_carrying(plan=plan_a, month=MAY, user=programme_manager_a)
    client.force_login(lead_a)
    with _at(dt.date(2023, 5, 10)):
        check_url = reverse("progress:my_check", kwargs={"plan_slug": plan_a.slug})
        response = client.post(check_url, {"month": "2023-04"})
    assert response.status_code == 409
    assert not ActionStatus.objects.filter(month=MAY, carried_forward=False).exists()
    assert not StoryEntry.objects.filter(month=MAY).exists()


def test_no_change_on_one_item_carries_it_and_a_change_with_it_is_an_error_naming_the_item(
    client, plan_a, april_rated, lead_a, programme_manager_a
):
    with _at(dt.date(2023, 5, 2)):
        open_month_carrying(plan=plan_a, month=MAY, user=programme_manager_a)
    amber = april_rated["actions"]["amber"]
    target = april_rated["target"]
    client.force_login(lead_a)
    with _at(dt.date(2023, 5, 10)):
        data = form_data(client.get(_section(plan_a)))
        data[f"action-{amber.pk}-unchanged"] = "1"
        data[f"action-{amber.pk}-status"] = BRAGG.RED
        data[f"action-{amber.pk}-note"] = "Now Red"
        refused = client.post(_section(plan_a), {**data, "draft": "1"})
        assert refused.status_code == 400
        html = refused.content.decode()
        assert "Action 1.1: amber: You changed this item and also ticked" in html
        del data[f"action-{amber.pk}-unchanged"]
        saved = client.post(_section(plan_a), {**data, "draft": "1"})
        # Save and continue goes on to the second page of the issue.
        assert saved["Location"] == _section(plan_a, 2)
        data = form_data(client.get(_section(plan_a, 2)))
        data[f"target-{target.pk}-unchanged"] = "1"
        assert client.post(_section(plan_a, 2), {**data, "draft": "1"}).status_code == 302
    assert ImpactRating.objects.get(target=target, month=MAY).carried_forward
    assert ActionStatus.objects.get(action=amber, month=MAY).state == EntryState.DRAFT


def test_red_without_a_note_is_refused_with_the_items_name(
    client, plan_a, april_rated, lead_a, programme_manager_a
):
    with _at(dt.date(2023, 5, 2)):
        open_month_carrying(plan=plan_a, month=MAY, user=programme_manager_a)
    amber = april_rated["actions"]["amber"]
    client.force_login(lead_a)
    with _at(dt.date(2023, 5, 10)):
        data = form_data(client.get(_section(plan_a)))
        data[f"action-{amber.pk}-status"] = BRAGG.RED
        data[f"action-{amber.pk}-note"] = ""
        html = client.post(_section(plan_a), {**data, "draft": "1"}).content.decode()
    summary = html[html.index("govuk-error-summary__list") :]
    assert re.search(r"Action 1\.1: amber: Enter a note saying why the action is Red", summary)


def test_the_story_can_start_from_last_months_text(
    client, plan_a, april_rated, lead_a, programme_manager_a
):
    with _at(dt.date(2023, 5, 2)):
        open_month_carrying(plan=plan_a, month=MAY, user=programme_manager_a)
    issue = april_rated["issue"]
    client.force_login(lead_a)
    with _at(dt.date(2023, 5, 10)):
        page = client.get(_section(plan_a, 2))
        assert "Start from April 2023’s text" in page.content.decode()
        started = client.get(_section(plan_a, 2) + f"&from_last=story-{issue.pk}")
        data = form_data(started)
        assert data[f"story-{issue.pk}-narrative"] == "April's story"
        data[f"story-{issue.pk}-narrative"] += "\n\nMay: the panel met twice."
        assert client.post(_section(plan_a, 2), {**data, "draft": "1"}).status_code == 302
    entry = StoryEntry.objects.get(issue=issue, month=MAY)
    assert entry.narrative == "<p>April's story</p><p>May: the panel met twice.</p>"
    assert not entry.carried_forward


def test_the_task_list_and_the_items_page_show_each_state_the_same_way(
    client, plan_a, april_rated, lead_a, programme_manager_a
):
    with _at(dt.date(2023, 5, 2)):
        open_month_carrying(plan=plan_a, month=MAY, user=programme_manager_a)
    client.force_login(lead_a)
    with _at(dt.date(2023, 5, 10)):
        tasks = client.get(reverse("progress:my_updates", kwargs={"plan_slug": plan_a.slug}))
        page = client.get(_section(plan_a))
    for html in (tasks.content.decode(), page.content.decode()):
        assert '<strong class="govuk-tag govuk-tag--blue">To do</strong>' in html
        assert re.search(r"[>·]\s*Unchanged\s*<", html)  # done: plain words, no tag
        assert 'govuk-tag--blue">Unchanged' not in html
