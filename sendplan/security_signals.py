"""Signal receivers for sign-in security: the audit log lines, the session's sign-in time,
and ending a deactivated user's sessions. Connected in ``SendplanConfig.ready()``."""

from __future__ import annotations

import time

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from .audit_log import log_event

# When the user signed in, in seconds since the epoch; read by SessionLifetimeMiddleware.
SIGNED_IN_AT = "sendplan_signed_in_at"
# When the session's expiry was last pushed on (the idle timeout), likewise.
RENEWED_AT = "sendplan_renewed_at"


def _known_username(username) -> str:
    """The attempted username if it is an account, else "(unknown)": people type their
    password into the username box, and that must not reach the log."""
    if username and get_user_model().objects.filter(username=username).exists():
        return str(username)
    return "(unknown)"


@receiver(user_logged_in, dispatch_uid="sendplan_signed_in")
def record_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[RENEWED_AT] = int(time.time())
    log_event(request, "sign_in", user=user)


@receiver(user_logged_out, dispatch_uid="sendplan_signed_out")
def record_sign_out(sender, request, user, **kwargs):
    log_event(request, "sign_out", user=user)


@receiver(user_login_failed, dispatch_uid="sendplan_sign_in_failed")
def record_sign_in_failure(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username")
    log_event(request, "sign_in_failed", attempted=_known_username(username))


@receiver(user_locked_out, dispatch_uid="sendplan_locked_out")
def record_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    log_event(request, "lockout", attempted=_known_username(username))


@receiver(post_save, sender=get_user_model(), dispatch_uid="sendplan_end_sessions")
def end_sessions_of_deactivated_user(sender, instance, **kwargs):
    """A deactivated account is signed out everywhere at once, not at its next request."""
    if instance.is_active or instance.pk is None:
        return
    user_id = str(instance.pk)
    ended = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == user_id
    ]
    if ended:
        Session.objects.filter(session_key__in=ended).delete()
        log_event(None, "sessions_ended", user=instance, count=len(ended))
