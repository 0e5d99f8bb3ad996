"""ReminderSent moved from actions to progress: an upgraded database keeps every reminder
already sent, its history and the permissions granted on it."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from progress.models import ReminderSent
from sendplan.models import User
from tests import factories
from tests.migration_states import schema_as_at, table_names

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BEFORE_THE_MOVE = ("actions", "0003_story_entry_item_month_indexes")
MAY = dt.date(2023, 5, 1)


def test_reminders_sent_before_the_move_are_kept_with_their_history_and_permissions():
    # Each test runs the migrations back and forth: one test holds all that is kept.
    plan = factories.PlanFactory()
    person = factories.PersonFactory(area=plan.area, email="lead@example.org")
    sender = factories.UserFactory(username="pm")
    auditor = factories.UserFactory(username="auditor", is_staff=True)
    sent_at = timezone.make_aware(dt.datetime(2023, 5, 9, 8, 0))

    with schema_as_at(BEFORE_THE_MOVE) as old:
        assert "actions_remindersent" in table_names()
        old_reminder = old.get_model("actions", "ReminderSent").objects.create(
            plan_id=plan.pk,
            person_id=person.pk,
            month=MAY,
            sent_on=dt.date(2023, 5, 9),
            email="lead@example.org",
            item_count=3,
            sent_at=sent_at,
        )
        old.get_model("actions", "HistoricalReminderSent").objects.create(
            id=old_reminder.pk,
            plan_id=plan.pk,
            person_id=person.pk,
            month=MAY,
            sent_on=dt.date(2023, 5, 9),
            email="lead@example.org",
            item_count=3,
            sent_at=sent_at,
            history_date=sent_at,
            history_type="+",
            history_user_id=sender.pk,
            history_change_reason="Reminder sent",
        )
        auditor.user_permissions.add(
            Permission.objects.get(content_type__app_label="actions", codename="view_remindersent")
        )

    assert "actions_remindersent" not in table_names()
    reminder = ReminderSent.objects.get(pk=old_reminder.pk)
    assert (reminder.plan, reminder.person, reminder.month, reminder.item_count) == (
        plan,
        person,
        MAY,
        3,
    )
    entry = reminder.history.get()
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
        "+",
        sender,
        "Reminder sent",
    )
    # The table goes on numbering its rows after the ones it brought with it.
    later = ReminderSent.objects.create(
        plan=plan,
        person=person,
        month=MAY,
        sent_on=dt.date(2023, 5, 10),
        email="x@y.z",
        item_count=1,
    )
    assert later.pk > reminder.pk

    assert User.objects.get(pk=auditor.pk).has_perm("progress.view_remindersent")
