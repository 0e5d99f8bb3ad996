"""What evidence adds to the pages of the apps below it (registered in EvidenceConfig.ready()):
the count behind the plan's "evidence before Blue" rule, a meeting's decisions' evidence,
and the programme manager's home panel with the area's space used."""

from __future__ import annotations

from django.urls import reverse

from sendplan.access import Can
from sendplan.hooks import Panel
from sendplan.ratings import BRAGG

from .models import Evidence, evidence_as_at
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


def blue_without_evidence(state, month) -> set[int]:
    """Readiness: the Blue actions (latest rating up to ``month``) with no current
    evidence, where the plan requires evidence for Blue; as the plan stood at its "as at"
    moment when the state is read as at one."""
    if not state.plan.evidence_required_for_blue:
        return set()
    blue = set()
    for action in state.actions:
        latest = next((r for r in action.ratings if r.is_submitted and r.month <= month), None)
        if latest is not None and latest.value == BRAGG.BLUE:
            blue.add(action.id)
    if not blue:
        return set()
    if state.as_at is None:
        with_evidence = set(
            Evidence.objects.current()
            .filter(action_id__in=blue)
            .values_list("action_id", flat=True)
        )
    else:
        with_evidence = {
            e.action_id
            for e in evidence_as_at(state.as_at, plan=state.plan, action_id__in=blue)
            if not e.is_withdrawn
        }
    return blue - with_evidence
