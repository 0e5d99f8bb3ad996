"""Importing and exporting a whole plan as a spreadsheet: the functions pages, the admin
and the management commands call.

An import is always previewed first: ``preview_plan_import`` reads and checks every row
and works out what the import would create, change and delete, writing nothing, and
returns every problem with its row and column. ``confirm_plan_import`` does the same
again (the upload's SHA-256 must be the previewed one's) and, only if there is no
problem, writes it all in one transaction, each record with its history row: any
problem and nothing is written, history included.

Files are read by ``read_plan_files``, in a child process with memory and time limits
(``sandbox``). Both functions take the file itself (the command reads it once per run)
or the ``ParsedUpload`` read before: the admin reads an upload once, keeps the rows as
JSON on its ``PlanImport``, and previews and imports from them without reading the file
again.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import asdict, dataclass, field

from django.contrib.auth import get_user_model
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from actions.models import Action, StoryEntry
from outcomes.models import OutcomeTarget
from progress.figures import forget as forget_figures
from sendplan.models import Issue, MonthStatus, Plan, Priority, ReportingMonth

from .columns import OPTIONAL_HEADERS, PLAN_HEADERS, UPDATES_HEADERS, Problem
from .export import plan_to_csv, plan_to_xlsx, updates_to_csv
from .reading import Sheets, SpreadsheetError, Upload, load_upload
from .remembered import remember_choices
from .resources import PlanRowResource, PlanWriter, UpdatesFailed
from .sandbox import read_sheets_in_child

logger = logging.getLogger("sendplan.spreadsheets")

FORMATS = ("csv", "xlsx")


@dataclass
class ImportPreview:
    """What an import would do (or did), and every problem that stops it."""

    area_name: str
    plan_title: str
    slug: str
    month: dt.date
    replace: bool
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Changes the sheet makes to what existing outcome targets promise: asked for as
    # change requests on import, applied only once approved.
    target_changes: list[str] = field(default_factory=list)
    due_changes: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # The plan as the file reads, a line per priority (PlanWriter.outline_lines).
    outline: list[dict] = field(default_factory=list)
    area_exists: bool = False
    plan_exists: bool = False
    plan_rows: int = 0
    update_rows: int = 0
    sha256: str = ""
    updates_sha256: str = ""
    # The plan's columns as read: {"columns": [mapping.Column as JSON], "heading": field}.
    columns: dict | None = None

    @property
    def not_imported(self) -> list[dict]:
        """The file's columns that fill no field, with why."""
        return [c for c in (self.columns or {}).get("columns", []) if not c["field"]]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changes(self) -> int:
        return sum(sum(c.values()) for c in self.counts.values())

    def summary(self) -> list[str]:
        """One line per kind of record: "actions: 12 created, 1 changed, 0 deleted"."""
        lines = []
        for label, count in sorted(self.counts.items()):
            lines.append(
                f"{label}: {count.get('created', 0)} created, {count.get('updated', 0)} "
                f"changed, {count.get('deleted', 0)} deleted"
            )
        return lines


@dataclass
class ParsedUpload:
    """The rows read from an upload (the plan file and any updates file), the files'
    SHA-256s and every problem that stopped a file being read."""

    sha256: str = ""
    updates_sha256: str = ""
    sheets: Sheets = field(default_factory=Sheets)
    problems: list[Problem] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(
            {
                "sha256": self.sha256,
                "updates_sha256": self.updates_sha256,
                "sheets": self.sheets.as_json(),
                "problems": [asdict(p) for p in self.problems],
            }
        )

    @classmethod
    def from_json(cls, text: str) -> ParsedUpload:
        data = json.loads(text)
        return cls(
            sha256=data["sha256"],
            updates_sha256=data["updates_sha256"],
            sheets=Sheets.from_json(data["sheets"]),
            problems=[Problem(**p) for p in data["problems"]],
        )


class PlanImportError(Exception):
    """An import that was refused; ``preview.problems`` says why."""

    def __init__(self, preview: ImportPreview):
        self.preview = preview
        self.problems = preview.problems
        super().__init__("\n".join(str(p) for p in preview.problems))


def current_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def import_user(username: str | None = None):
    """The user named, or the system account that commands act as."""
    User = get_user_model()
    if username:
        return User.objects.get(username=username)
    return User.objects.system_user()


