"""Saving seed rows one by one, each with its history naming the acting user."""

from __future__ import annotations

from collections import Counter

from django.db import models


class HistoryWriter:
    """Saves through ``save()`` (never ``update()`` or ``bulk_create``, which write no
    history) with ``_history_user`` set, and counts the rows it wrote by model."""

    def __init__(self, user):
        self.user = user
        self.counts: Counter[str] = Counter()

    def save(self, obj: models.Model) -> models.Model:
        # simple-history reads the acting user from the instance outside a request.
        obj._history_user = self.user
        obj.save()
        self.counts[str(type(obj)._meta.verbose_name_plural)] += 1
        return obj
