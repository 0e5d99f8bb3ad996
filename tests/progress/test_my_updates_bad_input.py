"""The page of the lead's month meets bad input with a clear message, naming the item, and
saves nothing at all."""

import datetime as dt
import re

import pytest

from actions.models import StoryEntry
from sendplan.models import MonthStatus
from sendplan.ratings import BRAGG
from tests import factories
from tests.actions.conftest import MAY, _in_may_2023, domain_counts, form_data  # noqa: F401
from tests.progress.update_page import post as _post
from tests.progress.update_page import refused as _refused

pytestmark = pytest.mark.django_db


# --- Bad input: a clear message, and nothing else changes ----------------------------------


def test_red_without_a_note_is_refused_with_a_message(client, update_page, url, action_a, target_a):
    data = form_data(update_page)
    data[f"action-{action_a.pk}-status"] = BRAGG.RED
    data[f"target-{target_a.pk}-rag"] = "green"  # a good change that must not be saved either
    status, html = _refused(client, url, data, button="submit")
    assert status == 400
    assert "There is a problem" in html
    assert "Enter a note saying why the action is Red." in html
    assert f'href="#id_action-{action_a.pk}-note"' in html
    note = f"id_action-{action_a.pk}-note"
    assert f'aria-describedby="{note}-hint {note}-error"' in html
    assert f'<p id="{note}-error" class="govuk-error-message">' in html


def test_an_item_added_while_a_refused_save_is_read_again_does_not_break_the_page(
    client, update_page, url, action_a, lead_person_a, monkeypatch
):
    from progress.views import my_updates

    read = my_updates.lead_items

    def read_then_add_an_action(plan, month, person_ids, **kwargs):
        items = read(plan, month, person_ids, **kwargs)
        if kwargs.get("entries") is False:  # the save's read: another action arrives now
            added = factories.ActionFactory(issue=action_a.issue, text="Added meanwhile")
            factories.ActionLeadFactory(action=added, person=lead_person_a)
        return items

    monkeypatch.setattr(my_updates, "lead_items", read_then_add_an_action)
    data = form_data(update_page)
    data[f"action-{action_a.pk}-status"] = BRAGG.RED
    response = _post(client, url, data)
    assert response.status_code == 400
    assert "Enter a note saying why the action is Red." in response.content.decode()


def test_a_note_without_a_status_is_refused_and_the_message_links_to_the_first_radio(
    client, update_page, url, action_a
):
    data = form_data(update_page)
    data[f"action-{action_a.pk}-note"] = "Waiting for the forum"
    status, html = _refused(client, url, data)
    assert status == 400
    assert "Select the BRAGG status" in html
    status_id = f"id_action-{action_a.pk}-status"
    assert f'href="#{status_id}_1"' in html
    assert f'id="{status_id}_1"' in html
    assert f'<fieldset class="govuk-fieldset" aria-describedby="{status_id}-error">' in html


def test_each_bragg_choice_shows_its_word_and_the_page_defines_each_word(update_page, action_a):
    html = update_page.content.decode()
    status_id = f"id_action-{action_a.pk}-status"
    key = html[html.index("What the BRAGG and RAG statuses mean") :]
    for number, (word, definition) in enumerate(
        [("Blue", "Completed"), ("Red", "Major concerns"), ("Amber", "On track, some")], start=1
    ):
        radio = f"{status_id}_{number}"
        assert f'for="{radio}">{word}</label>' in html
        assert re.search(f"{word}.*?{definition}", key, re.S)


def test_blue_without_a_completion_date_is_refused(client, update_page, url, action_a):
    data = form_data(update_page)
    data[f"action-{action_a.pk}-status"] = BRAGG.BLUE
    status, html = _refused(client, url, data)
    assert status == 400
    assert "Enter the date the action was completed, as it is Blue." in html


def test_a_completion_date_in_the_future_is_refused(client, update_page, url, action_a):
    data = form_data(update_page)
    prefix = f"action-{action_a.pk}"
    data.update(
        {
            f"{prefix}-status": BRAGG.BLUE,
            f"{prefix}-completed_on_0": "1",
            f"{prefix}-completed_on_1": "6",
            f"{prefix}-completed_on_2": "2023",
        }
    )
    status, html = _refused(client, url, data)
    assert status == 400
    assert "The completion date must be today or in the past" in html


def test_a_date_that_does_not_exist_is_refused(client, update_page, url, action_a):
    data = form_data(update_page)
    prefix = f"action-{action_a.pk}"
    data.update(
        {
            f"{prefix}-status": BRAGG.BLUE,
            f"{prefix}-completed_on_0": "31",
            f"{prefix}-completed_on_1": "2",
            f"{prefix}-completed_on_2": "2023",
        }
    )
    status, html = _refused(client, url, data)
    assert status == 400
    assert "The completion date must be a real date" in html


def test_revising_the_due_date_needs_a_reason(client, update_page, url, action_a):
    data = form_data(update_page)
    prefix = f"action-{action_a.pk}"
    data.update({f"{prefix}-new_due_month_0": "9", f"{prefix}-new_due_month_1": "2023"})
    status, html = _refused(client, url, data)
    assert status == 400
    assert "Enter the reason the due date was revised" in html


def test_revising_the_due_date_with_a_reason_keeps_the_original(client, update_page, url, action_a):
    data = form_data(update_page)
    prefix = f"action-{action_a.pk}"
    data.update(
        {
            f"{prefix}-new_due_month_0": "9",
            f"{prefix}-new_due_month_1": "2023",
            f"{prefix}-due_revised_reason": "The new team starts in August",
        }
    )
    assert _post(client, url, data).status_code == 302
    action_a.refresh_from_db()
    assert (action_a.due_month, action_a.original_due_month) == (
        dt.date(2023, 9, 1),
        dt.date(2023, 6, 1),
    )
    assert action_a.due_revised_reason == "The new team starts in August"


def test_a_five_megabyte_narrative_is_refused_and_nothing_is_saved(
    client, update_page, url, issue_a
):
    data = form_data(update_page)
    data[f"story-{issue_a.pk}-narrative"] = "x" * (5 * 1024 * 1024)
    status, html = _refused(client, url, data)
    assert status == 400
    assert "The story so far must be 100,000 characters or fewer" in html


def test_hostile_html_is_sanitised_and_the_lead_is_told(client, update_page, url, issue_a):
    data = form_data(update_page)
    data[f"story-{issue_a.pk}-narrative"] = (
        '<p>Progress <script>alert("x")</script><iframe src="https://evil.example"></iframe>'
        '<a href="javascript:alert(1)">click</a> <a href=" JaVaScRiPt:alert(1)">again</a>'
        '<img src=x onerror="alert(1)"></p>'
    )
    response = _post(client, url, data, follow=True)
    assert "We removed formatting that is not allowed" in response.content.decode()
    stored = StoryEntry.objects.get(issue=issue_a).narrative
    for banned in ("<script", "<iframe", "javascript:", "onerror", "<img", "alert("):
        assert banned not in stored.lower()
    assert "Progress" in stored


def test_a_closed_month_is_read_only(client, update_page, url, action_a, open_may):
    data = form_data(update_page)
    data[f"action-{action_a.pk}-status"] = BRAGG.GREEN
    data[f"action-{action_a.pk}-note"] = "Typed before May closed"
    open_may.status = MonthStatus.CLOSED
    open_may.save()
    status, html = _refused(client, url, data)
    assert status == 409
    assert "May 2023 is closed, so its updates are read-only." in html
    assert "Typed before May closed" in html  # the text is kept, though no month is open