def plan_content_count(plan: Plan) -> dict[str, int]:
    counts = {
        "priorities": Priority.objects.filter(plan=plan).count(),
        "issues to be addressed": Issue.objects.filter(plan=plan).count(),
        "actions": Action.objects.filter(plan=plan).count(),
        "outcome targets": OutcomeTarget.objects.filter(plan=plan).count(),
        "story so far entries": StoryEntry.objects.filter(plan=plan).count(),
    }
    return {k: v for k, v in counts.items() if v}


def read_plan_files(*, source, updates=None, choices: dict | None = None) -> ParsedUpload:
    """Read the plan file ``source`` and the updates file ``updates`` (if any: a path, an
    uploaded file, bytes or an ``Upload``), each in a child process that may take no more
    than ``SENDPLAN_IMPORT_READ_MEMORY_BYTES`` and ``SENDPLAN_IMPORT_READ_SECONDS``.
    ``choices`` say which column is which field (``mapping``); without them the table of
    council words decides, and our own headers are read as always."""
    parsed = ParsedUpload()
    sheets = parsed.sheets
    try:
        upload = load_upload(source)
        parsed.sha256 = upload.sha256
        read = read_sheets_in_child(upload, headers=PLAN_HEADERS, role="plan", choices=choices)
        sheets.plan, sheets.updates = read.plan, read.updates
        sheets.columns, sheets.places = read.columns, read.places
        sheets.parts = read.parts
        sheets.notes.extend(read.notes)
    except SpreadsheetError as exc:
        parsed.problems.extend(exc.problems)
        sheets.columns = exc.columns
    if updates is not None:
        try:
            upload = load_upload(updates, default_name="updates")
            parsed.updates_sha256 = upload.sha256
            read = read_sheets_in_child(upload, headers=UPDATES_HEADERS, role="updates")
            sheets.notes.extend(read.notes)
            if sheets.updates is not None:
                parsed.problems.append(
                    Problem(
                        'Give the story so far either as a sheet named "updates" in the '
                        "workbook or as a separate file, not both."
                    )
                )
            sheets.updates = read.updates
        except SpreadsheetError as exc:
            parsed.problems.extend(exc.problems)
    return parsed


def _check_target(preview: ImportPreview) -> None:
    """Problems with where the import would go, found before anything is written."""
    problems = preview.problems
    if not preview.area_name:
        problems.append(Problem("Enter the name of the local area."))
    elif len(preview.area_name) > 120:
        problems.append(Problem("The local area's name must be 120 characters or fewer."))
    if not preview.plan_title:
        problems.append(Problem("Enter the plan's title."))
    elif len(preview.plan_title) > 200:
        problems.append(Problem("The plan's title must be 200 characters or fewer."))
    if not preview.slug:
        problems.append(Problem("Enter the plan's short name for addresses (its slug)."))
    elif preview.slug != slugify(preview.slug) or len(preview.slug) > 120:
        problems.append(
            Problem(
                f'The slug "{preview.slug}" may only use lower-case letters, numbers and '
                f"hyphens, up to 120 characters."
            )
        )
    if problems:
        return
    from sendplan.models import Area

    preview.area_exists = Area.objects.filter(name__iexact=preview.area_name).exists()
    plan = Plan.objects.filter(slug=preview.slug).select_related("area").first()
    preview.plan_exists = plan is not None
    if plan is None:
        return
    if plan.area.name.casefold() != preview.area_name.casefold():
        problems.append(
            Problem(
                f'The plan "{plan.slug}" belongs to {plan.area.name}, not to '
                f"{preview.area_name}. Choose another slug."
            )
        )
        return
    content = plan_content_count(plan)
    if content and not preview.replace:
        listed = ", ".join(f"{n} {label}" for label, n in content.items())
        problems.append(
            Problem(
                f'The plan "{plan.slug}" already has content ({listed}). Importing into it '
                f"again would duplicate it: replace its content instead (--replace)."
            )
        )
    closed = ReportingMonth.objects.filter(
        plan=plan, month=preview.month, status=MonthStatus.CLOSED
    ).exists()
    if closed:
        problems.append(
            Problem(
                f"The reporting month {preview.month:%B %Y} of this plan is closed, so its "
                f"BRAGG and RAG ratings cannot be imported; choose another month."
            )
        )


