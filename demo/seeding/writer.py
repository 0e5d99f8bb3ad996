"""Saving seed rows one by one, each with its history naming the acting user."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import models


class HistoryWriter:
    """Saves through ``save()`` (never ``update()`` or ``bulk_create``, which write no
    history) with ``_history_user`` set, and counts the rows it wrote by model."""

    def __init__(self, user, at: dt.datetime | None = None):
        self.user = user
        self.at = at
        self.counts: Counter[str] = Counter()

    def save(self, obj: models.Model, at: dt.datetime | None = None) -> models.Model:
        """Save ``obj``; its history row is dated ``at`` (or the writer's date) if given.

        Seed data describes a plan's past (a document of April 2023, example ratings for
        each month since), so its history is dated when the plan says things happened:
        that is what lets the demo be seen "as at" the date of a past meeting.
        """
        # simple-history reads the acting user (and date) from the instance outside a
        # request.
        obj._history_user = self.user
        when = at or self.at
        if when is not None:
            obj._history_date = when
        try:
            obj.save()
        finally:
            obj.__dict__.pop("_history_date", None)
        self.counts[str(type(obj)._meta.verbose_name_plural)] += 1
        return obj


@dataclass
class PartResult:
    """One part of a seed and the rows it wrote, by model."""

    name: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())
