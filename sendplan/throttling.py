"""Sign-in throttling: django-axes with the limits of our lockout decision.

axes counts failures per lockout parameter but has one failure limit and ties its
counting window to the cool-off. Our rule has two limits and two times:

* 10 failures for one username from one address within a rolling 5 minutes lock that
  pair for 15 minutes (Cyber Essentials: at most 10 guesses in 5 minutes);
* 50 failures from one address, whatever the usernames, within 5 minutes lock the
  address for 15 minutes (password spraying);
* a lock is never permanent, failures while locked do not extend it, and a successful
  sign-in clears the pair's count.

This handler keeps axes' records, middleware, signals and lockout page, and decides
"locked" from axes' failure log (one row per failure, with its time), which the database
shares between all app processes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone


def lock_started(times: list[datetime], limit: int, window: timedelta) -> datetime | None:
    """The time of the latest failure that made ``limit`` failures within ``window``."""
    times = sorted(times)
    for i in range(len(times) - 1, limit - 2, -1):
        if times[i] - times[i - limit + 1] < window:
            return times[i]
    return None


class SendplanAxesHandler(AxesDatabaseHandler):
    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        # axes asks get_failures() before it writes this failure to its log; count it.
        if request is not None:
            request.sendplan_pending_failure = True
        try:
            super().user_login_failed(sender, credentials, request, **kwargs)
        finally:
            if request is not None:
                request.sendplan_pending_failure = False

    def is_locked_now(self, request, credentials=None) -> bool:
        now = timezone.now()
        cool_off = settings.AXES_COOLOFF_TIME
        window = settings.SENDPLAN_AXES_WINDOW
        since = now - cool_off - window
        username = get_client_username(request, credentials)
        ip = request.axes_ip_address
        pending = [now] if getattr(request, "sendplan_pending_failure", False) else []

        address_times = list(
            AccessFailureLog.objects.filter(ip_address=ip, attempt_time__gte=since).values_list(
                "attempt_time", flat=True
            )
        )
        started = lock_started(
            address_times + pending, settings.SENDPLAN_AXES_ADDRESS_LIMIT, window
        )
        if started is not None and now - started < cool_off:
            return True

        last_success = (
            AccessLog.objects.filter(username=username, ip_address=ip)
            .order_by("-attempt_time")
            .values_list("attempt_time", flat=True)
            .first()
        )
        pair = AccessFailureLog.objects.filter(
            username=username, ip_address=ip, attempt_time__gte=since
        )
        if last_success is not None:
            pair = pair.filter(attempt_time__gt=last_success)
        pair_times = list(pair.values_list("attempt_time", flat=True))
        started = lock_started(pair_times + pending, settings.AXES_FAILURE_LIMIT, window)
        return started is not None and now - started < cool_off

    def get_failures(self, request, credentials=None) -> int:
        """axes compares this with AXES_FAILURE_LIMIT: the limit itself when locked."""
        if self.is_locked_now(request, credentials):
            return settings.AXES_FAILURE_LIMIT
        return 0
