"""A plan as it stood: the one read model behind plan pages, dashboards and PDF reports.

``plan_state(plan, month=..., as_at=...)`` returns the plan's structure, its actions and
outcome targets with their leads, the BRAGG and RAG rows up to ``month`` and the story so
far, either from the live tables or, with ``as_at``, from the audit history as it stood at
that moment. Both paths run the same fixed number of queries whatever the size of the
installation (one per table, all filtered by plan), and build the same plain objects, so
a page or a report cannot tell them apart: that is what makes "as at" trustworthy.

``states`` holds the plain objects, ``rows`` the readers of live and historical rows,
``build`` the function that puts them together.
"""

from sendplan.ratings import NOT_RATED

from .build import plan_state
from .rows import WINDOW_PARENTS, end_of_day, rows_as_at, standing_rows
from .states import (
    ActionState,
    IssueState,
    PersonState,
    PlanState,
    PriorityState,
    Rating,
    StoryState,
    TargetState,
)

__all__ = [
    "NOT_RATED",
    "WINDOW_PARENTS",
    "ActionState",
    "IssueState",
    "PersonState",
    "PlanState",
    "PriorityState",
    "Rating",
    "StoryState",
    "TargetState",
    "end_of_day",
    "plan_state",
    "rows_as_at",
    "standing_rows",
]
