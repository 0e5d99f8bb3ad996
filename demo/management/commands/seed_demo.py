"""python manage.py seed_demo: a demo installation with real plans and example updates."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.seeding import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    NATIONAL,
    FixtureError,
    seed_demo,
    system_user,
    where_to_start,
)
from sendplan.models import Role


class Command(BaseCommand):
    help = (
        "Load the Darlington and Durham plans from fixtures/, then add demo logins (one per "
        "role) and clearly-marked example monthly updates and story so far for both plans "
        "(with example actions and targets for Durham, whose plan lists none) and example "
        "meetings for Darlington. Run it once on a new demo or development database; "
        "running it again changes nothing. Not for production: the demo logins share a "
        "published password."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--user",
            help="Username recorded in the audit history as having loaded the data "
            "(default: the system account).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be written, then roll everything back.",
        )
        parser.add_argument(
            "--url",
            help="End by saying to open this address and which demo login to try first "
            "(scripts/run passes the address it serves on).",
        )

    def handle(self, *args, user=None, dry_run=False, url=None, **options):
        if user:
            acting = get_user_model().objects.filter(username=user).first()
            if acting is None:
                raise CommandError(f"There is no user called {user!r}.")
        else:
            acting = None
        try:
            with transaction.atomic():
                acting = acting or system_user()
                results = seed_demo(user=acting)
                if dry_run:
                    transaction.set_rollback(True)
        except FixtureError as exc:
            raise CommandError(str(exc)) from exc

        width = max(len(r.name) for r in results)
        for result in results:
            if not result.rows:
                self.stdout.write(f"{result.name:<{width}}  already loaded")
                continue
            detail = ", ".join(f"{n} {label}" for label, n in sorted(result.counts.items()))
            self.stdout.write(f"{result.name:<{width}}  {result.rows} rows: {detail}")
        total = sum(r.rows for r in results)
        verb = "Would write" if dry_run else "Wrote"
        self.stdout.write(f"{verb} {total} rows as {acting.username}.")

        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write(f"{'username':<18}  {'role':<36}  area")
        role_labels = dict(Role.choices)
        for account in DEMO_ACCOUNTS:
            if account.is_admin:
                self.stdout.write(f"{account.username:<18}  {account.label:<36}  all areas")
            if account.adviser_for:
                where = "all areas" if account.adviser_for == NATIONAL else account.adviser_for
                self.stdout.write(f"{account.username:<18}  {account.label:<36}  {where}")
            for area, role in account.roles:
                self.stdout.write(f"{account.username:<18}  {role_labels[role]:<36}  {area}")
        if url:
            self.stdout.write("")
            self.stdout.write(where_to_start(url))
