"""The "My updates" page: a lead updates their items for the open month, saves a draft,
submits, and never overwrites another person's work without seeing it."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionStatus, EntryState, StoryEntry
from outcomes.models import ImpactRating
from sendplan.ratings import BRAGG
from sendplan.services import close_month, open_month
from tests import factories
from tests.actions.conftest import MAY, _in_may_2023, domain_counts, form_data  # noqa: F401
from tests.progress.update_page import post as _post
from tests.progress.update_page import refused as _refused

pytestmark = pytest.mark.django_db


# --- Who may see the page ------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, url, open_may):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.post(url, {"draft": "1"}).status_code == 302


def test_a_lead_from_another_area_gets_not_found_and_changes_nothing(
    client, update_page, lead_b, url, action_a
):
    data = form_data(update_page)
    data[f"action-{action_a.pk}-status"] = BRAGG.GREEN
    client.force_login(lead_b)
    before = domain_counts()
    assert client.get(url).status_code == 404
    assert _post(client, url, data).status_code == 404
    assert domain_counts() == before


def test_a_read_only_viewer_cannot_open_or_save_the_page(
    client, update_page, viewer_a, url, action_a
):
    data = form_data(update_page)
    data[f"action-{action_a.pk}-status"] = BRAGG.GREEN
    client.force_login(viewer_a)
    before = domain_counts()
    assert client.get(url).status_code == 403
    assert _post(client, url, data).status_code == 403
    assert domain_counts() == before


def test_a_lead_sees_only_the_items_they_lead(other_action_a, action_a, target_a, update_page):
    html = update_page.content.decode()
    assert action_a.text in html
    assert target_a.text in html
    assert other_action_a.text not in html
    assert "0 of 3 items submitted" in html


def test_a_lead_cannot_save_an_item_they_do_not_lead(client, other_action_a, update_page, url):
    data = form_data(update_page)
    prefix = f"action-{other_action_a.pk}"
    data.update({f"{prefix}-version": "0", f"{prefix}-status": "green", f"{prefix}-seen": ""})
    before = domain_counts()
    assert _post(client, url, data).status_code == 403
    assert domain_counts() == before


# --- Saving and submitting -----------------------------------------------------------------


def test_a_lead_saves_a_draft_then_submits_and_sees_what_remains(
    client, update_page, url, action_a, target_a, lead_a
):
    data = form_data(update_page)
    data[f"action-{action_a.pk}-status"] = BRAGG.AMBER
    data[f"action-{action_a.pk}-note"] = "Waiting for the parent carer forum"
    data[f"target-{target_a.pk}-rag"] = "amber"
    data[f"target-{target_a.pk}-measured_value"] = "71.5"
    response = _post(client, url, data)
    assert response.status_code == 302
    row = ActionStatus.objects.get(action=action_a, month=MAY)
    assert (row.status, row.state, row.rated_by) == (BRAGG.AMBER, EntryState.DRAFT, lead_a)

    page = client.get(url)
    assert "Saved (2 changed)" in page.content.decode()
    response = _post(client, url, form_data(update_page), button="submit")
    assert response.status_code == 302
    assert response["Location"].endswith("?submitted=1")
    row.refresh_from_db()
    assert row.state == EntryState.SUBMITTED
    assert ImpactRating.objects.get(target=target_a).state == EntryState.SUBMITTED

    confirmation = client.get(response["Location"]).content.decode()
    assert "Updates submitted" in confirmation
    assert "Still to do for May 2023" in confirmation
    assert "Story so far for 1.1" in confirmation  # the one item left
    assert "2 of 3 items submitted" in confirmation


def test_the_story_so_far_is_written_as_paragraphs_and_kept(client, update_page, url, issue_a):
    data = form_data(update_page)
    data[f"story-{issue_a.pk}-narrative"] = "Success: the forum met.\r\n\r\nRisks: staffing."
    assert _post(client, url, data).status_code == 302
    entry = StoryEntry.objects.get(issue=issue_a, month=MAY)
    assert entry.narrative == "<p>Success: the forum met.</p><p>Risks: staffing.</p>"
    again = client.get(url)
    assert "Success: the forum met.\n\nRisks: staffing." in again.content.decode()
    # Saving the page again unchanged writes nothing.
    history = entry.history.count()
    assert _post(client, url, form_data(again)).status_code == 302
    assert entry.history.count() == history


def test_submitting_twice_keeps_one_row(client, update_page, url, action_a):
    data = form_data(update_page)
    data[f"action-{action_a.pk}-status"] = BRAGG.GREEN
    first = _post(client, url, data, button="submit")
    second = _post(client, url, data, button="submit")
    assert first.status_code == 302
    assert second.status_code == 409  # the second carries the version the first replaced
    assert ActionStatus.objects.filter(action=action_a).count() == 1


# --- A page opened for one month never saves into the next (independent probe, finding 4) ---

JUNE = dt.date(2023, 6, 1)


@pytest.fixture
def early_june():
    """2 June 2023: leads finish May's update while the programme manager moves on."""
    with time_machine.travel(timezone.make_aware(dt.datetime(2023, 6, 2, 9)), tick=True):
        yield


