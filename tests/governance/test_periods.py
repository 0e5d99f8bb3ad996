"""Report periods: months, calendar quarters and years, read from their codes."""

import datetime as dt

import pytest

from governance.periods import (
    MONTH,
    QUARTER,
    YEAR,
    parse_period,
    parse_period_for_cadence,
    period_between,
    recent_periods,
)


def test_a_month_code_is_that_month():
    period = parse_period("2023-04")
    assert (period.kind, period.start, period.end) == (
        MONTH,
        dt.date(2023, 4, 1),
        dt.date(2023, 4, 1),
    )
    assert period.label == "April 2023"
    assert period.last_day == dt.date(2023, 4, 30)


def test_quarters_are_calendar_quarters():
    period = parse_period("2023-Q1")
    assert (period.kind, period.start, period.end) == (
        QUARTER,
        dt.date(2023, 1, 1),
        dt.date(2023, 3, 1),
    )
    assert period.label == "January to March 2023"
    assert period.short_label == "Q1 2023"
    assert parse_period("2023-q4").months == [dt.date(2023, m, 1) for m in (10, 11, 12)]


def test_a_year_is_january_to_december():
    period = parse_period("2023")
    assert (period.kind, period.start, period.end) == (
        YEAR,
        dt.date(2023, 1, 1),
        dt.date(2023, 12, 1),
    )
    assert len(period.months) == 12


def test_codes_round_trip():
    for code in ["2023-04", "2023-Q1", "2023"]:
        assert parse_period(code).code == code


def test_the_previous_period_is_the_same_length_just_before():
    assert parse_period("2023-Q1").previous().code == "2022-Q4"
    assert parse_period("2023-01").previous().code == "2022-12"
    assert parse_period("2023").previous().code == "2022"


@pytest.mark.parametrize("code", ["", "2023-13", "2023-Q5", "Q1 2023/24", "April", "23-04"])
def test_a_period_that_is_not_a_code_is_refused_with_an_example(code):
    with pytest.raises(ValueError, match="Enter a period such as"):
        parse_period(code)


def test_a_forum_gets_only_periods_of_its_cadence():
    assert parse_period_for_cadence("2023-Q1", "quarterly").code == "2023-Q1"
    with pytest.raises(ValueError, match='enter a quarter such as "2023-Q1"'):
        parse_period_for_cadence("2023-04", "quarterly", "SEND Assurance Executive")
    with pytest.raises(ValueError, match="enter a month"):
        parse_period_for_cadence("2023", "monthly")


def test_recent_periods_run_newest_first_back_to_the_first_month():
    periods = recent_periods(QUARTER, first=dt.date(2022, 10, 1), last=dt.date(2023, 5, 10))
    assert [p.code for p in periods] == ["2023-Q2", "2023-Q1", "2022-Q4"]


@pytest.mark.parametrize(
    ("first_day", "last_day", "code"),
    [
        (dt.date(2023, 4, 1), dt.date(2023, 4, 30), "2023-04"),
        (dt.date(2024, 2, 1), dt.date(2024, 2, 29), "2024-02"),
        (dt.date(2023, 1, 1), dt.date(2023, 3, 31), "2023-Q1"),
        (dt.date(2023, 10, 1), dt.date(2023, 12, 31), "2023-Q4"),
        (dt.date(2023, 1, 1), dt.date(2023, 12, 31), "2023"),
        (dt.date(2023, 4, 2), dt.date(2023, 4, 30), None),  # not from the first of a month
        (dt.date(2023, 4, 1), dt.date(2023, 4, 29), None),  # not to the end of a month
        (dt.date(2023, 2, 1), dt.date(2023, 4, 30), None),  # not a calendar quarter
        (dt.date(2023, 4, 1), dt.date(2024, 3, 31), None),  # a financial year
    ],
)
def test_a_run_of_days_is_named_only_when_it_is_a_month_quarter_or_year(first_day, last_day, code):
    period = period_between(first_day, last_day)

    assert (period.code if period else None) == code
