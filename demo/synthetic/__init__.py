"""Synthetic areas for scale tests and benchmarks (``manage.py generate_demo_data``).

Each area gets a Darlington-shaped plan: two priorities, sixteen issues to be addressed,
about 45 actions with one or two leads and about 70 outcome targets, a BRAGG status for
every action and a RAG impact rating for every target in every month, a story so far entry
for every issue in every month, reporting months (the last one open), three forums with
members and their meetings, and logins for every role (``area07-lead1``, ``area07-pm``...).

Everything comes from ``random.Random(seed)`` drawn in a fixed order, and every date from
the months, never from the clock, so the same arguments make the same rows. The audit
history is realistic: each row's history is dated in the month it describes and names the
user who would have written it; a quarter of the ratings were saved as a draft first; some
actions slipped (their due month revised) and many were completed, each a dated change.

Speed matters (50 areas x 36 months in minutes), so rows are written with simple-history's
``bulk_create_with_history`` and ``bulk_update_with_history`` (``bulk``): they write the
history rows themselves, with a user and a change reason, so nothing here bypasses the
audit trail.

``words`` holds what areas are drawn from, ``people`` who is in them, ``structure`` their
plan, ``monthly`` their months and ``generate`` puts an area together.
"""

from .bulk import CHANGE_REASON, area_slug, at
from .generate import AreaWriter, Result, generate_areas, system_user
from .words import DEFAULT_START

__all__ = [
    "CHANGE_REASON",
    "DEFAULT_START",
    "AreaWriter",
    "Result",
    "area_slug",
    "at",
    "generate_areas",
    "system_user",
]
