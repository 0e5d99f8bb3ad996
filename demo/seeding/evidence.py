"""Darlington's example evidence: a handful of small files and a link on its actions and
targets, so the readiness page, the items' evidence and a monitoring-visit bundle have
something real-looking. Every piece is marked as example data (``is_example``, a title
beginning "Example", and the words "EXAMPLE DATA" inside each file) and goes through the
same checks as an upload (``evidence.services``), dated in the demo's past.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File

from actions.models import Action
from evidence import services
from evidence.models import Evidence
from outcomes.models import OutcomeTarget
from sendplan.models import Plan

from .months import rated_at
from .writer import PartResult

EVIDENCE_DIR = Path(settings.BASE_DIR) / "fixtures" / "evidence"


@dataclass(frozen=True)
class ExampleEvidence:
    kind: str  # "action" or "target": the first of its kind under the issue
    issue_ref: str
    title: str
    dated: dt.date
    added: dt.datetime
    file: str = ""  # a file in fixtures/evidence/, or
    url: str = ""  # a link
    description: str = ""


EXAMPLES = (
    ExampleEvidence(
        "action",
        "1.1",
        "Example: consultation with parents and carers, summary of responses",
        dt.date(2022, 11, 30),
        rated_at(dt.date(2022, 12, 1), 5),
        url="https://www.example.org/darlington-send-consultation-summary",
        description="Example data: a link standing for where the summary is kept.",
    ),
    ExampleEvidence(
        "action",
        "1.3",
        "Example: SEND Implementation Group minutes, March 2023",
        dt.date(2023, 3, 14),
        rated_at(dt.date(2023, 3, 1), 20),
        file="example-sig-minutes-2023-03.pdf",
        description="Example data: minutes recording the strategy's agreement.",
    ),
    ExampleEvidence(
        "target",
        "1.3",
        "Example: EHCP timeliness data return, October 2022 to March 2023",
        dt.date(2023, 3, 31),
        rated_at(dt.date(2023, 4, 1), 6),
        file="example-ehcp-timeliness-2022-23.xlsx",
    ),
    ExampleEvidence(
        "target",
        "1.2",
        "Example: SEND dashboard as presented to commissioners, March 2023",
        dt.date(2023, 3, 14),
        rated_at(dt.date(2023, 3, 1), 21),
        file="example-sig-minutes-2023-03.pdf",
    ),
)


def seed_example_evidence(plan: Plan, *, manager: str) -> PartResult:
    """Adds the examples once; run again, it leaves what is there. Each is added by the
    login of the item's first lead who has one, else by the programme manager."""
    result = PartResult("Darlington example evidence")
    if Evidence.objects.filter(plan=plan, is_example=True).exists():
        return result
    fallback = get_user_model().objects.get(username=manager)
    for example in EXAMPLES:
        obj = _item(plan, example)
        item = services.plan_item(plan, example.kind, obj.pk)
        user = _lead_login(obj) or fallback
        common = {
            "user": user,
            "title": example.title,
            "dated": example.dated,
            "description": example.description,
            "is_example": True,
            "added_at": example.added,
        }
        if example.file:
            with (EVIDENCE_DIR / example.file).open("rb") as handle:
                services.add_file(item, File(handle, name=example.file), **common)
        else:
            services.add_link(item, url=example.url, **common)
        result.counts["pieces of evidence"] += 1
    return result


def _item(plan: Plan, example: ExampleEvidence):
    model = Action if example.kind == "action" else OutcomeTarget
    return model.objects.filter(plan=plan, issue__ref=example.issue_ref).order_by("pk").first()


def _lead_login(obj):
    action = obj if isinstance(obj, Action) else obj.action
    if action is None:
        return None
    for row in action.lead_rows.select_related("person__user").order_by("pk"):
        if row.person.user is not None:
            return row.person.user
    return None
