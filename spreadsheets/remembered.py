"""The columns an area's plan was imported with, remembered for its next import."""

from __future__ import annotations

from sendplan.history import save_with_history
from sendplan.models import Area

from .mapping import HEADING, normalise
from .models import ColumnMapping


def choices_of(columns: dict | None) -> dict[str, str]:
    """The choices that read the file as ``columns`` (``Sheets.columns``) says it was read:
    header → field or "" (not imported), and what a heading row starts."""
    if not columns:
        return {}
    choices = {normalise(c["header"]): c["field"] or "" for c in columns.get("columns", [])}
    if columns.get("heading"):
        choices[HEADING] = columns["heading"]
    return choices


def remembered_choices(area_name: str) -> dict[str, str]:
    """The choices of the area's last import of a plan in its own layout, or none."""
    mapping = ColumnMapping.objects.filter(area__name__iexact=" ".join(area_name.split())).first()
    return dict(mapping.choices) if mapping else {}


def remember_choices(*, area: Area, columns: dict | None, user) -> None:
    """Keep the columns a plan in the area's own layout was imported with (a plan in our
    own headers needs none, and leaves what was remembered as it was)."""
    if not columns or not columns.get("heading"):
        return
    mapping = ColumnMapping.objects.filter(area=area).first() or ColumnMapping(area=area)
    mapping.choices = choices_of(columns)
    mapping.updated_by = user
    save_with_history(mapping, user=user, reason="Columns of an import remembered")
