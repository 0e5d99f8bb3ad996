"""The draft the monthly update saves on its own (static/js/autosave.js posts to it)."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionStatus, EntryState, StoryEntry
from sendplan.models import MonthStatus
from sendplan.ratings import BRAGG
from sendplan.services import close_month, open_month
from tests.actions.conftest import MAY, _in_may_2023, domain_counts, form_data  # noqa: F401

JUNE = dt.date(2023, 6, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(plan_a):
    return (
        reverse("progress:my_section", kwargs={"plan_slug": plan_a.slug, "section": "1.1"}),
        reverse("progress:autosave", kwargs={"plan_slug": plan_a.slug}),
    )


@pytest.fixture
def data(client, lead_a, open_may, action_a, target_a, urls):
    client.force_login(lead_a)
    return form_data(client.get(urls[0]))


def _item(data, key):
    """Only one item's fields, as the script sends only the items that changed, and the
    month the page is for."""
    return {k: v for k, v in data.items() if k.startswith(f"{key}-") or k == "month"}


def test_an_incomplete_update_is_kept_as_a_draft(client, data, urls, action_a):
    key = f"action-{action_a.pk}"
    sent = _item(data, key) | {f"{key}-status": BRAGG.RED}  # Red, no note yet
    response = client.post(urls[1], sent)
    assert response.status_code == 200
    answer = response.json()
    assert answer["saved_at"] == "10:30"
    assert answer["items"][key]["version"] == 1
    row = ActionStatus.objects.get(action=action_a, month=MAY)
    assert (row.status, row.state) == (BRAGG.RED, EntryState.DRAFT)


def test_a_narrative_is_never_lost_to_a_timed_out_session(client, data, urls, issue_a, lead_a):
    key = f"story-{issue_a.pk}"
    story = "Success: " + "a long account of the month. " * 500
    assert client.post(urls[1], _item(data, key) | {f"{key}-narrative": story}).status_code == 200
    client.logout()  # the session times out
    client.force_login(lead_a)
    assert story.strip() in client.get(urls[0]).content.decode()
    assert StoryEntry.objects.get(issue=issue_a).state == EntryState.DRAFT


def test_the_new_version_lets_the_page_save_without_a_conflict(client, data, urls, issue_a):
    key = f"story-{issue_a.pk}"
    answer = client.post(urls[1], _item(data, key) | {f"{key}-narrative": "First"}).json()
    data.update(
        {
            f"{key}-narrative": "First, then more",
            **{f"{key}-{name}": str(value) for name, value in answer["items"][key].items()},
        }
    )
    response = client.post(urls[0], data | {"draft": "1"})
    assert response.status_code == 302
    assert StoryEntry.objects.get(issue=issue_a).narrative == "<p>First, then more</p>"


def test_a_conflict_is_reported_and_the_other_persons_work_kept(
    client, data, urls, action_a, lead2_a
):
    key = f"action-{action_a.pk}"
    other = Client()
    other.force_login(lead2_a)
    theirs = form_data(other.get(urls[0]))
    theirs |= {f"{key}-status": BRAGG.AMBER, f"{key}-note": "Theirs", "draft": "1"}
    assert other.post(urls[0], theirs).status_code == 302

    answer = client.post(urls[1], _item(data, key) | {f"{key}-status": BRAGG.GREEN}).json()
    assert [c["key"] for c in answer["conflicts"]] == [key]
    assert key not in answer["items"]  # the page keeps its version: its next save conflicts
    assert ActionStatus.objects.get(action=action_a).note == "Theirs"


def test_the_token_is_required(data, urls, lead_a, action_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead_a)
    key = f"action-{action_a.pk}"
    before = domain_counts()
    assert client.post(urls[1], _item(data, key) | {f"{key}-status": "green"}).status_code == 403
    assert domain_counts() == before


def test_items_the_user_does_not_lead_are_refused(client, data, urls, other_action_a):
    key = f"action-{other_action_a.pk}"
    before = domain_counts()
    sent = {
        "month": "2023-05",
        f"{key}-version": "0",
        f"{key}-action_version": "1",
        f"{key}-status": "green",
    }
    assert client.post(urls[1], sent).status_code == 403
    assert domain_counts() == before


def test_viewers_outsiders_and_anonymous_visitors_cannot_autosave(
    data, urls, action_a, viewer_a, lead_b
):
    key = f"action-{action_a.pk}"
    sent = _item(data, key) | {f"{key}-status": "green"}
    before = domain_counts()
    anonymous = Client()
    assert anonymous.post(urls[1], sent).status_code == 302
    for user, status in ((viewer_a, 403), (lead_b, 404)):
        client = Client()
        client.force_login(user)
        before = domain_counts()
        assert client.post(urls[1], sent).status_code == status
        assert domain_counts() == before


def test_a_closed_month_is_not_saved(client, data, urls, action_a, open_may):
    open_may.status = MonthStatus.CLOSED
    open_may.save()
    key = f"action-{action_a.pk}"
    response = client.post(urls[1], _item(data, key) | {f"{key}-status": "green"})
    assert response.status_code == 409
    assert "May 2023 is closed, so its updates are read-only." in response.json()["message"]
    assert not ActionStatus.objects.exists()


@pytest.fixture
def early_june():
    """2 June 2023: leads finish May's update while the programme manager moves on."""
    with time_machine.travel(timezone.make_aware(dt.datetime(2023, 6, 2, 9)), tick=True):
        yield


def test_a_may_draft_sent_after_june_opens_is_refused_not_saved_into_june(
    early_june, client, data, urls, action_a, plan_a, programme_manager_a
):
    key = f"action-{action_a.pk}"
    close_month(plan=plan_a, month=MAY, user=programme_manager_a)
    open_month(plan=plan_a, month=JUNE, user=programme_manager_a)
    before = domain_counts()

    response = client.post(urls[1], _item(data, key) | {f"{key}-note": "May's draft"})

    assert response.status_code == 409
    assert response.json()["message"].startswith(
        "May 2023 is closed, so its updates are read-only."
    )
    assert domain_counts() == before


def test_a_draft_that_does_not_say_its_month_is_refused(client, data, urls, action_a):
    key = f"action-{action_a.pk}"
    sent = _item(data, key) | {f"{key}-note": "A draft"}
    del sent["month"]
    before = domain_counts()

    response = client.post(urls[1], sent)

    assert response.status_code == 409
    assert "did not say which month" in response.json()["message"]
    assert domain_counts() == before
