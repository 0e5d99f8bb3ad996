"""Darlington's example public summary for families, published at
/public/darlington/darlington-wsoa-2023/ and marked "Example"."""

from __future__ import annotations

from public import services
from public.models import SummaryVersion
from sendplan.history import save_with_history
from sendplan.models import Plan
from sendplan.ratings import BRAGG

from .writer import PartResult

EXAMPLE = (
    "This is example text. We are working on this. We meet families each month. "
    "We check what we do against what they tell us."
)
CHANGED = "Example: you now get a reply from us within two weeks."


def seed_public_summary(plan: Plan, *, user) -> PartResult:
    """Publishes the example once; run again, it leaves what is there."""
    result = PartResult("Darlington example public summary")
    if SummaryVersion.objects.published().filter(summary__plan=plan).exists():
        return result
    draft = services.get_draft(plan=plan, user=user)
    for account in draft.accounts.all():
        account.account = EXAMPLE
        account.changed_for_families = CHANGED
        account.status = BRAGG.AMBER
        save_with_history(account, user=user, reason="Example")
        result.counts["priority accounts"] += 1
    services.publish_summary(plan=plan, user=user, is_example=True)
    result.counts["published summaries"] += 1
    return result