def _may_closes_and_june_opens(plan, manager):
    """The programme manager closes May and opens June while a lead's page is open."""
    close_month(plan=plan, month=MAY, user=manager)
    open_month(plan=plan, month=JUNE, user=manager)


def test_the_page_says_which_month_it_is_for(update_page):
    assert '<input type="hidden" name="month" value="2023-05">' in update_page.content.decode()


@pytest.mark.parametrize("button", ["draft", "submit"])
def test_a_may_page_saved_after_june_opens_is_refused_and_keeps_the_text(
    early_june, client, update_page, url, action_a, plan_a, programme_manager_a, button
):
    data = form_data(update_page)
    data[f"action-{action_a.pk}-status"] = BRAGG.AMBER
    data[f"action-{action_a.pk}-note"] = "What happened in May"
    _may_closes_and_june_opens(plan_a, programme_manager_a)

    status, html = _refused(client, url, data, button=button)

    assert status == 409
    assert "Your update was not saved" in html
    assert "May 2023 is closed, so its updates are read-only." in html
    assert "What happened in May" in html  # the text is kept in the form
    tasks = reverse("progress:my_updates", kwargs={"plan_slug": plan_a.slug})
    assert f'href="{tasks}">Go to your updates for June 2023</a>' in html
    assert not ActionStatus.objects.exists()


def test_saving_again_from_the_refused_page_is_refused_again(
    early_june, client, update_page, url, action_a, plan_a, programme_manager_a
):
    data = form_data(update_page)
    data[f"action-{action_a.pk}-status"] = BRAGG.AMBER
    data[f"action-{action_a.pk}-note"] = "What happened in May"
    _may_closes_and_june_opens(plan_a, programme_manager_a)

    refused = _post(client, url, data)
    status, _ = _refused(client, url, form_data(refused))

    assert status == 409
    assert not ActionStatus.objects.exists()


def test_a_save_that_does_not_say_its_month_is_refused_and_keeps_the_text(
    client, update_page, url, action_a
):
    data = form_data(update_page)
    data[f"action-{action_a.pk}-note"] = "Typed on a page without a month"
    del data["month"]

    status, html = _refused(client, url, data)

    assert status == 409
    assert "The page did not say which month it was for, so nothing was saved." in html
    assert "Typed on a page without a month" in html
    assert '<input type="hidden" name="month" value="2023-05">' in html


def test_an_update_on_a_leads_behalf_opened_for_may_is_not_saved_into_june(
    early_june, client, open_may, action_a, lead_person_a, plan_a, programme_manager_a
):
    url = reverse(
        "progress:lead_section",
        kwargs={"plan_slug": plan_a.slug, "person_id": lead_person_a.pk, "section": "1.1"},
    )
    tasks = reverse(
        "progress:lead_updates", kwargs={"plan_slug": plan_a.slug, "person_id": lead_person_a.pk}
    )
    client.force_login(programme_manager_a)
    data = form_data(client.get(url))
    data[f"action-{action_a.pk}-status"] = BRAGG.GREEN
    data[f"action-{action_a.pk}-note"] = "Entered for the lead in May"
    _may_closes_and_june_opens(plan_a, programme_manager_a)

    status, html = _refused(client, url, data)

    assert status == 409
    assert "Entered for the lead in May" in html
    assert f'href="{tasks}">Go to the updates for June 2023</a>' in html
    assert not ActionStatus.objects.exists()


