"""Every plan out whole (issue 17, point 5): the export holds the plan's vision, findings
and milestones, each priority's description, the gaps the source documents, each quantified
target's unit, baseline and its date, target figure, direction and latest measured figure,
each due date's revision with its reason, the strategy links and the story so far at issue
and priority level. Exported, imported into an empty area and exported again, the files are
the same; a sheet without those columns leaves what the plan holds as it is."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from actions.models import Action, EntryState, StoryEntry
from outcomes.models import OutcomeTarget, TargetChangeRequest
from sendplan.models import Finding, Issue, Milestone, MilestonePriority, Plan, Priority
from spreadsheets.columns import PLAN_HEADERS
from spreadsheets.reading import Upload
from spreadsheets.services import (
    PlanImportError,
    confirm_plan_import,
    export_plan,
    export_plan_updates,
)

MONTH = dt.date(2024, 3, 1)
VISION = "Every child with SEND in the area is healthy, happy and safe."


@pytest.fixture
def whole(db):
    """A generated plan with every part a plan can have."""
    call_command("generate_demo_data", "--areas", "1", "--months", "2", verbosity=0)
    plan = Plan.objects.get()
    plan.vision = VISION
    plan.introduction = "Written after the inspection of December 2021."
    plan.monitoring = "The SEND Implementation Group checks progress each month."
    plan.save()
    first, second = Priority.objects.filter(plan=plan).order_by("number")[:2]
    first.description = "Leaders did not know the quality of provision."
    first.save()
    Issue.objects.create(
        plan=plan, priority=first, ref="1.99", description="", is_gap=True, order=99
    )
    both = Milestone.objects.create(
        plan=plan,
        period="Spring 2025",
        due_month=dt.date(2025, 5, 1),
        text="Local offer relaunched",
    )
    MilestonePriority.objects.create(plan=plan, milestone=both, priority=first)
    MilestonePriority.objects.create(plan=plan, milestone=both, priority=second)
    Milestone.objects.create(plan=plan, period="Ongoing", text="Families co-produce each change")
    for target in OutcomeTarget.objects.filter(plan=plan, baseline__isnull=False)[:5]:
        target.baseline_month = dt.date(2022, 9, 1)
        target.save()
    StoryEntry.objects.create(
        plan=plan,
        priority=second,
        month=dt.date(2024, 1, 1),
        narrative="<p>The partnership agreed one dataset.</p>",
        state=EntryState.SUBMITTED,
    )
    return plan


@pytest.fixture
def importer(db):
    from tests import factories

    return factories.UserFactory(username="importer")


def _import(importer, data: bytes, *, name: str, area: str, slug: str, updates=None, **kw):
    copy, preview = confirm_plan_import(
        source=Upload(name, data),
        updates=Upload("updates.csv", updates) if updates else None,
        area_name=area,
        plan_title=kw.pop("title", "Generated area 01 Written Statement of Action"),
        slug=slug,
        user=importer,
        month=MONTH,
        **kw,
    )
    return copy, preview


def _cells(data: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def _rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_whole_plan_exported_imported_into_an_empty_area_and_exported_again_is_the_same(
    whole, importer
):
    plan_xlsx = export_plan(plan=whole, fmt="xlsx")
    plan_csv = export_plan(plan=whole, fmt="csv")
    updates_csv = export_plan_updates(plan=whole)

    from_xlsx, _ = _import(importer, plan_xlsx, name="plan.xlsx", area="Empty", slug="copy")
    from_csv, _ = _import(
        importer, plan_csv, name="plan.csv", area="Other", slug="copy-2", updates=updates_csv
    )

    assert _cells(export_plan(plan=from_xlsx, fmt="xlsx")) == _cells(plan_xlsx)
    assert export_plan(plan=from_csv, fmt="csv") == plan_csv
    assert export_plan_updates(plan=from_csv) == updates_csv
    # What a reader of the copy sees, not only what its export says.
    assert from_xlsx.vision == VISION
    assert from_xlsx.kind == whole.kind
    assert from_xlsx.inspection_date == whole.inspection_date
    assert list(from_xlsx.findings.values_list("kind", "text")) == list(
        whole.findings.values_list("kind", "text")
    )
    spring = Milestone.objects.get(plan=from_xlsx, period="Spring 2025")
    assert spring.due_month == dt.date(2025, 5, 1)
    assert sorted(p.number for p in spring.priorities.all()) == [1, 2]
    assert Issue.objects.get(plan=from_xlsx, ref="1.99").is_gap
    assert Priority.objects.get(plan=from_xlsx, number=1).description.startswith("Leaders")
    assert StoryEntry.objects.filter(plan=from_xlsx, priority__number=2).count() == 1


def test_quantified_targets_and_revised_due_dates_come_through_the_copy(whole, importer):
    copy, _ = _import(
        importer, export_plan(plan=whole, fmt="xlsx"), name="plan.xlsx", area="E", slug="c"
    )

    def figures(plan):
        return sorted(
            (
                (t.text, t.unit, t.baseline, t.baseline_month, t.target_value, t.direction)
                for t in OutcomeTarget.objects.filter(plan=plan)
            ),
            key=str,
        )

    def revisions(plan):
        return sorted(
            (
                (a.text, a.due_month, a.original_due_month, a.due_revised_reason)
                for a in Action.objects.filter(plan=plan)
            ),
            key=str,
        )

    assert figures(copy) == figures(whole)
    assert any(month for *_, month, _value, _direction in figures(copy))
    assert revisions(copy) == revisions(whole)
    assert any(reason for *_, reason in revisions(copy))
    rows = _rows(export_plan(plan=copy, fmt="csv"))
    slipped = next(r for r in rows if r["due_revised_reason"])
    assert slipped["originally_due"] and slipped["originally_due"] != slipped["by_when"]
    measured = [r for r in rows if r["latest_figure"]]
    assert measured and all(r["impact_rag"] for r in measured)


def test_the_export_keeps_one_column_per_part_in_the_order_of_the_headers(whole):
    workbook = load_workbook(io.BytesIO(export_plan(plan=whole, fmt="xlsx")))

    assert workbook.sheetnames == ["plan", "updates", "about", "findings", "milestones"]
    assert [c.value for c in workbook["plan"][1]] == list(PLAN_HEADERS)
    about = dict(workbook["about"].iter_rows(min_row=2, values_only=True))
    assert about["vision"] == VISION
    assert about["kind"] == "Written statement of action"
    milestones = list(workbook["milestones"].iter_rows(min_row=2, values_only=True))
    assert ("Spring 2025", "May 2025", "Local offer relaunched", "1; 2") in milestones
    # Figures are numbers a spreadsheet can add up; references stay text.
    column = PLAN_HEADERS.index("target_value") + 1
    values = [r[column - 1].value for r in workbook["plan"].iter_rows(min_row=2)]
    assert any(isinstance(v, int | float) for v in values)


def test_a_sheet_without_the_new_columns_leaves_figures_revisions_and_parts_as_they_are(
    whole, importer
):
    copy, _ = _import(
        importer, export_plan(plan=whole, fmt="xlsx"), name="plan.xlsx", area="E", slug="c"
    )
    rows = list(csv.reader(io.StringIO(export_plan(plan=copy, fmt="csv").decode("utf-8-sig"))))
    keep = PLAN_HEADERS.index("priority_ref") + 1
    twelve = "\r\n".join(",".join(f'"{c}"' for c in row[:keep]) for row in rows).encode()
    baselines = dict(OutcomeTarget.objects.filter(plan=copy).values_list("pk", "baseline"))
    reasons = dict(Action.objects.filter(plan=copy).values_list("pk", "due_revised_reason"))

    _, preview = _import(importer, twelve, name="plan.csv", area="E", slug="c", replace=True)

    assert preview.changes == 0, preview.summary()
    assert dict(OutcomeTarget.objects.filter(plan=copy).values_list("pk", "baseline")) == baselines
    assert dict(Action.objects.filter(plan=copy).values_list("pk", "due_revised_reason")) == reasons
    assert Milestone.objects.filter(plan=copy).count() == 2
    assert Plan.objects.get(pk=copy.pk).vision == VISION
    assert Issue.objects.get(plan=copy, ref="1.99").is_gap


def test_a_later_import_changing_a_baseline_asks_for_approval_and_leaves_it(whole, importer):
    copy, _ = _import(
        importer, export_plan(plan=whole, fmt="csv"), name="plan.csv", area="E", slug="c"
    )
    rows = _rows(export_plan(plan=copy, fmt="csv"))
    texts = [r["outcome_target"] for r in rows]
    row = next(r for r in rows if r["baseline"] and texts.count(r["outcome_target"]) == 1)
    target = OutcomeTarget.objects.get(plan=copy, text=row["outcome_target"])
    row["baseline"] = str(Decimal(row["baseline"]) + 7)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PLAN_HEADERS)
    writer.writeheader()
    writer.writerows(rows)

    _, preview = _import(
        importer, out.getvalue().encode(), name="plan.csv", area="E", slug="c", replace=True
    )

    target.refresh_from_db()
    assert str(target.baseline.normalize()) != row["baseline"]
    request = TargetChangeRequest.objects.get(target=target)
    assert request.new_baseline == Decimal(row["baseline"])
    assert any("Baseline" in line for line in preview.target_changes)


def _workbook(plan_rows, **parts) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "plan"
    sheet.append(list(PLAN_HEADERS))
    for row in plan_rows:
        sheet.append([row.get(h) for h in PLAN_HEADERS])
    for name, rows in parts.items():
        part = workbook.create_sheet(name)
        for row in rows:
            part.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD = {
    "ref": "1.1",
    "priority": "Meeting needs",
    "issue": "Information shared late",
    "action": "Consult with families",
    "actioned_by": "Jo Littler",
    "by_when": "Dec 2024",
    "outcome_target": "90% of parents say it worked",
    "target_date": "Dec 2025",
    "impact_rag": "Amber",
}


def test_every_problem_of_the_new_columns_and_sheets_is_listed_and_nothing_is_written(db, importer):
    data = _workbook(
        [
            {**GOOD, "baseline": "lots", "gap": "maybe", "direction": "Up"},
            {**GOOD, "ref": "1.2", "impact_rag": None, "latest_figure": 40},
            {**GOOD, "ref": "1.3", "target_value": 12.345},
        ],
        about=[("field", "value"), ("vision", "A vision"), ("colour", "blue"), ("kind", "Plan B")],
        findings=[("kind", "text"), ("Strength", ""), ("Weakness", "Too slow")],
        milestones=[("period", "due", "text", "priorities"), ("Spring 2025", "May 2025", "X", "7")],
    )

    with pytest.raises(PlanImportError) as error:
        _import(importer, data, name="plan.xlsx", area="New", slug="new")

    problems = [str(p) for p in error.value.problems]
    expected = [
        'Row 2, column gap: Enter "Yes" if the source is missing here, or leave the cell blank.',
        'Row 2, column baseline: Enter the baseline as a number, such as 56 or 56.5; "lots"',
        "Row 2, column direction: Enter the direction as one of: Increase is better,",
        "Row 3, column latest_figure: Enter the RAG impact rating this figure was measured",
        "Row 4, column target_value: The target figure may have up to two decimal places",
        'About row 3, column field: "colour" is not one of the plan\'s fields',
        "About row 4, column value: Enter the kind of plan as one of: Written statement",
        "Findings row 2, column text: Enter the finding.",
        "Findings row 3, column kind: Enter the kind of finding as one of: Strength,",
        'Milestones row 2, column priorities: The plan sheet has no priority "7"',
    ]
    for start in expected:
        assert any(p.startswith(start) for p in problems), (start, problems)
    assert not Plan.objects.filter(slug="new").exists()


def test_a_workbook_with_the_parts_alone_replaces_findings_and_milestones(whole, importer):
    copy, _ = _import(
        importer, export_plan(plan=whole, fmt="xlsx"), name="plan.xlsx", area="E", slug="c"
    )
    cells = _cells(export_plan(plan=copy, fmt="xlsx"))
    plan_rows = [dict(zip(PLAN_HEADERS, row, strict=True)) for row in cells["plan"][1:]]
    data = _workbook(
        plan_rows,
        findings=[("kind", "text"), ("Strength", "Families trust the forum.")],
        milestones=[("period", "due", "text", "priorities")],
    )

    _, preview = _import(importer, data, name="plan.xlsx", area="E", slug="c", replace=True)

    assert list(Finding.objects.filter(plan=copy).values_list("text", flat=True)) == [
        "Families trust the forum."
    ]
    assert not Milestone.objects.filter(plan=copy).exists()
    assert not MilestonePriority.objects.filter(plan=copy).exists()
    assert preview.counts["milestones"]["deleted"] == 2
    assert Plan.objects.get(pk=copy.pk).vision == VISION  # no "about" sheet: kept


def test_a_latest_figure_is_checked_as_the_monthly_update_checks_it(db, importer):
    target = {"unit": "%", "baseline": 40, "target_value": 60}
    data = _workbook(
        [
            {**GOOD, **target, "latest_figure": 140},
            {
                **GOOD,
                "ref": "1.2",
                "unit": "young people",
                "baseline": 4,
                "target_value": 10,
                "latest_figure": 2.5,
            },
        ]
    )

    with pytest.raises(PlanImportError) as error:
        _import(importer, data, name="plan.xlsx", area="New", slug="new")

    assert [str(p) for p in error.value.problems] == [
        "Row 2, column latest_figure: Enter a percentage from 0 to 100; 140% is not one.",
        "Row 3, column latest_figure: Enter the number of young people as a whole number, "
        "0 or more.",
    ]


def test_a_latest_figure_far_beyond_its_target_is_imported_with_a_note(db, importer):
    data = _workbook(
        [{**GOOD, "unit": "days", "baseline": 20, "target_value": 12, "latest_figure": 900}]
    )

    copy, preview = _import(importer, data, name="plan.xlsx", area="New", slug="new")

    assert preview.notes == [
        "Row 2, column latest_figure: 900 is far beyond both the baseline and the target. "
        "Check it before importing: it is imported as the sheet gives it."
    ]
    rating = OutcomeTarget.objects.get(plan=copy).ratings.get()
    assert rating.measured_value == 900


@pytest.mark.parametrize(
    ("figures", "shown"),
    [
        # The baseline's date beside it; a percentage sign against the number.
        (
            {"unit": "%", "baseline": 56, "baseline_date": "Sept 2023", "target_value": 90},
            "Target 90%, baseline 56% (September 2023)",
        ),
        # Any other unit after a space: "53 weeks", never "53weeks".
        (
            {"unit": "weeks", "baseline": 53, "target_value": 20},
            "Target 20 weeks, baseline 53 weeks",
        ),
    ],
)
def test_an_imported_targets_figures_are_shown_as_the_plan_writes_them(
    db, importer, client, figures, shown
):
    from django.urls import reverse

    from sendplan.models import Role
    from tests import factories

    copy, _ = _import(
        importer, _workbook([{**GOOD, **figures}]), name="plan.xlsx", area="New", slug="new"
    )
    reader = factories.UserFactory(username="reader")
    factories.MembershipFactory(user=reader, area=copy.area, role=Role.VIEWER)
    client.force_login(reader)

    page = client.get(reverse("reports:issue_detail", args=[copy.slug, "1.1"])).content.decode()

    assert shown in page
