"""E-mail partner reviewers who have not yet answered every priority of an open review."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reports.reviews import send_review_reminders


class Command(BaseCommand):
    help = (
        "E-mail each partner reviewer who has not answered every priority of a draft "
        "statement still open for review, with a link to it. Run it daily from cron, beside "
        "send_reminders: each reviewer gets at most one e-mail a day per review, however "
        "often it runs."
    )

    def handle(self, *args, **options):
        result = send_review_reminders()
        self.stdout.write(
            f"Partner review reminders: sent {result.sent}, already sent today "
            f"{result.already}, no e-mail address {result.no_email}."
        )
