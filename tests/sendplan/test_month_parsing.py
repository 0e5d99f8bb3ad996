"""sendplan.months: reading the months plans write."""

import datetime as dt

import pytest
from django.core.exceptions import BadRequest

from sendplan.months import (
    BadMonthOrDate,
    MonthValue,
    format_month,
    parse_date_or_month,
    parse_iso_date,
    parse_iso_month,
    parse_month,
    parse_year,
)


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("Dec 2022", dt.date(2022, 12, 1)),
        ("December 2022", dt.date(2022, 12, 1)),
        ("december 2022", dt.date(2022, 12, 1)),
        ("  Dec   2022 ", dt.date(2022, 12, 1)),
        ("Dec. 2022", dt.date(2022, 12, 1)),
        ("Dec-22", dt.date(2022, 12, 1)),
        ("Sept 2023", dt.date(2023, 9, 1)),
        ("Sep 23", dt.date(2023, 9, 1)),
        ("March 23", dt.date(2023, 3, 1)),
        ("Mar 2023", dt.date(2023, 3, 1)),
        ("April 24", dt.date(2024, 4, 1)),
        ("2023-03", dt.date(2023, 3, 1)),
        ("2023-3", dt.date(2023, 3, 1)),
        ("03/2023", dt.date(2023, 3, 1)),
        ("3/2023", dt.date(2023, 3, 1)),
        ("31/03/2023", dt.date(2023, 3, 1)),
        ("31/03/23", dt.date(2023, 3, 1)),
        ("31-03-2023", dt.date(2023, 3, 1)),
        ("29/02/2024", dt.date(2024, 2, 1)),
        ("2023-03-31", dt.date(2023, 3, 1)),
        ("1st March 2025", dt.date(2025, 3, 1)),
        ("Q1 2023/24", dt.date(2023, 6, 1)),
        ("Q2 2023/24", dt.date(2023, 9, 1)),
        ("Q3 2023/24", dt.date(2023, 12, 1)),
        ("Q4 2023/24", dt.date(2024, 3, 1)),
        ("q3 2023-24", dt.date(2023, 12, 1)),
        ("Q3 2023/2024", dt.date(2023, 12, 1)),
        ("Q3 23/24", dt.date(2023, 12, 1)),
        ("Year End 2023/24", dt.date(2024, 3, 1)),
        ("Year-end 2023/24", dt.date(2024, 3, 1)),
        ("Spring 2025", dt.date(2025, 5, 1)),
        ("Summer 2025", dt.date(2025, 8, 1)),
        ("Autumn 2025", dt.date(2025, 11, 1)),
        ("Winter 2025/26", dt.date(2026, 2, 1)),
        ("<p>April 2023</p>", dt.date(2023, 4, 1)),
    ],
)
def test_a_month_written_the_way_plans_write_it_is_read_as_its_month(text, month):
    value = parse_month(text)

    assert value == MonthValue(
        month, False, " ".join(text.replace("<p>", "").replace("</p>", "").split())
    )


@pytest.mark.parametrize("text", ["Ongoing", "ongoing", " ONGOING ", "On-going"])
def test_ongoing_is_read_as_no_month_but_ongoing(text):
    value = parse_month(text)

    assert value.month is None
    assert value.is_ongoing
    assert value.as_written == text.strip()


@pytest.mark.parametrize(
    ("cell", "month"),
    [
        (dt.datetime(2023, 3, 15, 0, 0), dt.date(2023, 3, 1)),
        (dt.date(2022, 12, 31), dt.date(2022, 12, 1)),
        (44986, dt.date(2023, 3, 1)),
        (44926.0, dt.date(2022, 12, 1)),
    ],
)
def test_a_date_cell_or_excel_serial_number_is_read_as_its_month(cell, month):
    value = parse_month(cell)

    assert value.month == month
    assert value.as_written == format_month(month)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("31/02/2023", '"31/02/2023" is not a date'),
        ("30/02/2024", "is not a date"),
        ("2023-13", "is not a date"),
        ("Q5 2023", "Q1 to Q4"),
        ("Q0 2023/24", "Q1 to Q4"),
        ("Q3 2023", "write the financial year in full"),
        ("Q3 2023/25", "is not a financial year"),
        ("Smarch 2023", '"Smarch 2023" is not a month we can read'),
        ("Winter 2025", "winter runs over two years"),
        ("2023", "is not a month we can read"),
        ("soon", "is not a month we can read"),
        ("", "Enter a month"),
        (2023, "is not a date"),
        (12, "is not a date"),
    ],
)
def test_something_that_is_not_a_month_is_refused_in_plain_english(text, says):
    with pytest.raises(ValueError, match="Enter a month") as error:
        parse_month(text)

    assert says in str(error.value)


