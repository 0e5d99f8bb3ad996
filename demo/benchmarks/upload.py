"""The benchmark's evidence upload: a lead attaches a 20 MB PDF to an action they lead,
through the item's evidence page, as the browser would post it (multipart form, checks
of the content, storage, SHA-256, the history row, the redirect).

Each upload is removed again afterwards, file and rows, so the installation is left as
it was.
"""

from __future__ import annotations

import os
import statistics
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionLead
from sendplan.models import Plan

from .measure import _benchmark_settings

PDF_HEAD = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
PDF_TAIL = b"\n%%EOF\n"


def _body(size: int) -> bytes:
    # Incompressible content, as scanned documents are, between a PDF's head and tail.
    return PDF_HEAD + os.urandom(size - len(PDF_HEAD) - len(PDF_TAIL)) + PDF_TAIL


def measure_upload(*, plan: Plan, user, size: int = 20 * 1024 * 1024, repeat: int = 3) -> dict:
    from evidence.models import Evidence, evidence_storage

    led = (
        ActionLead.objects.filter(plan=plan, person__user=user)
        .values_list("action_id", flat=True)
        .first()
    )
    if led is None:
        return {"note": f"{user.username} leads no action in {plan.slug}"}
    url = reverse(
        "evidence:item", kwargs={"plan_slug": plan.slug, "kind": "action", "item_id": led}
    )
    today = timezone.localdate()
    samples = []
    added = []
    try:
        with _benchmark_settings():
            client = Client()
            client.force_login(user)  # signing in is not what is timed
            for n in range(repeat):
                upload = SimpleUploadedFile(
                    f"benchmark upload {n}.pdf", _body(size), content_type="application/pdf"
                )
                data = {
                    "kind": "file",
                    "file": upload,
                    "title": f"Benchmark upload {n}",
                    "dated_0": today.day,
                    "dated_1": today.month,
                    "dated_2": today.year,
                }
                started = time.perf_counter()
                response = client.post(url, data, secure=True)
                samples.append(time.perf_counter() - started)
                if response.status_code != 302:
                    return {"note": f"answered {response.status_code}, not the redirect"}
                found = Evidence.objects.filter(plan=plan, title=f"Benchmark upload {n}").first()
                if found is None:
                    return {"note": "the upload was not recorded"}
                added.append(found)
    finally:
        storage = evidence_storage()
        for evidence in added:
            Evidence.history.filter(id=evidence.pk).delete()
            Evidence.objects.filter(pk=evidence.pk).delete()
            storage.delete(evidence.file.name)
    return {
        "mb": size / 1024 / 1024,
        "median": statistics.median(samples),
        "worst": max(samples),
        "repeat": repeat,
    }


def format_upload(figure: dict) -> str:
    if "median" not in figure:
        return f"Evidence upload: {figure.get('note')}"
    return (
        f"Evidence upload ({figure['mb']:g} MB PDF by a lead, through the page, "
        f"{figure['repeat']} times): median {figure['median']:.2f} s, worst "
        f"{figure['worst']:.2f} s"
    )
