"""Importing and what outcome targets promise (issue 19): a first import sets targets
directly; a later import that changes one lists the change as a request to approve."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from actions.change_requests import ChangeStatus
from outcomes.models import OutcomeTarget, TargetChangeRequest
from spreadsheets.services import preview_plan_import

from .import_helpers import GOOD, import_plan, write_file

FIRST_TARGET = "In post assessment follow up 90% of parents"


def _moved_target_date(tmp_path) -> str:
    text = Path(GOOD).read_text(encoding="utf-8")
    text = text.replace(
        "recognisable coproduction.,Dec 2022,", "recognisable coproduction.,June 2023,"
    )
    return write_file(tmp_path, "plan.csv", text)


def test_importing_into_an_empty_plan_sets_the_targets_with_no_request(importer):
    plan, preview = import_plan(importer)

    target = OutcomeTarget.objects.get(plan=plan, text__startswith=FIRST_TARGET)
    assert target.target_month == dt.date(2022, 12, 1)
    assert preview.target_changes == []
    assert not TargetChangeRequest.objects.exists()


def test_a_later_import_changing_a_target_asks_for_approval_instead_of_editing(importer, tmp_path):
    plan, _ = import_plan(importer)
    source = _moved_target_date(tmp_path)

    shown = preview_plan_import(
        source=source,
        area_name="Darlington",
        plan_title="Darlington WSoA",
        user=importer,
        replace=True,
    )
    assert len(shown.target_changes) == 1
    assert shown.target_changes[0].startswith("1.1 outcome target “In post assessment")
    assert shown.target_changes[0].endswith("Target date December 2022 → June 2023")
    assert not TargetChangeRequest.objects.exists()  # a preview writes nothing

    import_plan(importer, source=source, updates=None, replace=True)

    target = OutcomeTarget.objects.get(plan=plan, text__startswith=FIRST_TARGET)
    assert target.target_month == dt.date(2022, 12, 1)  # the old date stands
    change = TargetChangeRequest.objects.get()
    assert change.target == target
    assert (change.status, change.requested_by) == (ChangeStatus.PENDING, importer)
    assert change.new_target_month == dt.date(2023, 6, 1)
    assert change.reason.startswith("Imported from spreadsheet on ")
    assert change.reason.endswith(": the sheet gives a different outcome target")


def test_a_later_import_changing_a_targets_wording_asks_for_approval(importer, tmp_path):
    plan, _ = import_plan(importer)
    text = Path(GOOD).read_text(encoding="utf-8")
    text = text.replace(
        "In post assessment follow up 90% of parents", "In post assessment follow up 80% of parents"
    )
    import_plan(importer, source=write_file(tmp_path, "plan.csv", text), updates=None, replace=True)

    target = OutcomeTarget.objects.get(plan=plan, text__startswith=FIRST_TARGET)  # unchanged
    change = TargetChangeRequest.objects.get(target=target)
    assert change.new_text.startswith("In post assessment follow up 80% of parents")


def test_a_later_import_moving_a_due_date_far_asks_for_approval_and_a_small_move_is_kept(
    importer, tmp_path
):
    from actions.models import Action, DueDateChangeRequest

    plan, _ = import_plan(importer)
    text = Path(GOOD).read_text(encoding="utf-8")
    far = "Implementation of new electronic process - DBC purchase new Education Management System"
    near = "Develop a comprehensive SEND Data Dashboard for all pupils with SEN"
    text = text.replace("Tony Murphy,Sept 2023,", "Tony Murphy,Sept 2024,")
    text = text.replace("Wendy Excell,Dec 2022,", "Wendy Excell,Feb 2023,")
    source = write_file(tmp_path, "plan.csv", text)

    shown = preview_plan_import(
        source=source,
        area_name="Darlington",
        plan_title="Darlington WSoA",
        user=importer,
        replace=True,
    )
    assert shown.due_changes == [f"1.1 action “{far[:80]}”: due September 2023 → September 2024"]
    import_plan(importer, source=source, updates=None, replace=True)

    moved_far = Action.objects.get(plan=plan, text=far)
    assert moved_far.due_month == dt.date(2023, 9, 1)  # stands until approved
    change = DueDateChangeRequest.objects.get()
    assert (change.action, change.due_month) == (moved_far, dt.date(2024, 9, 1))
    assert (change.status, change.requested_by) == (ChangeStatus.PENDING, importer)
    assert change.reason.endswith(": the sheet gives a later due date")
    moved_near = Action.objects.get(plan=plan, text__startswith=near)
    assert moved_near.due_month == dt.date(2023, 2, 1)  # within the allowance: imported


def test_a_later_import_forgets_the_plans_kept_figures(importer, tmp_path):
    # The import writes in bulk, which sends no history signals: it forgets the plan's
    # kept figures (progress.figures) itself, or the advisers' page would show the old plan.
    from progress.figures import plan_figures
    from progress.models import PlanFigures

    plan, _ = import_plan(importer)
    plan_figures([plan])
    text = (
        Path(GOOD)
        .read_text(encoding="utf-8")
        .replace(
            "Implementation of new electronic process", "Implementation of a new electronic process"
        )
    )
    import_plan(importer, source=write_file(tmp_path, "plan.csv", text), updates=None, replace=True)
    assert plan.actions.filter(text__startswith="Implementation of a new electronic").exists()
    assert not PlanFigures.objects.filter(plan=plan).exists()
