"""Import a whole plan from a spreadsheet (CSV or XLSX) or a Word document (.docx)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from spreadsheets.layout import missing_chosen_headers
from spreadsheets.mapping import Column, check_fields_map, choices_from_fields
from spreadsheets.remembered import remembered_choices
from spreadsheets.services import (
    PlanImportError,
    confirm_plan_import,
    import_user,
    preview_plan_import,
    read_plan_files,
)


def month_argument(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise CommandError(f'Enter --month as YYYY-MM, such as 2024-03; "{text}" is not.') from None


class Command(BaseCommand):
    help = (
        "Import a whole plan from a spreadsheet: one row per line of the plan table, with "
        "the headers ref,priority,issue,strategy_links,action,actioned_by,by_when,completed,"
        "bragg,outcome_target,target_date,impact_rag, and the story so far as a sheet named "
        "'updates' or a separate file (ref,date,text). A plan in the council's own layout "
        "(its own headers, title rows above them, priorities as heading rows, or the tables "
        "of a Word document) is read through a mapping of its columns: the words councils "
        "use, the area's mapping remembered from its last import, and --columns; "
        "--show-columns prints it. Run it when a partnership starts using sendplan with a "
        "plan kept in a spreadsheet or a document. Every problem is reported with "
        "its row and column and nothing is written unless the whole file imports. Use "
        "--dry-run to see what it would do."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The plan: a .csv, .xlsx or .docx file.")
        parser.add_argument("--area", required=True, help="The local area's name.")
        parser.add_argument("--plan", required=True, help="The plan's title.")
        parser.add_argument(
            "--slug", help="The plan's short name in addresses; defaults to its title's."
        )
        parser.add_argument("--updates", help="The story so far: a .csv or .xlsx file.")
        parser.add_argument(
            "--month",
            type=month_argument,
            help="The month (YYYY-MM) the sheet's BRAGG and RAG ratings are for; defaults "
            "to the current month.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace the content of a plan that already has some (its history is kept).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and write nothing."
        )
        parser.add_argument(
            "--user", help="The username recorded in the history; defaults to the system user."
        )
        parser.add_argument(
            "--columns",
            metavar="MAP.json",
            help='Which column fills which field: a JSON object such as {"ref": "No.", '
            '"action": "What we will do"}, from field name to the header as the file writes '
            "it. Other columns are recognised from their headers.",
        )
        parser.add_argument(
            "--show-columns",
            action="store_true",
            help="Print the field each column would fill, and the columns not imported; "
            "write nothing.",
        )

    def handle(self, *args, **options):
        wanted = self._columns_map(options["columns"])
        choices = remembered_choices(options["area"] or "")
        choices.update(choices_from_fields(wanted))
        parsed = read_plan_files(
            source=options["file"], updates=options["updates"], choices=choices
        )
        columns = [Column(**c) for c in (parsed.sheets.columns or {}).get("columns", [])]
        if wanted and not parsed.problems:
            missing = missing_chosen_headers(columns, wanted)
            if missing:
                found = ", ".join(f'"{c.header}"' for c in columns) or "(none)"
                raise CommandError(
                    f"--columns names header{'s' if len(missing) > 1 else ''} the file does "
                    f"not have: {', '.join(repr(h) for h in missing)}. Its headers are: "
                    f"{found}."
                )
        if options["show_columns"]:
            if parsed.problems:
                self._fail(parsed.problems)
            self._show_columns(parsed.sheets.columns or {})
            return
        options["parsed"] = parsed
        # One transaction, so that a failed import leaves not even the system user behind.
        with transaction.atomic():
            preview, plan = self._import(options)
            if not preview.ok or options["dry_run"]:
                transaction.set_rollback(True)
        self._notes(preview)
        if not preview.ok:
            self._fail(preview.problems)
        if options["dry_run"]:
            self.stdout.write(f"Dry run: nothing was written. The import of {preview.slug} would:")
        else:
            self.stdout.write(f"Imported {plan.title} ({plan.slug}) for {plan.area.name}:")
        self._counts(preview)

    def _import(self, options):
        try:
            user = import_user(options["user"])
        except get_user_model().DoesNotExist:
            raise CommandError(f'There is no user "{options["user"]}".') from None
        arguments = {
            "parsed": options["parsed"],
            "area_name": options["area"],
            "plan_title": options["plan"],
            "slug": options["slug"],
            "replace": options["replace"],
            "user": user,
            "month": options["month"],
        }
        if options["dry_run"]:
            return preview_plan_import(**arguments), None
        try:
            plan, preview = confirm_plan_import(**arguments)
        except PlanImportError as exc:
            return exc.preview, None
        return preview, plan

    def _columns_map(self, path: str | None) -> dict[str, str]:
        if not path:
            return {}
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"There is no file {path} for --columns.") from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise CommandError(
                f"--columns {path} is not a JSON file that can be read ({exc}). Give a JSON "
                'object such as {"ref": "No.", "action": "What we will do"}.'
            ) from None
        problems = check_fields_map(data)
        if problems:
            raise CommandError(" ".join(problems))
        return data

    def _show_columns(self, columns: dict) -> None:
        self.stdout.write("Columns and the fields they fill:")
        listed = [Column(**c) for c in columns.get("columns", [])]
        for column in listed:
            if column.field:
                self.stdout.write(f"  {column.letter}  {column.header} -> {column.field}")
        skipped = [c for c in listed if not c.field]
        if skipped:
            self.stdout.write("Columns not imported:")
            for column in skipped:
                self.stdout.write(f"  {column.letter}  {column.header} ({column.why})")
        if columns.get("heading"):
            self.stdout.write(f"A row holding only a heading starts a {columns['heading']}.")
        self.stdout.write("Nothing was written.")

    def _notes(self, preview) -> None:
        for note in preview.notes:
            self.stderr.write(f"Note: {note}")

    def _counts(self, preview) -> None:
        lines = preview.summary()
        for line in lines:
            self.stdout.write(f"  {line}")
        if not preview.changes:
            self.stdout.write("  nothing to change")

    def _fail(self, problems) -> None:
        if len(problems) == 1:
            raise CommandError(str(problems[0]))
        for problem in problems:
            self.stderr.write(str(problem))
        raise CommandError(f"{len(problems)} problems were found; nothing was imported.")
