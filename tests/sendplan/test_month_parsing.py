"""sendplan.months: reading the months plans write."""

import datetime as dt

import pytest

from sendplan.months import MonthValue, format_month, parse_date_or_month, parse_month


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
