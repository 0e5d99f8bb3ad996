"""Bulk writes with their history: every row a synthetic area is made of goes through here.

Speed matters (50 areas x 36 months in minutes), so rows are written with simple-history's
``bulk_create_with_history`` and ``bulk_update_with_history``: they write the history rows
themselves, with a user and a change reason, so nothing here bypasses the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import models
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from sendplan.months import add_months

from .words import LEAD_LOGINS

CHANGE_REASON = "generated"
BATCH = 500


def at(month: dt.date, day: int, hour: int = 12) -> dt.datetime:
    """A moment in ``month`` (UTC), for history dates and "rated at" times."""
    return dt.datetime(month.year, month.month, min(day, 28), hour, tzinfo=dt.UTC)


def area_slug(number: int) -> str:
    return f"area{number:02d}"


class BulkWriter:
    """What every part of an area's writer shares: its months, its two random streams
    (``shape`` for the plan's shape, ``rng`` for dates and monthly updates), the counts
    of rows written, and the writes themselves."""

    def __init__(self, *, number, months, shape, rng, password_hash, system, start):
        self.number = number
        self.months = [add_months(start, n) for n in range(months)]
        self.rng = rng
        self.shape = shape
        self.password_hash = password_hash
        self.system = system
        self.counts: Counter[str] = Counter()
        self.before = add_months(start, -1)  # when the plan was written

    # Every write goes through here: history rows with a user, a reason and a date.
    def create(self, model: type[models.Model], objs: list, **defaults) -> list:
        for obj in objs:
            if not hasattr(obj, "_history_user"):
                obj._history_user = defaults.get("user", self.system)
            if not hasattr(obj, "_history_date"):
                obj._history_date = defaults.get("when", at(self.before, 1))
        created = bulk_create_with_history(
            objs,
            model,
            batch_size=BATCH,
            default_user=self.system,
            default_change_reason=CHANGE_REASON,
        )
        self.counts[model._meta.verbose_name_plural] += len(created)
        return created

    def change(self, model: type[models.Model], objs: list, fields: list[str]) -> None:
        """Save a dated change (``_history_date``/``_history_user`` set on each object)."""
        if objs:
            bulk_update_with_history(
                objs,
                model,
                fields,
                batch_size=BATCH,
                default_user=self.system,
                default_change_reason=CHANGE_REASON,
            )
            self.counts[f"changes to {model._meta.verbose_name_plural}"] += len(objs)

    def _is_open(self, index: int) -> bool:
        return index == len(self.months) - 1

    def rater_for(self, lead_index: int):
        """The login that rates an item: its first lead's, else the programme manager's."""
        if lead_index < LEAD_LOGINS:
            return self.users[f"lead{lead_index + 1}"]
        return self.users["pm"]