def _result_problems(result, sheet: str, headers: tuple[str, ...]) -> list[Problem]:
    problems = []
    for invalid in result.invalid_rows:
        row = invalid.number + 1
        errors = invalid.field_specific_errors
        for column in sorted(errors, key=lambda c: headers.index(c) if c in headers else 99):
            for message in errors[column]:
                problems.append(Problem(message, row=row, column=column, sheet=sheet))
        for message in invalid.non_field_specific_errors:
            problems.append(Problem(message, row=row, sheet=sheet))
    for error_row in result.error_rows:
        for error in error_row.errors:
            problems.append(
                Problem(
                    f"This row could not be saved ({_describe(error.error)}).",
                    row=error_row.number + 1,
                    sheet=sheet,
                )
            )
    for error in result.base_errors:
        if not isinstance(error.error, UpdatesFailed):
            problems.append(Problem(f"The import failed: {_describe(error.error)}."))
    return problems


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def _run(
    *,
    source,
    updates,
    parsed: ParsedUpload | None,
    area_name: str,
    plan_title: str,
    slug: str | None,
    replace: bool,
    user,
    month: dt.date | None,
    dry_run: bool,
    expected_sha256: str | None = None,
    expected_updates_sha256: str | None = None,
) -> tuple[ImportPreview, Plan | None]:
    area_name = " ".join((area_name or "").split())
    plan_title = " ".join((plan_title or "").split())
    preview = ImportPreview(
        area_name=area_name,
        plan_title=plan_title,
        slug=(slug or slugify(plan_title)).strip(),
        month=(month or current_month()).replace(day=1),
        replace=replace,
    )
    if parsed is None:
        parsed = read_plan_files(source=source, updates=updates)
    preview.sha256, preview.updates_sha256 = parsed.sha256, parsed.updates_sha256
    preview.problems.extend(parsed.problems)
    preview.notes.extend(parsed.sheets.notes)
    preview.columns = parsed.sheets.columns
    plan_ds, updates_ds = parsed.sheets.plan, parsed.sheets.updates
    parts = parsed.sheets.parts
    word = parsed.sheets.is_word
    if expected_sha256 and preview.sha256 and expected_sha256 != preview.sha256:
        preview.problems.append(
            Problem("The file is not the one that was previewed; preview it again.")
        )
    if (
        expected_updates_sha256 is not None
        and (expected_updates_sha256 or preview.updates_sha256)
        and expected_updates_sha256 != preview.updates_sha256
    ):
        preview.problems.append(
            Problem("The updates file is not the one that was previewed; preview it again.")
        )
    _check_target(preview)
    if preview.problems or plan_ds is None:
        return preview, None
    # Rows with something in them: a sheet's blank rows, and those a council's layout
    # keeps blank for its title and super-header rows, are not rows read.
    preview.plan_rows = _filled(plan_ds)
    preview.update_rows = _filled(updates_ds) if updates_ds is not None else 0

    places = parsed.sheets.places
    if dry_run:
        _plan_the_import(preview, plan_ds, updates_ds, parts, user=user, word=word)
        preview.problems = _in_tables(preview.problems, places)
        return preview, None
    try:
        # One transaction around reading the plan as it is and writing it as the sheet
        # says (area, plan, rows, story so far, history).
        with transaction.atomic():
            writer = _plan_the_import(preview, plan_ds, updates_ds, parts, user=user, word=word)
            if not preview.problems:
                writer.write()
                # The bulk writes send no history signals: the plan's kept figures go here.
                forget_figures([writer.plan.id])
                remember_choices(area=writer.plan.area, columns=preview.columns, user=user)
        preview.problems = _in_tables(preview.problems, places)
    except (IntegrityError, DataError) as exc:
        # The checks should leave nothing for the database to refuse; if it does (another
        # import of the same area at the same moment), nothing is written.
        preview.problems.append(
            Problem(f"The import could not be written ({_describe(exc)}); nothing was imported.")
        )
    if preview.problems:
        return preview, None
    return preview, writer.plan


def _plan_the_import(
    preview: ImportPreview, plan_ds, updates_ds, parts: dict, *, user, word: bool = False
) -> PlanWriter:
    """Read and check every row and work out what the import changes, writing nothing:
    the problems and the counts go into ``preview``."""
    writer = PlanWriter(
        area_name=preview.area_name,
        plan_title=preview.plan_title,
        slug=preview.slug,
        user=user,
        month=preview.month,
        replace=preview.replace,
        present=_fields_present(preview.columns),
        word=word,
    )
    resource = PlanRowResource(writer=writer, updates=updates_ds, parts=parts)
    # import-export only reads and checks the rows here, so it needs neither its dry run
    # nor its transactions (which would put every row in a savepoint).
    result = resource.import_data(plan_ds, use_transactions=False)
    preview.problems.extend(_result_problems(result, "plan", PLAN_HEADERS))
    preview.problems.extend(getattr(writer, "part_problems", []))
    preview.notes.extend(writer.figure_notes)
    if writer.updates_result is not None:
        preview.problems.extend(_result_problems(writer.updates_result, "updates", UPDATES_HEADERS))
    preview.counts = writer.counts()
    preview.outline = writer.outline_lines()
    preview.target_changes = writer.target_change_lines()
    preview.due_changes = writer.due_change_lines()
    return writer


