"""One rule for the month a page opens on, and the plan page and dashboard keep it."""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from sendplan.models import MonthStatus
from sendplan.month_shown import month_shown
from tests import factories

TODAY = dt.date(2023, 6, 14)
MARCH, APRIL, MAY, JUNE = (dt.date(2023, m, 1) for m in (3, 4, 5, 6))


def test_the_latest_closed_month_is_shown_even_while_a_later_month_is_open():
    months = [
        SimpleNamespace(month=MARCH, status=MonthStatus.CLOSED),
        SimpleNamespace(month=JUNE, status=MonthStatus.OPEN),
        SimpleNamespace(month=MAY, status=MonthStatus.CLOSED),
    ]
    assert month_shown(months, today=TODAY) == MAY


def test_the_open_month_is_shown_when_none_has_closed():
    months = [SimpleNamespace(month=APRIL, status=MonthStatus.OPEN)]
    assert month_shown(months, today=TODAY) == APRIL


def test_the_calendar_month_is_shown_for_a_plan_without_months():
    assert month_shown([], today=TODAY) == JUNE


def test_as_at_a_date_never_shows_a_later_month():
    months = [SimpleNamespace(month=MAY, status=MonthStatus.CLOSED)]
    assert month_shown(months, today=TODAY, as_at_date=dt.date(2023, 4, 9)) == APRIL


@pytest.mark.django_db
def test_the_plan_page_and_the_dashboard_open_on_the_same_month(client, plan_a, viewer_a):
    factories.ReportingMonthFactory(plan=plan_a, month=APRIL, status=MonthStatus.CLOSED)
    factories.ReportingMonthFactory(plan=plan_a, month=MAY, status=MonthStatus.OPEN)
    client.force_login(viewer_a)
    with time_machine.travel(timezone.make_aware(dt.datetime(2023, 5, 20, 12)), tick=False):
        plan_page = client.get(reverse("reports:plan_detail", args=[plan_a.slug]))
        dashboard = client.get(reverse("reports:dashboard", args=[plan_a.slug]))
    assert plan_page.context["month"] == dashboard.context["month"] == APRIL
    assert "April 2023 at a glance" in plan_page.content.decode()
