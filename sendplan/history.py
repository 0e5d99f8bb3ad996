"""Saving an audited record with who changed it and why, as its history row records them."""

from django.db import models


def save_with_history(obj: models.Model, *, user, reason: str) -> None:
    """Save ``obj``; its new history row names ``user`` and gives ``reason``."""
    obj._history_user = user
    obj._change_reason = reason
    obj.save()
