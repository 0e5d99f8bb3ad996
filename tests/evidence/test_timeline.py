"""The issue's timeline tells when evidence was added and withdrawn, and by whom."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from evidence import services
from tests.evidence.conftest import client_for

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _timeline(world, **query):
    url = reverse(
        "reports:issue_detail", kwargs={"plan_slug": world.plan.slug, "ref": world.issue.ref}
    )
    response = client_for(world.users["viewer"]).get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_issue_timeline_shows_evidence_added_and_withdrawn_with_who(world):
    item = services.plan_item(world.plan, "action", world.action.pk)
    lead = world.users["lead"]
    lead.first_name, lead.last_name = "Lena", "Lead"
    lead.save()
    added = services.add_file(
        item,
        SimpleUploadedFile("audit.pdf", PDF),
        user=lead,
        title="Placement audit, March",
        dated=dt.date(2023, 3, 14),
        # Recorded as added tomorrow: the page as at today shows the issue without it.
        added_at=timezone.now() + dt.timedelta(days=1),
    )
    page = _timeline(world)
    assert "Evidence added: a file" in page
    assert "Placement audit, March" in page
    assert "Lena Lead" in page

    today = timezone.localdate()
    assert "Placement audit, March" not in _timeline(world, as_at=today.isoformat())

    services.withdraw(added, user=world.users["pm"], reason="Superseded by the June audit")
    page = _timeline(world)
    assert "Evidence withdrawn" in page
    assert "Superseded by the June audit" in page
