"""Issue a two-factor set-up link from the command line (the first site administrator)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from sendplan.audit_log import log_event
from sendplan.models import User
from sendplan.otp import issue_setup_link


class Command(BaseCommand):
    help = (
        "Issue a single-use link with which a user sets up an authenticator app, after "
        "signing in with their password, within 24 hours, and print it. Use it for the first "
        "site administrator of a new installation, who has no app yet with which to reach "
        "the set-up links page; after that, site administrators issue links on that page. "
        "Running it again issues a new link and the earlier one stops working. Links point "
        "at SENDPLAN_BASE_URL."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--user", metavar="USERNAME", required=True, help="Who the link is for."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the account; issue no link."
        )

    def handle(self, *args, **options):
        username = options["user"].strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f'There is no account with the username "{username}".')
        if not user.is_active:
            raise CommandError(
                f'The account "{username}" is deactivated: reactivate it in the admin first.'
            )
        if options["dry_run"]:
            self.stdout.write(f"Would issue a set-up link for {user.username}.")
            return
        token, link = issue_setup_link(user=user, issued_by=User.objects.system_user())
        log_event(None, "mfa_setup_link_issued", recipient=user.username, by="command")
        url = settings.SENDPLAN_BASE_URL.rstrip("/") + reverse("two_factor_link", args=[token])
        expires = timezone.localtime(link.expires_at)
        self.stdout.write(
            f"Set-up link for {user.username}, working once until {expires:%d %B %Y %H:%M}:\n"
            f"{url}\n"
            "Send it to them only. They open it, sign in with their password and set up an "
            "authenticator app."
        )
