"""The months page as the programme manager chases a month: a passed deadline shown as
overdue, the leads sorted and filtered by what they have not submitted, "Send reminders
now" (the cron job's rule: once a day per lead and plan), who updates for a lead who does
not sign in, and the close button after the progress it closes on."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from progress.models import ReminderSent
from sendplan.models import MonthStatus
from tests import factories
from tests.actions.conftest import domain_counts
from tests.sendplan.conftest import MAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_in_june_2023")]


def _page(client, plan, query=None):
    return client.get(reverse("progress:month", args=[plan.slug]), query or {}).content.decode()


def _remind_url(plan, month=MAY):
    return reverse("progress:send_reminders", args=[plan.slug, f"{month:%Y-%m}"])


def _lead(plan, name, actions, *, done=False):
    """A person (with no login) leading ``actions`` new actions of their own issue: with
    its story so far, ``actions + 1`` items for May, all missing unless ``done``."""
    issue = factories.IssueFactory(priority=factories.PriorityFactory(plan=plan), ref=name[:3])
    person = factories.PersonFactory(area=plan.area, name=name)
    for i in range(actions):
        action = factories.ActionFactory(issue=issue, text=f"{name} action {i}")
        factories.ActionLeadFactory(action=action, person=person)
        if done:
            factories.ActionStatusFactory(action=action, month=MAY)
    if done:
        factories.StoryEntryFactory(issue=issue, month=MAY)
    return person


def test_a_passed_deadline_shows_as_overdue_with_the_days_late(
    client, plan_a, may, lead_item, programme_manager_a
):
    may.deadline = dt.date(2023, 6, 9)  # "today" is 12 June 2023
    may.save()
    client.force_login(programme_manager_a)
    html = _page(client, plan_a)
    assert "Due by 9 June 2023 (3 days late)" in html
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in html


def test_a_deadline_still_to_come_is_not_overdue(
    client, plan_a, may, lead_item, programme_manager_a
):
    may.deadline = dt.date(2023, 6, 15)
    may.save()
    client.force_login(programme_manager_a)
    html = _page(client, plan_a)
    assert "Due by 15 June 2023 (3 days left)" in html
    assert "Overdue" not in html


def test_a_closed_months_deadline_is_a_plain_date(client, plan_a, may, programme_manager_a):
    may.deadline = dt.date(2023, 6, 9)
    may.status = MonthStatus.CLOSED
    may.save()
    client.force_login(programme_manager_a)
    html = _page(client, plan_a)
    assert "9 June 2023" in html
    assert "days late" not in html and "Overdue" not in html


@pytest.fixture
def three_leads(plan_a, may):
    """Zoe has 5 items missing, Adam 2 and Bea none (all 3 submitted)."""
    return (
        _lead(plan_a, "Zoe Missing", 4),
        _lead(plan_a, "Adam Some", 1),
        _lead(plan_a, "Bea Done", 2, done=True),
    )


def _order(html, names):
    return sorted(names, key=html.index)


def test_leads_come_most_missing_first_unless_sorted_by_name(
    client, plan_a, three_leads, programme_manager_a
):
    client.force_login(programme_manager_a)
    names = ["Zoe Missing", "Adam Some", "Bea Done"]
    html = _page(client, plan_a)
    assert _order(html, names) == ["Zoe Missing", "Adam Some", "Bea Done"]
    assert '<a class="govuk-link" href="?sort=name&amp;show=all">Name</a>' in html
    by_name = _page(client, plan_a, {"sort": "name"})
    assert _order(by_name, names) == ["Adam Some", "Bea Done", "Zoe Missing"]


def test_leads_can_be_filtered_to_those_with_items_to_do(
    client, plan_a, three_leads, programme_manager_a
):
    client.force_login(programme_manager_a)
    html = _page(client, plan_a)
    assert "Leads with items to do (2)" in html and "All leads (3)" in html
    filtered = _page(client, plan_a, {"show": "missing", "sort": "name"})
    assert "Bea Done" not in filtered
    assert filtered.index("Adam Some") < filtered.index("Zoe Missing")
    assert "<strong>Leads with items to do (2)</strong>" in filtered
    assert '<a class="govuk-link" href="?sort=missing&amp;show=missing">' in filtered


@pytest.mark.parametrize(
    "query", [{"sort": "bogus"}, {"show": "\x00"}, {"sort": ["name", "missing"]}, {"show": ""}]
)
def test_unknown_sort_or_show_values_are_ignored(
    client, plan_a, three_leads, programme_manager_a, query
):
    client.force_login(programme_manager_a)
    response = client.get(reverse("progress:month", args=[plan_a.slug]), query)
    assert response.status_code == 200


def test_send_reminders_now_sends_once_a_day_and_says_who_was_not_emailed(
    client, plan_a, may, lead_item, lead_a, programme_manager_a
):
    _lead(plan_a, "Never Signs In", 1)
    client.force_login(programme_manager_a)
    response = client.post(_remind_url(plan_a))
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    [message] = mail.outbox
    assert message.to == [lead_a.email]
    assert "Reminder e-mailed to 1 lead" in html
    assert "E-mailed: Lead A Person." in html
    assert "Does not sign in (1): Never Signs In" in html
    reminder = ReminderSent.objects.get()
    assert reminder.history.get().history_user == programme_manager_a

    again = client.post(_remind_url(plan_a), follow=True).content.decode()
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.count() == 1
    assert "No reminders were sent" in again
    assert "Already reminded today (1): Lead A Person" in again
    # The result is shown once: the page read again is the page.
    assert "Already reminded today" not in _page(client, plan_a)


def test_a_reminder_sent_from_the_page_counts_for_the_daily_job(
    client, plan_a, may, lead_item, lead_a, programme_manager_a
):
    client.force_login(programme_manager_a)
    client.post(_remind_url(plan_a))
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert len(mail.outbox) == 1
    assert "Sent 0 reminders; 1 already sent today" in out.getvalue()


def test_a_lead_without_an_email_address_is_named_with_the_reason(
    client, plan_a, may, lead_item, lead_a, programme_manager_a
):
    lead_a.email = ""
    lead_a.save()
    client.force_login(programme_manager_a)
    html = client.post(_remind_url(plan_a), follow=True).content.decode()
    assert mail.outbox == []
    assert "No e-mail address (1): Lead A Person" in html


def test_leads_and_viewers_cannot_send_reminders(client, plan_a, may, lead_item, lead_a, viewer_a):
    for user in (lead_a, viewer_a):
        client.force_login(user)
        before = domain_counts()
        assert client.post(_remind_url(plan_a)).status_code == 403
        assert domain_counts() == before
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


def test_reminders_are_sent_only_by_post_and_only_for_an_open_month(
    client, plan_a, may, lead_item, programme_manager_a
):
    client.force_login(programme_manager_a)
    assert client.get(_remind_url(plan_a)).status_code == 405
    may.status = MonthStatus.CLOSED
    may.save()
    html = client.post(_remind_url(plan_a), follow=True).content.decode()
    assert "May 2023 is closed: there is nothing to remind." in html
    assert mail.outbox == []
    assert client.post(_remind_url(plan_a, dt.date(2023, 4, 1))).status_code == 404


def test_a_lead_who_does_not_sign_in_shows_who_updates_for_them(
    client, plan_a, may, programme_manager_a
):
    person = _lead(plan_a, "Paper Person", 1)
    client.force_login(programme_manager_a)
    html = _page(client, plan_a)
    assert "Does not sign in: updated by the programme manager" in html
    url = reverse("progress:lead_updates", args=[plan_a.slug, person.pk])
    assert f'<a class="govuk-link" href="{url}">Update for Paper Person</a>' in html


def test_the_close_button_comes_after_the_summary_of_progress(
    client, plan_a, may, lead_item, programme_manager_a
):
    client.force_login(programme_manager_a)
    html = _page(client, plan_a)
    close = reverse("progress:close_month", args=[plan_a.slug, "2023-05"])
    button = html.index(f'href="{close}"')
    assert html.count(f'href="{close}"') == 1
    assert html.index("Progress by lead") < html.index("Progress by item") < button
    assert html.index("Send reminders now") < button
    assert "govuk-button--warning" in html[button - 200 : button]