def test_mass_assigned_fields_are_ignored(client, update_page, url, action_a, lead_a, plan_b):
    data = form_data(update_page)
    prefix = f"action-{action_a.pk}"
    other = factories.UserFactory(username="someone-else")
    data.update(
        {
            f"{prefix}-status": BRAGG.GREEN,
            f"{prefix}-rated_by": str(other.pk),
            f"{prefix}-plan": str(plan_b.pk),
            f"{prefix}-state": "submitted",
            "history_user": str(other.pk),
        }
    )
    assert _post(client, url, data).status_code == 302
    row = ActionStatus.objects.get(action=action_a)
    assert (row.rated_by, row.plan_id, row.state) == (lead_a, action_a.plan_id, "draft")
    assert row.history.get().history_user == lead_a


# --- No lost updates -------------------------------------------------------------------------


def test_the_second_of_two_saves_is_refused_showing_what_the_other_person_saved(
    client, update_page, url, action_a, lead2_a
):
    mine = form_data(update_page)
    other = Client()
    other.force_login(lead2_a)
    theirs = form_data(other.get(url))
    theirs[f"action-{action_a.pk}-status"] = BRAGG.AMBER
    theirs[f"action-{action_a.pk}-note"] = "Their note about the delay"
    assert _post(other, url, theirs).status_code == 302

    mine[f"action-{action_a.pk}-status"] = BRAGG.GREEN
    mine[f"action-{action_a.pk}-note"] = "My own careful note"
    before = domain_counts()
    response = _post(client, url, mine)
    html = response.content.decode()
    assert response.status_code == 409
    assert domain_counts() == before
    assert "Your changes were not saved: someone else saved first" in html
    assert "Their note about the delay" in html  # what they saved
    assert "My own careful note" in html  # my text is kept in the form
    assert ActionStatus.objects.get(action=action_a).note == "Their note about the delay"

    # Having read theirs, saving again is a deliberate choice and goes through.
    again = form_data(response)
    assert again[f"action-{action_a.pk}-note"] == "My own careful note"
    assert _post(client, url, again).status_code == 302
    assert ActionStatus.objects.get(action=action_a).note == "My own careful note"


def test_an_item_only_the_other_person_changed_is_not_a_conflict(
    client, update_page, url, action_a, issue_a, lead2_a
):
    mine = form_data(update_page)
    other = Client()
    other.force_login(lead2_a)
    theirs = form_data(other.get(url))
    theirs[f"action-{action_a.pk}-status"] = BRAGG.AMBER
    theirs[f"action-{action_a.pk}-note"] = "Theirs"
    assert _post(other, url, theirs).status_code == 302

    mine[f"story-{issue_a.pk}-narrative"] = "My story"
    assert _post(client, url, mine).status_code == 302
    assert ActionStatus.objects.get(action=action_a).note == "Theirs"
    assert StoryEntry.objects.get(issue=issue_a).narrative == "<p>My story</p>"


# --- The programme manager on a lead's behalf ----------------------------------------------


def test_the_programme_manager_can_update_for_a_lead_and_is_recorded(
    client, open_may, action_a, lead_person_a, programme_manager_a
):
    url = reverse(
        "progress:lead_section",
        kwargs={"plan_slug": action_a.plan.slug, "person_id": lead_person_a.pk, "section": "1.1"},
    )
    client.force_login(programme_manager_a)
    data = form_data(client.get(url))
    data[f"action-{action_a.pk}-status"] = BRAGG.GREEN
    assert _post(client, url, data).status_code == 302
    row = ActionStatus.objects.get(action=action_a)
    assert row.rated_by == programme_manager_a
    assert row.history.get().history_user == programme_manager_a


def test_a_lead_cannot_open_another_leads_page(client, lead_a, open_may, other_action_a):
    person = other_action_a.leads.get()
    url = reverse(
        "progress:lead_updates",
        kwargs={"plan_slug": other_action_a.plan.slug, "person_id": person.pk},
    )
    client.force_login(lead_a)
    assert client.get(url).status_code == 403


# --- Query counts ----------------------------------------------------------------------------


def _grow(plan, person, n):
    for i in range(n):
        issue = factories.IssueFactory(priority=factories.PriorityFactory(plan=plan), ref=f"9.{i}")
        action = factories.ActionFactory(issue=issue)
        factories.ActionLeadFactory(action=action, person=person)
        factories.ActionStatusFactory(action=action, month=dt.date(2023, 4, 1))
        factories.OutcomeTargetFactory(issue=issue, action=action)
        factories.StoryEntryFactory(issue=issue, month=dt.date(2023, 4, 1))


