"""Export a whole plan as a spreadsheet (CSV or XLSX)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actions.models import StoryEntry
from sendplan.models import Plan
from spreadsheets.services import FORMATS, export_plan, export_plan_updates


class Command(BaseCommand):
    help = (
        "Export a whole plan as the spreadsheet import_plan reads: XLSX with sheets 'plan', "
        "'updates' (the story so far), 'about', 'findings' and 'milestones', or CSV (the "
        "'plan' sheet) with the story so far in a second file. The format follows the "
        "output's name (.csv or .xlsx) unless --format is given. "
        "Run it to work on a plan in a spreadsheet, to hand it to a partner or to keep a "
        "copy. Cells a spreadsheet would run as formulas start with an apostrophe."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="The plan's slug.")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="csv or xlsx; by default the output name's ending, or xlsx if it has neither.",
        )
        parser.add_argument("-o", "--output", required=True, help="The file to write.")
        parser.add_argument(
            "--updates-output",
            help="With --format csv, the file for the story so far; defaults to the output's "
            "name ending -updates.csv.",
        )

    def handle(self, *args, **options):
        plan = Plan.objects.select_related("area").filter(slug=options["plan"]).first()
        if plan is None:
            raise CommandError(f'There is no plan with the slug "{options["plan"]}".')
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"There is no folder {output.parent} to write {output.name} in.")
        fmt = _format(output, options["format"])
        output.write_bytes(export_plan(plan=plan, fmt=fmt))
        self.stdout.write(f"Wrote {plan.title} ({plan.slug}) to {output} as {fmt.upper()}.")
        if fmt == "csv" and StoryEntry.objects.filter(plan=plan).exists():
            updates = Path(
                options["updates_output"] or output.with_name(f"{output.stem}-updates.csv")
            )
            updates.write_bytes(export_plan_updates(plan=plan))
            self.stdout.write(f"Wrote its story so far to {updates}.")


def _format(output: Path, given: str | None) -> str:
    """The format to write: the one given, else the one the file's name ends in.

    A name ending in the other format is refused: a spreadsheet named plan.csv that holds
    XLSX opens as nonsense."""
    named = output.suffix.lower().lstrip(".")
    if given is None:
        return named if named in FORMATS else "xlsx"
    if named in FORMATS and named != given:
        raise CommandError(
            f"{output.name} ends in .{named} but --format is {given}: name the file "
            f".{given}, or leave --format out to write {named.upper()}."
        )
    return given
