"""Who may add and withdraw evidence, the download, the history, the quota and the
plan's "evidence before Blue" rule."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import check_bragg_rules
from evidence import services
from evidence.models import Evidence, evidence_as_at

from . import files
from .conftest import client_for, stored_files

pytestmark = pytest.mark.django_db


def item_url(world) -> str:
    return reverse("evidence:item", args=[world.plan.slug, "action", world.action.pk])


def add(world, user="lead", data=files.PDF, name="minutes.pdf"):
    return client_for(world.users[user]).post(
        item_url(world),
        {
            "kind": "file",
            "file": files.upload(data, name),
            "title": "Board minutes",
            "dated_0": "14",
            "dated_1": "3",
            "dated_2": "2023",
        },
    )


def test_another_area_gets_not_found(world):
    add(world)
    evidence = Evidence.objects.get()
    outsider = client_for(world.users["outsider"])
    assert outsider.get(item_url(world)).status_code == 404
    download = reverse("evidence:download", args=[world.area.slug, evidence.pk])
    assert outsider.get(download).status_code == 404
    # Area B's own address with area A's evidence is not found either.
    assert (
        outsider.get(
            reverse("evidence:download", args=[world.area_b.slug, evidence.pk])
        ).status_code
        == 404
    )


def test_a_viewer_reads_but_cannot_add_or_withdraw(world):
    add(world)
    evidence = Evidence.objects.get()
    viewer = client_for(world.users["viewer"])
    page = viewer.get(item_url(world)).content.decode()
    assert "Board minutes" in page and "Add evidence" not in page
    assert add(world, user="viewer").status_code == 403
    withdraw = reverse("evidence:withdraw", args=[world.area.slug, evidence.pk])
    assert viewer.post(withdraw, {"reason": "no"}).status_code == 403
    assert Evidence.objects.count() == 1
    assert Evidence.objects.current().count() == 1


def test_a_lead_adds_only_to_items_they_lead_and_the_programme_manager_anywhere(world):
    assert add(world, user="other_lead").status_code == 403
    assert add(world, user="lead").status_code == 302
    assert add(world, user="pm").status_code == 302
    assert Evidence.objects.count() == 2


def test_the_download_is_the_same_bytes_as_an_attachment_that_cannot_run(world):
    data = files.docx()
    add(world, data=data, name="Board minutes.docx")
    evidence = Evidence.objects.get()
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()

    response = client_for(world.users["viewer"]).get(
        reverse("evidence:download", args=[world.area.slug, evidence.pk])
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Board minutes.docx" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_withdrawing_keeps_the_file_and_the_history_and_the_page_as_at_shows_it(world):
    add(world)
    evidence = Evidence.objects.get()
    before = evidence.history.get().history_date
    url = reverse("evidence:withdraw", args=[world.area.slug, evidence.pk])
    lead = client_for(world.users["lead"])

    refused = lead.post(url, {"reason": ""})
    assert "Enter the reason the evidence is withdrawn" in refused.content.decode()
    assert lead.post(url, {"reason": "Wrong meeting's minutes"}).status_code == 302

    evidence.refresh_from_db()
    assert evidence.is_withdrawn and evidence.withdrawn_reason == "Wrong meeting's minutes"
    assert Evidence.objects.for_item(world.action).current().count() == 0
    assert len(stored_files(world.folder)) == 1
    reasons = [h.history_change_reason for h in evidence.history.order_by("history_date")]
    assert reasons == ["Evidence added", "Withdrawn: Wrong meeting's minutes"]
    [then] = evidence_as_at(before, action_id=world.action.pk)
    assert not then.is_withdrawn


def test_the_area_quota_refuses_a_file_that_would_go_over_it(world, settings):
    settings.SENDPLAN_EVIDENCE_QUOTA_BYTES = len(files.PDF) + 10
    assert add(world).status_code == 302
    response = add(world, name="second.pdf")
    assert "over its space for evidence" in response.content.decode()
    assert Evidence.objects.count() == 1
    assert len(stored_files(world.folder)) == 1
    assert services.usage(world.area).used == len(files.PDF)


def test_blue_needs_evidence_when_the_plan_says_so(world):
    completed = dt.date(2023, 4, 1)
    check_bragg_rules("blue", "", completed, action_id=world.action.pk)  # off: fine
    world.plan.evidence_required_for_blue = True
    world.plan.save()
    with pytest.raises(ValidationError, match="Add evidence for this action before rating"):
        check_bragg_rules("blue", "", completed, action_id=world.action.pk)
    check_bragg_rules("green", "", None, action_id=world.action.pk)
    add(world)
    check_bragg_rules("blue", "", completed, action_id=world.action.pk)
