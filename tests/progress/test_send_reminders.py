"""send_reminders: one e-mail a day per lead and plan, listing what is still to update."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from actions.services import record_action_update, record_story_entry
from progress.models import ReminderSent
from progress.services import SubmitScope, submit_month_updates
from sendplan.ratings import BRAGG
from tests import factories
from tests.actions.conftest import MAY, _in_may_2023  # noqa: F401

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_each_lead_with_outstanding_items_gets_one_email_listing_them(
    open_may, action_a, target_a, lead_a
):
    output = _run("--base-url", "https://sendplan.example.org")
    [message] = mail.outbox
    assert message.to == [lead_a.email]
    assert "May 2023" in message.subject
    assert action_a.text in message.body
    assert target_a.text in message.body
    assert "https://sendplan.example.org/plans/area-a-wsoa/my-updates/" in message.body
    assert "Sent 1 reminders" in output
    reminder = ReminderSent.objects.get()
    assert reminder.item_count == 3
    assert reminder.history.get().history_user.username == "sendplan-system"


def test_running_twice_in_a_day_sends_nothing_the_second_time(open_may, action_a, lead_a):
    _run()
    output = _run()
    assert len(mail.outbox) == 1
    assert "Sent 0 reminders; 1 already sent today" in output
    assert ReminderSent.objects.count() == 1


def test_a_dry_run_sends_and_records_nothing(open_may, action_a, lead_a):
    output = _run("--dry-run")
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()
    assert "Would e-mail Lead A Person" in output


def test_a_lead_who_has_submitted_everything_is_not_reminded(open_may, action_a, issue_a, lead_a):
    record_action_update(
        action=action_a, month=MAY, user=lead_a, status=BRAGG.GREEN, expected_version=0
    )
    record_story_entry(
        plan=action_a.plan,
        month=MAY,
        user=lead_a,
        issue=issue_a,
        narrative="Done",
        expected_version=0,
    )
    submit_month_updates(
        plan=action_a.plan,
        month=MAY,
        user=lead_a,
        scope=SubmitScope(action_ids={action_a.pk}, issue_ids={issue_a.pk}),
    )
    output = _run()
    assert mail.outbox == []
    assert "up to date 1" in output


def test_leads_without_a_login_or_address_are_counted_not_emailed(open_may, other_action_a):
    output = _run()
    assert mail.outbox == []
    assert "1 leads without an e-mail address" in output


def test_the_person_address_is_used_when_the_account_has_none(open_may, action_a, lead_a):
    lead_a.email = ""
    lead_a.save()
    person = lead_a.people.get()
    person.email = "lead.a@council.example"
    person.save()
    _run()
    assert mail.outbox[0].to == ["lead.a@council.example"]


def test_only_the_named_plan_is_reminded(open_may, action_a, lead_a, plan_b, lead_b):
    month_b = factories.ReportingMonthFactory(plan=plan_b, month=MAY)
    issue_b = factories.IssueFactory(priority=factories.PriorityFactory(plan=plan_b))
    action_b = factories.ActionFactory(issue=issue_b)
    factories.ActionLeadFactory(action=action_b, person=lead_b.people.get())
    output = _run("--plan", plan_b.slug)
    assert [m.to for m in mail.outbox] == [[lead_b.email]]
    assert month_b.plan.slug in output
    assert "area-a-wsoa" not in output


def test_an_unknown_plan_is_a_plain_error(db):
    with pytest.raises(CommandError, match='There is no plan "nope"'):
        _run("--plan", "nope")
