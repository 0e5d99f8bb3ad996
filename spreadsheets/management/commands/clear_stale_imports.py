"""Remove the plan uploads nobody confirmed within SENDPLAN_IMPORT_KEEP_DAYS days (14).
Run it daily, as send_reminders is run:

    python manage.py clear_stale_imports
"""

from django.core.management.base import BaseCommand, CommandError

from spreadsheets.pending import clear_stale_imports, keep_days


class Command(BaseCommand):
    help = "Remove plan spreadsheet uploads left unconfirmed for longer than the days kept."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            help="Remove uploads older than this many days (default: SENDPLAN_IMPORT_KEEP_DAYS).",
        )

    def handle(self, *args, days=None, **options):
        if days is not None and days < 0:
            raise CommandError("Enter the number of days as 0 or more.")
        days = keep_days() if days is None else days
        removed = clear_stale_imports(days=days)
        uploads = "upload" if removed == 1 else "uploads"
        self.stdout.write(f"Removed {removed} {uploads} not confirmed within {days} days.")
