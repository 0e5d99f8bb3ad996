"""The meeting calendar from a forum's cadence, and the meeting slots it makes."""

import datetime as dt

import pytest

from governance.models import Cadence, Meeting
from governance.services import (
    add_meeting,
    calendar_slots,
    meeting_calendar,
    nth_weekday,
    review_period,
)
from tests import factories


def test_second_tuesday_of_a_month():
    assert nth_weekday(dt.date(2023, 4, 1)) == dt.date(2023, 4, 11)
    assert nth_weekday(dt.date(2023, 8, 1)) == dt.date(2023, 8, 8)  # 1 August is a Tuesday


def test_a_monthly_forum_meets_on_the_second_tuesday_of_every_month(db):
    forum = factories.ForumFactory.build(cadence=Cadence.MONTHLY)

    dates = meeting_calendar(forum, dt.date(2023, 1, 1), dt.date(2023, 12, 31))

    assert len(dates) == 12
    assert dates[:3] == [dt.date(2023, 1, 10), dt.date(2023, 2, 14), dt.date(2023, 3, 14)]
    assert all(d.weekday() == 1 and 8 <= d.day <= 14 for d in dates)


def test_a_quarterly_forum_meets_in_the_first_month_of_each_quarter(db):
    forum = factories.ForumFactory.build(cadence=Cadence.QUARTERLY)

    dates = meeting_calendar(forum, dt.date(2023, 1, 1), dt.date(2023, 12, 31))

    assert [d.month for d in dates] == [1, 4, 7, 10]


def test_an_annual_forum_meets_in_june(db):
    forum = factories.ForumFactory.build(cadence=Cadence.ANNUALLY)

    assert meeting_calendar(forum, dt.date(2022, 7, 1), dt.date(2024, 6, 30)) == [
        dt.date(2023, 6, 13),
        dt.date(2024, 6, 11),
    ]


def test_the_range_bounds_are_respected(db):
    forum = factories.ForumFactory.build(cadence=Cadence.MONTHLY)

    assert meeting_calendar(forum, dt.date(2023, 4, 12), dt.date(2023, 5, 9)) == [
        dt.date(2023, 5, 9)
    ]


@pytest.mark.parametrize(
    ("cadence", "start", "end"),
    [
        (Cadence.MONTHLY, dt.date(2023, 3, 1), dt.date(2023, 3, 31)),
        (Cadence.QUARTERLY, dt.date(2023, 1, 1), dt.date(2023, 3, 31)),
        (Cadence.ANNUALLY, dt.date(2022, 4, 1), dt.date(2023, 3, 31)),
    ],
)
def test_a_meeting_reviews_the_whole_months_before_it(cadence, start, end):
    assert review_period(cadence, dt.date(2023, 4, 11)) == (start, end)


def test_a_meeting_off_the_rule_takes_its_slot(area_a):
    forum = factories.ForumFactory(area=area_a, cadence=Cadence.MONTHLY)
    mid_april = factories.MeetingFactory(forum=forum, scheduled_for=dt.date(2023, 4, 17))
    extra = factories.MeetingFactory(forum=forum, scheduled_for=dt.date(2023, 4, 28))

    slots = calendar_slots(forum, dt.date(2023, 3, 1), dt.date(2023, 5, 31), [mid_april, extra])

    assert [(s.scheduled_for, s.meeting) for s in slots] == [
        (dt.date(2023, 3, 14), None),
        (dt.date(2023, 4, 17), mid_april),  # the meeting's own date replaces the rule's
        (dt.date(2023, 4, 28), extra),  # a second meeting in a month is listed too
        (dt.date(2023, 5, 9), None),
    ]


def test_adding_a_scheduled_meeting_records_its_period_and_the_user(area_a, programme_manager_a):
    forum = factories.ForumFactory(area=area_a, cadence=Cadence.QUARTERLY)

    meeting = add_meeting(forum=forum, scheduled_for=dt.date(2023, 4, 11), user=programme_manager_a)
    again = add_meeting(forum=forum, scheduled_for=dt.date(2023, 4, 11), user=programme_manager_a)

    assert again == meeting
    assert Meeting.objects.filter(forum=forum).count() == 1
    assert (meeting.period_start, meeting.period_end) == (dt.date(2023, 1, 1), dt.date(2023, 3, 31))
    assert meeting.history.get().history_user == programme_manager_a
