"""python manage.py generate_demo_data: synthetic areas for scale tests and benchmarks."""

import datetime as dt
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from demo.synthetic import DEFAULT_START, generate_areas, system_user

DEFAULT_PASSWORD = "generated-demo-2023"  # noqa: S105 - printed for the benchmark on purpose


class Command(BaseCommand):
    help = (
        "Create synthetic areas (area01, area02...), each with a Darlington-shaped plan, "
        "monthly BRAGG statuses, RAG impact ratings and story so far for every month, "
        "forums, meetings, logins for every role (area01-lead1...area01-lead6, area01-pm, "
        "area01-sig, area01-sae, area01-viewer) and a realistic audit history. The same "
        "--seed makes the same data. Areas that exist already are left alone, so running it "
        "again with more areas adds only the new ones. For benchmarks and load tests, never "
        "on a production database: the logins share one password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--areas", type=int, default=1, help="How many areas (default 1).")
        parser.add_argument(
            "--months", type=int, default=12, help="Reporting months per plan (default 12)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--first-area", type=int, default=1, help="Number of the first area (default 1)."
        )
        parser.add_argument(
            "--start-month",
            default=f"{DEFAULT_START:%Y-%m}",
            help=f"First reporting month, YYYY-MM (default {DEFAULT_START:%Y-%m}).",
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password of every generated login (default {DEFAULT_PASSWORD!r}).",
        )
        parser.add_argument(
            "--user",
            help="Username recorded in the audit history for structural rows "
            "(default: the system account). Monthly updates name the generated leads.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Generate everything, report the counts, then roll it all back.",
        )

    def handle(self, *args, **options):
        areas, months = options["areas"], options["months"]
        if not 1 <= areas <= 999:
            raise CommandError("Enter a number of areas from 1 to 999.")
        if not 1 <= months <= 120:
            raise CommandError("Enter a number of months from 1 to 120.")
        if options["first_area"] < 1 or options["first_area"] + areas - 1 > 999:
            raise CommandError("Area numbers must be from 1 to 999.")
        try:
            start = dt.datetime.strptime(options["start_month"], "%Y-%m").date()
        except ValueError:
            raise CommandError("Enter the start month as year and month, like 2022-10.") from None
        end = start.year * 12 + start.month - 1 + months - 1
        if dt.date(end // 12, end % 12 + 1, 1) > dt.date.today():
            raise CommandError("The last month would be in the future: pick an earlier start.")

        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"There is no user called {options['user']!r}.")
        else:
            user = system_user()
        started = time.monotonic()

        def progress(slug, rows):
            self.stdout.write(f"{slug}: {rows} rows ({time.monotonic() - started:.1f} s)")

        def generate():
            return generate_areas(
                areas=areas,
                months=months,
                seed=options["seed"],
                password=options["password"],
                user=user,
                start=start,
                first=options["first_area"],
                progress=progress if options["verbosity"] > 1 else None,
            )

        if options["dry_run"]:
            with transaction.atomic():
                result = generate()
                transaction.set_rollback(True)
        else:
            result = generate()  # one transaction per area
            if result.created:
                # Fresh tables have no planner statistics until autovacuum gets to them;
                # a real installation would have them, and the benchmark should too.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")

        elapsed = time.monotonic() - started
        for label, count in sorted(result.counts.items()):
            self.stdout.write(f"  {count:>8} {label}")
        if result.skipped:
            self.stdout.write(f"Already there, left alone: {', '.join(result.skipped)}")
        verb = "Would create" if options["dry_run"] else "Created"
        self.stdout.write(
            f"{verb} {len(result.created)} areas x {months} months: {result.rows} rows "
            f"(history rows besides) in {elapsed:.1f} s."
        )
