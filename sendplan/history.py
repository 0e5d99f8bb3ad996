"""Saving an audited record with who changed it and why, as its history row records them."""

from django.db import models


def save_with_history(
    obj: models.Model, *, user, reason: str | None = None, clean: bool = False, **save_kwargs
) -> None:
    """Save ``obj``; its new history row names ``user`` and gives ``reason`` (if any).

    ``clean`` runs the model's validation first; ``save_kwargs`` go to ``save()``.
    """
    obj._history_user = user
    if reason is not None:
        obj._change_reason = reason
    if clean:
        obj.full_clean()
    obj.save(**save_kwargs)
