"""Reminding leads of the items they still owe for their plan's open month.

One rule for the cron job (``manage.py send_reminders``) and the months page's *Send
reminders now* button: a lead is e-mailed only if they sign in (an active login), have an
e-mail address and have items not yet submitted, and at most once a day per plan. Each
e-mail sent is recorded as a ``ReminderSent`` row, whose unique constraint is what stops
a second e-mail the same day.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from progress.items import LeadProgress, month_items, progress_by_lead
from progress.models import ReminderSent
from progress.plan_state import plan_state
from sendplan.history import save_with_history
from sendplan.models import Person, ReportingMonth
from sendplan.months import month_words

SENT = "sent"
ALREADY = "already"
NO_EMAIL = "no_email"
NO_LOGIN = "no_login"
UP_TO_DATE = "up_to_date"
FAILED = "failed"

# Why a lead was not e-mailed, as the months page says it.
REASONS = {
    ALREADY: "already reminded today",
    NO_EMAIL: "no e-mail address",
    NO_LOGIN: "does not sign in",
    UP_TO_DATE: "nothing left to update",
    FAILED: "the e-mail could not be sent",
}


@dataclass(frozen=True)
class Reminder:
    """What happened (or, in a dry run, would happen) to one lead's reminder."""

    person_id: int
    name: str
    outcome: str
    email: str = ""
    item_count: int = 0
    error: str = ""

    @property
    def reason(self) -> str:
        return REASONS.get(self.outcome, "")


def send_reminders(
    reporting_month: ReportingMonth, *, user, base_url: str, dry_run: bool = False
) -> list[Reminder]:
    """E-mail each lead of the month's plan the items they have not yet submitted, by the
    rule above; in a dry run send and record nothing. One ``Reminder`` per lead, in name
    order. ``user`` is recorded as the sender; ``base_url`` starts the e-mail's link."""
    plan, month = reporting_month.plan, reporting_month.month
    # One month is enough: what is outstanding is this month's entries.
    state = plan_state(plan, month=month, include_drafts=True, months=1)
    leads = progress_by_lead(state, month_items(state))
    people = Person.objects.filter(pk__in=[lead.person_id for lead in leads])
    people = {p.pk: p for p in people.select_related("user")}
    # Query: who was already reminded today, so that a skip needs no failed insert.
    already = set(
        ReminderSent.objects.filter(
            plan=plan, month=month, sent_on=timezone.localdate()
        ).values_list("person_id", flat=True)
    )
    results = []
    for lead in leads:
        person = people[lead.person_id]
        outcome = _skip(person, lead, already)
        email = address(person)
        if outcome is None and dry_run:
            outcome = SENT
        error = ""
        if outcome is None:
            outcome, error = _send(reporting_month, person, email, lead, user, base_url)
        results.append(
            Reminder(person.pk, person.name, outcome, email, len(lead.outstanding), error)
        )
    return results


def address(person: Person) -> str:
    """Where a lead's reminder goes: "" unless they can sign in to act on it."""
    if person.user is None or not person.user.is_active:
        return ""
    return person.user.email or person.email


def _skip(person: Person, lead: LeadProgress, already: set[int]) -> str | None:
    if not lead.outstanding:
        return UP_TO_DATE
    if person.user is None or not person.user.is_active:
        return NO_LOGIN
    if not address(person):
        return NO_EMAIL
    if person.pk in already:
        return ALREADY
    return None


def _body(reporting_month: ReportingMonth, person: Person, lead: LeadProgress, link: str) -> str:
    plan, month = reporting_month.plan, reporting_month.month
    due = f" (due by {reporting_month.deadline:%-d %B %Y}):" if reporting_month.deadline else ":"
    lines = [f"Hello {person.name},", ""]
    lines.append(
        f"These items of {plan.title} still need your update for {month_words(month)}{due}"
    )
    lines.append("")
    for item in lead.outstanding:
        label = item.label if len(item.label) <= 100 else item.label[:97] + "..."
        lines.append(f"- {item.kind_word} {item.where}: {label} ({item.progress_word.lower()})")
    lines += ["", f"Update them here: {link}", "", "sendplan"]
    return "\n".join(lines)


def _send(reporting_month, person, email, lead: LeadProgress, user, base_url) -> tuple[str, str]:
    plan, month = reporting_month.plan, reporting_month.month
    link = base_url.rstrip("/") + reverse("progress:my_updates", kwargs={"plan_slug": plan.slug})
    try:
        with transaction.atomic():
            # The row first: its unique constraint stops a second run (even one running at
            # the same moment) from sending again today. If the mail fails, the row goes
            # with the rollback and the next run tries again.
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
                _body(reporting_month, person, lead, link),
                None,
                [email],
            )
    except IntegrityError:
        return ALREADY, ""
    except Exception as error:  # noqa: BLE001 - one bad address must not stop the rest
        return FAILED, str(error)
    return SENT, ""
