"""E-mail each lead the items they still have to update for their plan's open month."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from progress.items import LeadProgress, month_items, progress_by_lead
from progress.models import ReminderSent
from progress.plan_state import plan_state
from sendplan.history import save_with_history
from sendplan.models import MonthStatus, Person, Plan, ReportingMonth, User
from sendplan.months import month_words

DEFAULT_BASE_URL = "http://localhost:8000"


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
        user = None if options["dry_run"] else self._acting_user(options["user"])
        base_url = options["base_url"].rstrip("/")
        today = timezone.localdate()
        totals = {"sent": 0, "already": 0, "no_email": 0, "up_to_date": 0, "failed": 0}

        for reporting_month in months.order_by("plan__slug"):
            plan, month = reporting_month.plan, reporting_month.month
            state = plan_state(plan, month=month, include_drafts=True)
            leads = progress_by_lead(state, month_items(state))
            people = {
                p.pk: p
                for p in Person.objects.filter(
                    pk__in=[lead.person_id for lead in leads]
                ).select_related("user")
            }
            counts = dict.fromkeys(totals, 0)
            for lead in leads:
                person = people[lead.person_id]
                if not lead.outstanding:
                    counts["up_to_date"] += 1
                    continue
                email = self._address(person)
                if not email:
                    counts["no_email"] += 1
                    continue
                if ReminderSent.objects.filter(
                    plan=plan, person=person, month=month, sent_on=today
                ).exists():
                    counts["already"] += 1
                    continue
                if options["dry_run"]:
                    self.stdout.write(
                        f"Would e-mail {person.name} <{email}>: "
                        f"{len(lead.outstanding)} items for {plan.slug}, {month_words(month)}"
                    )
                    counts["sent"] += 1
                    continue
                counts[self._send(plan, reporting_month, person, email, lead, user, base_url)] += 1
            self.stdout.write(
                f"{plan.slug} {month_words(month)}: "
                f"{'would send' if options['dry_run'] else 'sent'} {counts['sent']}, "
                f"already sent today {counts['already']}, no e-mail address "
                f"{counts['no_email']}, up to date {counts['up_to_date']}, "
                f"failed {counts['failed']}"
            )
            for key, value in counts.items():
                totals[key] += value
        verb = "Would send" if options["dry_run"] else "Sent"
        self.stdout.write(
            f"{verb} {totals['sent']} reminders; {totals['already']} already sent today; "
            f"{totals['no_email']} leads without an e-mail address; "
            f"{totals['failed']} failed."
        )

    @staticmethod
    def _address(person: Person) -> str:
        # A lead is reminded only if they can sign in to act on it.
        if person.user is None or not person.user.is_active:
            return ""
        return person.user.email or person.email

    def _send(self, plan, reporting_month, person, email, lead: LeadProgress, user, base_url):
        month = reporting_month.month
        link = base_url + reverse("progress:my_updates", kwargs={"plan_slug": plan.slug})
        lines = [f"Hello {person.name},", ""]
        lines.append(
            f"These items of {plan.title} still need your update for {month_words(month)}"
            + (
                f" (due by {reporting_month.deadline:%-d %B %Y}):"
                if reporting_month.deadline
                else ":"
            )
        )
        lines.append("")
        for item in lead.outstanding:
            label = item.label if len(item.label) <= 100 else item.label[:97] + "..."
            lines.append(f"- {item.kind_word} {item.where}: {label} ({item.progress_word.lower()})")
        lines += ["", f"Update them here: {link}", "", "sendplan"]
        try:
            with transaction.atomic():
                # The row first: its unique constraint stops a second run (even one running
                # at the same moment) from sending again today. If the mail fails, the row
                # goes with the rollback and the next run tries again.
                reminder = ReminderSent(
                    plan=plan,
                    person=person,
                    month=month,
                    sent_on=timezone.localdate(),
                    email=email,
                    item_count=len(lead.outstanding),
                )
                save_with_history(reminder, user=user, reason="Reminder e-mailed")
                send_mail(
                    f"Your updates for {month_words(month)}: {plan.title}",
                    "\n".join(lines),
                    None,
                    [email],
                )
        except IntegrityError:
            return "already"
        except Exception as error:  # noqa: BLE001 - one bad address must not stop the rest
            self.stderr.write(f"Could not e-mail {person.name} <{email}>: {error}")
            return "failed"
        return "sent"

    @staticmethod
    def _acting_user(username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f'There is no user "{username}".')
            return user
        return User.objects.system_user()
