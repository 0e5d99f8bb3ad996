"""A whole-plan import costs a few dozen queries however long its sheet is: it reads the
plan once, checks every row in memory and writes each kind of record in bulk."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo.benchmarks.measure import import_sheet
from spreadsheets.reading import Upload
from spreadsheets.services import confirm_plan_import, preview_plan_import


def _arguments(user, rows: int, name: str) -> dict:
    return {
        "source": Upload("plan.csv", import_sheet(rows)),
        "area_name": f"{name} area",
        "plan_title": f"{name} plan",
        "user": user,
    }


def _queries(service, **arguments) -> int:
    with CaptureQueriesContext(connection) as ctx:
        service(**arguments)
    return len(ctx)


def test_a_preview_costs_the_same_queries_for_500_rows_as_for_20(importer):
    # The area and the plan, looked up to check where the import goes and again by the
    # writer, and a free slug for the new area. Nothing per row.
    small = _queries(preview_plan_import, **_arguments(importer, 20, "Small"))
    big = _queries(preview_plan_import, **_arguments(importer, 500, "Big"))

    assert big == small <= 6


def test_confirming_a_500_row_sheet_writes_each_kind_of_record_in_bulk(importer):
    # The preview's reads, a savepoint, then for each kind of record one INSERT and one
    # INSERT ... SELECT copying its history rows (SQLite takes the records in batches of
    # 999 values, the copies in batches of 995 records).
    assert _queries(confirm_plan_import, **_arguments(importer, 500, "Big")) <= 60


def test_replacing_a_plan_with_the_same_500_rows_costs_what_20_rows_cost(importer):
    small = _arguments(importer, 20, "Small")
    big = _arguments(importer, 500, "Big")
    confirm_plan_import(**small)
    confirm_plan_import(**big)

    # The checks (the plan's content and its month), then each kind of record of the
    # plan read once. Nothing is written: nothing changed.
    replaced_small = _queries(confirm_plan_import, **small, replace=True)
    replaced_big = _queries(confirm_plan_import, **big, replace=True)

    assert replaced_big == replaced_small <= 30
