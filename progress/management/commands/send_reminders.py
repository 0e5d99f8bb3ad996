"""E-mail each lead the items they still have to update for their plan's open month."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from progress.reminders import (
    ALREADY,
    FAILED,
    NO_EMAIL,
    NO_LOGIN,
    SENT,
    UP_TO_DATE,
    send_reminders,
)
from sendplan.models import MonthStatus, Plan, ReportingMonth, User
from sendplan.months import month_words

DEFAULT_BASE_URL = "http://localhost:8000"
COUNTED = (SENT, ALREADY, NO_EMAIL, UP_TO_DATE, FAILED)


class Command(BaseCommand):
    help = (
        "E-mail each lead the actions, outcome targets and stories so far they have not yet "
        "submitted for their plan's open month, with a link to their updates page. Run it "
        "daily or weekly from cron while a month is open: each lead gets at most one e-mail "
        "a day per plan, however often it runs. Mail goes through Django's e-mail backend "
        "(the console by default; SMTP when EMAIL_URL is set)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", metavar="SLUG", help="Only this plan.")
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would be e-mailed; send nothing."
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Record the reminders as sent by this account (default: the system account).",
        )
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "SENDPLAN_BASE_URL", "") or DEFAULT_BASE_URL,
            help="The site's address for links in the e-mail, such as https://sendplan.example.org",
        )

    def handle(self, *args, **options):
        months = ReportingMonth.objects.filter(status=MonthStatus.OPEN).select_related("plan")
        if options["plan"]:
            if not Plan.objects.filter(slug=options["plan"]).exists():
                raise CommandError(f'There is no plan "{options["plan"]}".')
            months = months.filter(plan__slug=options["plan"])
        dry_run = options["dry_run"]
        user = None if dry_run else self._acting_user(options["user"])
        totals = dict.fromkeys(COUNTED, 0)

        for reporting_month in months.order_by("plan__slug"):
            plan, month = reporting_month.plan, reporting_month.month
            counts = dict.fromkeys(COUNTED, 0)
            results = send_reminders(
                reporting_month, user=user, base_url=options["base_url"], dry_run=dry_run
            )
            for result in results:
                if result.outcome == SENT and dry_run:
                    self.stdout.write(
                        f"Would e-mail {result.name} <{result.email}>: "
                        f"{result.item_count} items for {plan.slug}, {month_words(month)}"
                    )
                elif result.outcome == FAILED:
                    self.stderr.write(
                        f"Could not e-mail {result.name} <{result.email}>: {result.error}"
                    )
                # Leads who do not sign in are counted with those without an address.
                counts[NO_EMAIL if result.outcome == NO_LOGIN else result.outcome] += 1
            self.stdout.write(
                f"{plan.slug} {month_words(month)}: "
                f"{'would send' if dry_run else 'sent'} {counts[SENT]}, "
                f"already sent today {counts[ALREADY]}, no e-mail address "
                f"{counts[NO_EMAIL]}, up to date {counts[UP_TO_DATE]}, "
                f"failed {counts[FAILED]}"
            )
            for key, value in counts.items():
                totals[key] += value
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(
            f"{verb} {totals[SENT]} reminders; {totals[ALREADY]} already sent today; "
            f"{totals[NO_EMAIL]} leads without an e-mail address; "
            f"{totals[FAILED]} failed."
        )

    @staticmethod
    def _acting_user(username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f'There is no user "{username}".')
            return user
        return User.objects.system_user()
