"""Working out what a plan import changes, and writing it (``PlanWriter``)."""

from .actions import IMPORTED_NOTE
from .changes import IMPORT_REASON, delete_with_history
from .checks import split_priority_title
from .plan_writer import PlanWriter
from .rows import PlanRow, StoryRow
from .story import narrative_html

__all__ = [
    "IMPORTED_NOTE",
    "IMPORT_REASON",
    "PlanRow",
    "PlanWriter",
    "StoryRow",
    "delete_with_history",
    "narrative_html",
    "split_priority_title",
]
