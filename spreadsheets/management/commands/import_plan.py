"""Import a whole plan from a spreadsheet (CSV or XLSX)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from spreadsheets.services import (
    PlanImportError,
    confirm_plan_import,
    import_user,
    preview_plan_import,
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
        "'updates' or a separate file (ref,date,text). Run it when a partnership starts "
        "using sendplan with a plan kept in a spreadsheet. Every problem is reported with "
        "its row and column and nothing is written unless the whole file imports. Use "
        "--dry-run to see what it would do."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The plan: a .csv or .xlsx file.")
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

    def handle(self, *args, **options):
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
            "source": options["file"],
            "updates": options["updates"],
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
