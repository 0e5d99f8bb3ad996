"""What evidence adds to the pages of the apps below it (registered in EvidenceConfig.ready()):
the count behind the plan's "evidence before Blue" rule, a meeting's decisions' evidence,
and the programme manager's home panel with the area's space used."""

from __future__ import annotations

from django.urls import reverse

from sendplan.access import Can
from sendplan.hooks import Panel

from .models import Evidence
from .services import usage


def action_evidence_count(action_id: int) -> int:
    return Evidence.objects.current().filter(action_id=action_id).count()


def meeting_evidence(meeting) -> dict:
    """Each decision of the meeting's current evidence and the link to add more."""
    rows = Evidence.objects.current().filter(decision__meeting=meeting)
    by_decision: dict[int, list] = {}
    for row in rows:
        by_decision.setdefault(row.decision_id, []).append(row)
    return {"decision_evidence": by_decision}


def quota_panels(request, access, plans) -> list[Panel]:
    if not access.can(Can.UPDATE_ANY):
        return []
    now = usage(access.area)
    count = Evidence.objects.filter(area=access.area).current().count()
    lines = [
        f"{count} piece{'s' if count != 1 else ''} of evidence; {now.words} of the "
        f"area's space for evidence files used ({now.percent}%)."
    ]
    links = [
        (
            "See the evidence",
            reverse("evidence:area_evidence", kwargs={"area_slug": access.area.slug}),
        )
    ]
    return [Panel("Evidence", lines, links, order=60)]
