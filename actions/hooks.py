"""Where an app above actions tells the plan's rules how much evidence an action has.

A plan may require evidence before an action is rated Blue
(``Plan.evidence_required_for_blue``). Evidence lives in an app above this one, which
registers its count from its ``AppConfig.ready()``; actions never imports it. Without a
registered count there is no evidence to require, and the rule is not applied.
"""

from __future__ import annotations

from collections.abc import Callable

from sendplan.models import Plan
from sendplan.ratings import BRAGG

_evidence_count: Callable[[int], int] | None = None

BLUE_NEEDS_EVIDENCE = (
    "Add evidence for this action before rating it Blue: this plan asks for evidence "
    "of every completed action"
)


def set_evidence_count(count: Callable[[int], int]) -> None:
    """``count(action_id)``: the action's current (not withdrawn) evidence."""
    global _evidence_count
    _evidence_count = count


def blue_needs_evidence(status: str, action_id: int | None) -> bool:
    """Whether rating the action ``status`` is refused for want of evidence."""
    if status != BRAGG.BLUE or action_id is None or _evidence_count is None:
        return False
    required = Plan.objects.filter(actions__id=action_id, evidence_required_for_blue=True)
    return required.exists() and _evidence_count(action_id) == 0