@pytest.mark.parametrize("size", [1, 8])
def test_the_page_costs_the_same_queries_whatever_the_plan_size(
    client, lead_a, open_may, lead_person_a, plan_a, url, size, django_assert_max_num_queries
):
    _grow(plan_a, lead_person_a, size)
    client.force_login(lead_a)
    # session, user, plan, memberships, people (access); open month; the issues the lead
    # has items in; plan_state's fixed set for those issues (people, strategy links,
    # issues, priorities, issue links, actions, leads, targets, statuses, ratings, story
    # entries, writers' names). No session save: it was renewed at sign-in, moments ago.
    tasks = reverse("progress:my_updates", kwargs={"plan_slug": plan_a.slug})
    section = reverse("progress:my_section", kwargs={"plan_slug": plan_a.slug, "section": "9.0"})
    for page in (tasks, section):
        with django_assert_max_num_queries(21):
            response = client.get(page)
        assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 8])
def test_saving_a_draft_costs_the_same_queries_whatever_the_plan_size(
    client, lead_a, open_may, lead_person_a, plan_a, url, action_a, size,
    django_assert_max_num_queries,
):  # fmt: skip
    _grow(plan_a, lead_person_a, size)
    client.force_login(lead_a)
    data = form_data(client.get(url))
    data[f"action-{action_a.pk}-status"] = BRAGG.GREEN
    # session, user, plan, memberships, people (access); open month; the lead's issues and
    # plan_state's structure for them (people, strategy links, issues, priorities, issue
    # links, actions, due-date changes not yet in effect, leads, targets, target changes not
    # yet in effect); the changed action. In the save: the open month,
    # locked, then for the item the month again, its status and its action, locked, the
    # status and its history written, with the nested transactions' savepoints; session
    # save.
    with django_assert_max_num_queries(33):
        response = _post(client, url, data)
    assert response.status_code == 302


def test_last_months_entry_is_shown_beside_each_item(
    client, lead_a, open_may, action_a, issue_a, url
):
    factories.ActionStatusFactory(
        action=action_a,
        month=dt.date(2023, 4, 1),
        status=BRAGG.AMBER,
        note="April's note",
        rated_by=lead_a,
    )
    factories.StoryEntryFactory(
        issue=issue_a, month=dt.date(2023, 4, 1), narrative="<p>April's story</p>", author=lead_a
    )
    client.force_login(lead_a)
    html = client.get(url).content.decode()
    assert "April 2023" in html
    assert "April&#x27;s note" in html
    assert "<p>April's story</p>" in html
    assert f"By {lead_a.get_full_name()}" in html


def test_a_plan_reporting_by_priority_has_one_story_per_priority(
    client, lead_a, open_may, action_a, url, plan_a
):
    plan_a.story_level = "priority"
    plan_a.save()
    client.force_login(lead_a)
    priority = action_a.issue.priority
    tasks = client.get(reverse("progress:my_updates", kwargs={"plan_slug": plan_a.slug}))
    assert f"Story so far for {priority.short_label}" in tasks.content.decode()
    url = reverse(
        "progress:my_section",
        kwargs={"plan_slug": plan_a.slug, "section": f"priority-{priority.number}"},
    )
    page = client.get(url)
    html = page.content.decode()
    assert f"Story so far for {priority.short_label}" in html
    data = form_data(page)
    data[f"story-p{priority.pk}-narrative"] = "The priority's story"
    assert _post(client, url, data).status_code == 302
    entry = StoryEntry.objects.get(priority=priority, month=MAY)
    assert (entry.issue, entry.narrative) == (None, "<p>The priority's story</p>")


def test_an_open_month_that_has_not_started_cannot_be_rated(client, lead_a, plan_a, action_a, url):
    factories.ReportingMonthFactory(plan=plan_a, month=dt.date(2023, 6, 1))
    client.force_login(lead_a)
    data = form_data(client.get(url))
    data[f"action-{action_a.pk}-status"] = BRAGG.GREEN
    status, html = _refused(client, url, data)
    assert status == 409
    assert "You cannot update June 2023 yet: it has not started." in html


def test_a_year_too_large_for_a_date_is_refused_not_a_failure(client, update_page, url, action_a):
    data = form_data(update_page)
    prefix = f"action-{action_a.pk}"
    data.update(
        {
            f"{prefix}-status": BRAGG.BLUE,
            f"{prefix}-completed_on_0": "1",
            f"{prefix}-completed_on_1": "1",
            f"{prefix}-completed_on_2": "2147483648",
        }
    )
    status, html = _refused(client, url, data)
    assert status == 400
    assert "The completion date must be a real date" in html
