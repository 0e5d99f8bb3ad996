"""Reporting months in sendplan.services: opening, closing and re-opening a month, each step
recorded with who did it and why."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from actions.services import record_action_update
from sendplan.models import MonthStatus, ReportingMonth
from sendplan.ratings import BRAGG
from sendplan.services import close_month, open_month, reopen_month

from .conftest import APRIL, JUNE, MAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_in_june_2023")]


def test_opening_a_month_records_who_and_why(plan_a, programme_manager_a):
    month = open_month(
        plan=plan_a, month=MAY, user=programme_manager_a, deadline=dt.date(2023, 5, 25)
    )
    assert month.is_open
    [history] = month.history.all()
    assert history.history_user == programme_manager_a
    assert history.history_change_reason == "Opened May 2023"


def test_only_one_month_is_open_at_a_time(plan_a, programme_manager_a, may):
    with pytest.raises(ValidationError, match="Close May 2023 before opening June 2023"):
        open_month(plan=plan_a, month=JUNE, user=programme_manager_a)


def test_a_month_that_has_not_started_cannot_be_opened(plan_a, programme_manager_a):
    with pytest.raises(ValidationError, match="July 2023 yet"):
        open_month(plan=plan_a, month=dt.date(2023, 7, 1), user=programme_manager_a)
    assert not ReportingMonth.objects.exists()


def test_a_deadline_before_the_month_is_refused(plan_a, programme_manager_a):
    with pytest.raises(ValidationError, match="deadline"):
        open_month(plan=plan_a, month=JUNE, user=programme_manager_a, deadline=MAY)


def test_a_month_before_the_latest_cannot_be_opened_again(plan_a, programme_manager_a, may):
    close_month(plan=plan_a, month=MAY, user=programme_manager_a)
    with pytest.raises(ValidationError, match="Re-open a closed month instead"):
        open_month(plan=plan_a, month=APRIL, user=programme_manager_a)


def test_closing_makes_the_month_read_only_and_reopening_is_recorded_with_its_reason(
    plan_a, programme_manager_a, lead_a, lead_item, may
):
    close_month(plan=plan_a, month=MAY, user=programme_manager_a)
    with pytest.raises(Exception, match="closed"):
        record_action_update(
            action=lead_item, month=MAY, user=lead_a, status=BRAGG.GREEN, expected_version=0
        )
    with pytest.raises(ValidationError, match="Enter the reason"):
        reopen_month(plan=plan_a, month=MAY, user=programme_manager_a, reason="  ")
    reopen_month(plan=plan_a, month=MAY, user=programme_manager_a, reason="A late correction")
    latest = ReportingMonth.objects.get(month=MAY).history.first()
    assert latest.status == MonthStatus.OPEN
    assert latest.history_user == programme_manager_a
    assert latest.history_change_reason == "Re-opened May 2023: A late correction"
    record_action_update(
        action=lead_item, month=MAY, user=lead_a, status=BRAGG.GREEN, expected_version=0
    )


def test_a_month_cannot_be_reopened_while_another_is_open(plan_a, programme_manager_a, may):
    close_month(plan=plan_a, month=MAY, user=programme_manager_a)
    open_month(plan=plan_a, month=JUNE, user=programme_manager_a)
    with pytest.raises(ValidationError, match="Close June 2023 before re-opening May 2023"):
        reopen_month(plan=plan_a, month=MAY, user=programme_manager_a, reason="Fix")