def test_the_refusal_of_an_impossible_date_reads_as_one_sentence():
    with pytest.raises(ValueError) as error:
        parse_month("31/02/2023")

    assert str(error.value) == (
        'Enter a month such as "Dec 2022" or "2023-03"; "31/02/2023" is not a date.'
    )


def test_the_short_form_the_export_writes_reads_back_as_the_same_month():
    month = dt.date(2023, 9, 1)

    assert parse_month(format_month(month)).month == month


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("2023-03-15", dt.date(2023, 3, 15)),
        ("15/03/2023", dt.date(2023, 3, 15)),
        ("15 March 2023", dt.date(2023, 3, 15)),
        (dt.datetime(2023, 3, 15, 9, 30), dt.date(2023, 3, 15)),
        ("March 2023", dt.date(2023, 3, 1)),
    ],
)
def test_a_completion_date_keeps_its_day_when_the_sheet_gives_one(cell, day):
    assert parse_date_or_month(cell) == day


def test_a_completion_date_cannot_be_ongoing():
    with pytest.raises(ValueError, match="Enter the date the action was completed"):
        parse_date_or_month("Ongoing")


# --- Months and days in the app's own links and fields -------------------------------------


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2023-04", dt.date(2023, 4, 1)),
        ("2023-4", dt.date(2023, 4, 1)),
        (" 2023-04\n", dt.date(2023, 4, 1)),
        ("2000-01", dt.date(2000, 1, 1)),
        ("2099-12", dt.date(2099, 12, 1)),
    ],
)
def test_a_month_a_page_wrote_reads_back(text, month):
    assert parse_iso_month(text) == month


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0000-01", "Enter a month between January 2000 and December 2099."),
        ("0001-01", "Enter a month between January 2000 and December 2099."),
        ("1999-12", "Enter a month between January 2000 and December 2099."),
        ("9999-12", "Enter a month between January 2000 and December 2099."),
        ("10000-01", "Enter a month as year and month, like 2023-04."),
        ("2023-13", "Enter a month as year and month, like 2023-04."),
        ("2023-00", "Enter a month as year and month, like 2023-04."),
        ("-2023-04", "Enter a month as year and month, like 2023-04."),
        ("٢٠٢٣-٠٤", "Enter a month as year and month, like 2023-04."),
        ("April 2023", "Enter a month as year and month, like 2023-04."),
        ("2023-04" * 10_000, "Enter a month as year and month, like 2023-04."),
        ("", "Enter a month as year and month, like 2023-04."),
    ],
)
def test_a_month_a_page_cannot_use_is_refused_with_a_message(text, message):
    with pytest.raises(BadMonthOrDate) as error:
        parse_iso_month(text)

    assert str(error.value) == message


def test_the_message_names_the_month_it_is_about():
    with pytest.raises(BadMonthOrDate, match="^Enter the month of the bar as year and month"):
        parse_iso_month("2023-13", name="the month of the bar")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0001-01-01", "Enter a date between 1 January 2000 and 31 December 2099."),
        ("2100-01-01", "Enter a date between 1 January 2000 and 31 December 2099."),
        ("2023-02-30", "Enter a real date, like 2023-04-30."),
        ("2023-02-29", "Enter a real date, like 2023-04-30."),
        ("2023-13-01", "Enter a real date, like 2023-04-30."),
        ("30/04/2023", "Enter a date as year, month and day, like 2023-04-30."),
        ("2023-04-30T00:00", "Enter a date as year, month and day, like 2023-04-30."),
        ("２０２３-０４-３０", "Enter a date as year, month and day, like 2023-04-30."),
    ],
)
def test_a_date_a_page_cannot_use_is_refused_with_a_message(text, message):
    with pytest.raises(BadMonthOrDate) as error:
        parse_iso_date(text)

    assert str(error.value) == message


def test_a_date_a_page_wrote_reads_back():
    assert parse_iso_date("2024-02-29") == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "Enter a year as four digits, like 2024."),
        ("-2024", "Enter a year as four digits, like 2024."),
        ("10000", "Enter a year as four digits, like 2024."),
        ("٢٠٢٤", "Enter a year as four digits, like 2024."),
        ("1999", "Enter a year between 2000 and 2099."),
    ],
)
def test_a_year_a_page_cannot_use_is_refused_with_a_message(text, message):
    with pytest.raises(BadMonthOrDate) as error:
        parse_year(text)

    assert str(error.value) == message
    assert parse_year(" 2024 ") == 2024


def test_a_bad_month_is_a_bad_request_django_answers_with_the_400_page():
    assert issubclass(BadMonthOrDate, BadRequest)
    assert issubclass(BadMonthOrDate, ValueError)  # a URL converter's "no match"