def _filled(dataset) -> int:
    return sum(1 for row in dataset if any(v not in (None, "") for v in row))


def _fields_present(columns: dict | None) -> frozenset[str]:
    """The fields the plan sheet has a column for. An upload read before the columns were
    kept (none are) had our twelve headers and the priority's reference."""
    if columns is None:
        return frozenset(h for h in PLAN_HEADERS if h not in OPTIONAL_HEADERS["plan"]) | {
            "priority_ref"
        }
    return frozenset(c["field"] for c in columns.get("columns", []) if c.get("field"))


def _in_tables(problems: list[Problem], places: list | None) -> list[Problem]:
    """A Word document's problems by its table and row, not by the dataset's row."""
    if not places:
        return problems
    placed = []
    for problem in problems:
        index = (problem.row or 0) - 2
        if problem.sheet == "plan" and problem.row is not None and 0 <= index < len(places):
            table, row = places[index]
            if table is not None:
                problem = Problem(problem.message, row, problem.column, problem.sheet, table)
        placed.append(problem)
    return placed


def preview_plan_import(
    *,
    source=None,
    updates=None,
    parsed: ParsedUpload | None = None,
    area_name: str,
    plan_title: str,
    slug: str | None = None,
    replace: bool = False,
    user,
    month: dt.date | None = None,
) -> ImportPreview:
    """Run the import without writing anything and say what it would do: of the files
    ``source`` and ``updates``, or of the rows ``parsed`` read from them before."""
    preview, _ = _run(
        source=source,
        updates=updates,
        parsed=parsed,
        area_name=area_name,
        plan_title=plan_title,
        slug=slug,
        replace=replace,
        user=user,
        month=month,
        dry_run=True,
    )
    return preview


def confirm_plan_import(
    *,
    source=None,
    updates=None,
    parsed: ParsedUpload | None = None,
    area_name: str,
    plan_title: str,
    slug: str | None = None,
    replace: bool = False,
    user,
    month: dt.date | None = None,
    expected_sha256: str | None = None,
    expected_updates_sha256: str | None = None,
) -> tuple[Plan, ImportPreview]:
    """Import for real, all or nothing. Raises ``PlanImportError`` listing every problem.

    ``expected_sha256`` (and ``expected_updates_sha256``) make sure the file written is
    the one that was previewed."""
    preview, plan = _run(
        source=source,
        updates=updates,
        parsed=parsed,
        area_name=area_name,
        plan_title=plan_title,
        slug=slug,
        replace=replace,
        user=user,
        month=month,
        dry_run=False,
        expected_sha256=expected_sha256,
        expected_updates_sha256=expected_updates_sha256,
    )
    if plan is None:
        raise PlanImportError(preview)
    logger.info(
        "Plan import confirmed: plan=%s area=%s user=%s rows=%s updates=%s changes=%s sha256=%s",
        plan.slug,
        plan.area.slug,
        getattr(user, "username", None),
        preview.plan_rows,
        preview.update_rows,
        preview.changes,
        preview.sha256,
    )
    return plan, preview


def export_plan(*, plan: Plan, fmt: str) -> bytes:
    """The plan as one file: CSV gives the plan table (its story so far is
    ``export_plan_updates``); XLSX gives both, on sheets "plan" and "updates"."""
    if fmt not in FORMATS:
        raise ValueError(f"Choose a format: {' or '.join(FORMATS)}.")
    data = plan_to_csv(plan) if fmt == "csv" else plan_to_xlsx(plan)
    return data


def export_plan_updates(*, plan: Plan) -> bytes:
    """The plan's story so far as the updates CSV (ref,date,text)."""
    return updates_to_csv(plan)


__all__ = [
    "ImportPreview",
    "ParsedUpload",
    "PlanImportError",
    "Problem",
    "Upload",
    "confirm_plan_import",
    "export_plan",
    "export_plan_updates",
    "import_user",
    "preview_plan_import",
    "read_plan_files",
]
