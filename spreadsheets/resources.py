"""The import of a whole plan, row by row, through django-import-export.

``PlanRowResource`` reads the plan sheet and ``StoryRowResource`` the updates sheet.
import-export drives the rows: ``ValueError`` from a widget and ``ValidationError`` from
our checks are reported against the row and column, other exceptions as row errors.
Neither resource is a ModelResource: a row of the plan table can create a priority, an
issue, an action with its leads and BRAGG status, and an outcome target with its RAG
rating, so the row's "instance" is a ``PlanRow`` and ``PlanWriter`` (``writing``) works
out what it means for the plan's records, writing nothing until every row is read.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export import fields, resources
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import Error

from outcomes.models import Direction
from sendplan.text import MAX_NARRATIVE_CHARS

from .columns import PLAN_HEADERS, UPDATES_HEADERS
from .reading import BEYOND
from .widgets import (
    ChoiceWidget,
    CompletedWidget,
    FigureWidget,
    ListWidget,
    MonthWidget,
    RatingWidget,
    RefWidget,
    TextWidget,
    YesNoWidget,
)
from .writing import (
    IMPORT_REASON,
    IMPORTED_NOTE,
    PlanRow,
    PlanWriter,
    StoryRow,
    narrative_html,
    split_priority_title,
)
from .writing.rows import blank

__all__ = [
    "IMPORTED_NOTE",
    "IMPORT_REASON",
    "PlanRow",
    "PlanRowResource",
    "PlanWriter",
    "StoryRow",
    "StoryRowResource",
    "UpdatesFailed",
    "narrative_html",
    "split_priority_title",
]


class _RowResource(resources.Resource):
    """What the two sheets share: rows read into plain objects and handed to the writer."""

    row_class: type = PlanRow

    class Meta:
        instance_loader_class = BaseInstanceLoader
        force_init_instance = True
        import_id_fields = ()
        skip_diff = True
        # Reading the rows writes nothing (the writer writes at the end), so no row needs
        # a savepoint of its own.
        use_transactions = False
        # Never import-export's bulk mode: it skips history and cannot name a bad row.
        use_bulk = False

    def __init__(self, *, writer: PlanWriter, **kwargs):
        super().__init__(**kwargs)
        self.writer = writer
        # import-export works the list out again for every row.
        self.import_fields = self.get_import_fields()

    def get_db_connection_name(self):
        return "default"

    def init_instance(self, row=None):
        return self.row_class()

    def after_init_instance(self, instance, new, row, **kwargs):
        # import-export numbers data rows from 1; the header is the sheet's row 1.
        instance.number = kwargs["row_number"] + 1

    def import_instance(self, instance, row, **kwargs):
        instance.is_blank = all(blank(v) for v in row.values())
        if instance.is_blank:
            return
        errors = {}
        # What import-export's import_instance does through three calls a cell: each
        # column's widget reads its cell, and a ValueError is that column's problem.
        for field in self.import_fields:
            if field.column_name not in row:
                continue
            try:
                setattr(instance, field.attribute, field.clean(row))
            except ValueError as exc:
                errors[field.attribute] = [str(exc)]
        if row.get(BEYOND):
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                f"The cell in column {row[BEYOND]} has no header above it; move its "
                f"value into a column with a header or remove it."
            )
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return instance.is_blank and not import_validation_errors

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        self.check(instance, errors, set(errors))
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        self.save_row(instance)

    def save_m2m(self, instance, row, **kwargs):
        pass  # no column is many-to-many: the writer writes an action's leads


class PlanRowResource(_RowResource):
    ref = fields.Field(attribute="ref", column_name="ref", widget=RefWidget())
    priority = fields.Field(
        attribute="priority", column_name="priority", widget=TextWidget(what="priority's title")
    )
    issue = fields.Field(
        attribute="issue", column_name="issue", widget=TextWidget(what="issue to be addressed")
    )
    strategy_links = fields.Field(
        attribute="strategy_links",
        column_name="strategy_links",
        widget=ListWidget(120, "strategy link"),
    )
    action = fields.Field(attribute="action", column_name="action", widget=TextWidget())
    actioned_by = fields.Field(
        attribute="actioned_by", column_name="actioned_by", widget=ListWidget(120, "lead's name")
    )
    by_when = fields.Field(attribute="by_when", column_name="by_when", widget=MonthWidget())
    completed = fields.Field(
        attribute="completed", column_name="completed", widget=CompletedWidget()
    )
    bragg = fields.Field(attribute="bragg", column_name="bragg", widget=RatingWidget("bragg"))
    outcome_target = fields.Field(
        attribute="outcome_target", column_name="outcome_target", widget=TextWidget()
    )
    target_date = fields.Field(
        attribute="target_date", column_name="target_date", widget=MonthWidget()
    )
    impact_rag = fields.Field(
        attribute="impact_rag", column_name="impact_rag", widget=RatingWidget("rag")
    )
    priority_ref = fields.Field(
        attribute="priority_ref",
        column_name="priority_ref",
        widget=RefWidget("priority's reference"),
    )
    priority_description = fields.Field(
        attribute="priority_description",
        column_name="priority_description",
        widget=TextWidget(what="priority's description"),
    )
    gap = fields.Field(
        attribute="gap", column_name="gap", widget=YesNoWidget("the source is missing here")
    )
    originally_due = fields.Field(
        attribute="originally_due", column_name="originally_due", widget=MonthWidget()
    )
    due_revised_reason = fields.Field(
        attribute="due_revised_reason",
        column_name="due_revised_reason",
        widget=TextWidget(what="reason the due date was revised"),
    )
    unit = fields.Field(
        attribute="unit", column_name="unit", widget=TextWidget(max_length=40, what="unit")
    )
    baseline = fields.Field(
        attribute="baseline", column_name="baseline", widget=FigureWidget("baseline")
    )
    baseline_date = fields.Field(
        attribute="baseline_date",
        column_name="baseline_date",
        widget=MonthWidget(allow_ongoing=False),
    )
    target_value = fields.Field(
        attribute="target_value", column_name="target_value", widget=FigureWidget("target figure")
    )
    direction = fields.Field(
        attribute="direction",
        column_name="direction",
        widget=ChoiceWidget(Direction.choices, "direction"),
    )
    latest_figure = fields.Field(
        attribute="latest_figure",
        column_name="latest_figure",
        widget=FigureWidget("latest measured figure"),
    )

    row_class = PlanRow

    def __init__(self, *, writer: PlanWriter, updates=None, parts=None, **kwargs):
        super().__init__(writer=writer, **kwargs)
        self.updates = updates
        # The workbook's sheets of the plan as a whole, by name (``writing.plan_parts``).
        self.parts = parts or {}

    def before_import(self, dataset, **kwargs):
        self.writer.open_plan()
        self.writer.scan(dataset)

    def before_import_row(self, row, **kwargs):
        self.writer.carry_down(row)

    def check(self, instance, errors, skip):
        self.writer.check_row(instance, errors, skip)

    def save_row(self, instance):
        self.writer.write_row(instance)

    def after_import(self, dataset, result, **kwargs):
        writer = self.writer
        if writer.plan is None:
            return
        if writer.replace:
            writer.delete_what_the_sheet_no_longer_has()
        # After every plan row, so that milestones can name the sheet's priorities.
        writer.part_problems = writer.write_parts(self.parts)
        if self.updates is not None:
            story = StoryRowResource(writer=writer)
            writer.updates_result = story.import_data(self.updates, use_transactions=False)
            updates = writer.updates_result
            if updates.has_errors() or updates.has_validation_errors():
                # The story so far failed: so has the import.
                result.append_base_error(Error(UpdatesFailed()))
        writer.finish_story_level()


class UpdatesFailed(Exception):
    """Marks the plan import as failed because the updates sheet had problems."""


class StoryRowResource(_RowResource):
    ref = fields.Field(attribute="ref", column_name="ref", widget=RefWidget())
    date = fields.Field(
        attribute="date", column_name="date", widget=MonthWidget(allow_ongoing=False)
    )
    text = fields.Field(
        attribute="text",
        column_name="text",
        widget=TextWidget(max_length=MAX_NARRATIVE_CHARS, what="story so far"),
    )
    priority = fields.Field(
        attribute="priority", column_name="priority", widget=TextWidget(what="priority")
    )

    row_class = StoryRow

    def before_import_row(self, row, **kwargs):
        self.writer.carry_down_story(row)

    def check(self, instance, errors, skip):
        self.writer.check_story_row(instance, errors, skip)

    def save_row(self, instance):
        self.writer.write_story_row(instance)

    def after_import(self, dataset, result, **kwargs):
        if self.writer.replace:
            self.writer.delete_story_the_sheet_no_longer_has()


assert tuple(PlanRowResource.fields) == PLAN_HEADERS  # noqa: S101
assert tuple(StoryRowResource.fields) == UPDATES_HEADERS  # noqa: S101
