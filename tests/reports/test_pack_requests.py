"""Issuing a pack through the background worker: the page answers at once, the worker
builds and issues the pack, e-mails whoever asked, and a failure is shown with a retry."""

import datetime as dt
import os
import socket
from unittest import mock

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from reports.models import IssuedReport, PackBuild, PackRequest
from reports.pdf.render import ReportRenderError
from reports.tasks import build_pack
from sendplan.background import requeue_abandoned
from tests.builders import build_quarter_plan

from .pdf_support import quarterly_forum

QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def forum(plan_a):
    build_quarter_plan(plan_a)
    return quarterly_forum(plan_a.area, plan_a)


def _url(name, forum, **kwargs):
    return reverse(
        f"reports:{name}", kwargs={"area_slug": forum.area.slug, "forum_slug": forum.slug, **kwargs}
    )


def _ask(client, forum, summary="A steady quarter."):
    return client.post(
        _url("report_issue", forum), {"period": "2023-Q1", "meeting": "", "summary": summary}
    )


@override_settings(TASKS=QUEUE)
def test_the_page_answers_at_once_and_the_worker_issues_the_pack(
    client, forum, programme_manager_a
):
    programme_manager_a.email = "pm@example.org"
    programme_manager_a.save()
    client.force_login(programme_manager_a)

    response = _ask(client, forum)

    pack_request = PackRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == pack_request.get_absolute_url()
    assert not IssuedReport.objects.exists()
    waiting = client.get(response["Location"]).content.decode()
    assert "Queued: waiting for the background worker." in waiting
    assert "data-refresh-seconds" in waiting
    forum_page = client.get(_url("forum_reports", forum)).content.decode()
    assert "Packs not yet issued" in forum_page
    assert pack_request.get_absolute_url() in forum_page
    # What the worker runs: the task queued in the database.
    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [pack_request.pk], "kwargs": {}}

    assert build_pack.call(pack_request.pk) == PackBuild.ISSUED

    pack_request.refresh_from_db()
    report = IssuedReport.objects.get()
    assert pack_request.report == report and pack_request.attempts == 1
    assert report.commentary == "A steady quarter."
    assert report.as_at == pack_request.as_at
    done = client.get(pack_request.get_absolute_url()).content.decode()
    assert "Issued" in done and report.get_absolute_url() in done
    assert "data-refresh-seconds" not in done
    assert "Packs not yet issued" not in client.get(_url("forum_reports", forum)).content.decode()
    (message,) = mail.outbox
    assert message.to == ["pm@example.org"]
    assert message.subject == f"Issued: {report.title}"
    assert pack_request.get_absolute_url() in message.body


def test_with_a_quick_worker_the_programme_manager_lands_on_the_issued_list(
    client, forum, programme_manager_a
):
    # The test settings run tasks at once, as a worker that is free would.
    client.force_login(programme_manager_a)
    response = _ask(client, forum)
    assert response["Location"] == _url("forum_reports", forum)
    assert "was issued" in client.get(response["Location"]).content.decode()


@override_settings(TASKS=QUEUE)
def test_a_build_that_fails_says_so_and_a_retry_issues_the_same_pack(
    client, forum, programme_manager_a
):
    client.force_login(programme_manager_a)
    _ask(client, forum, summary="Kept for the retry.")
    pack_request = PackRequest.objects.get()

    with mock.patch(
        "reports.services.build_report", side_effect=ReportRenderError("fonts missing")
    ):
        assert build_pack.call(pack_request.pk) == PackBuild.FAILED

    page = client.get(pack_request.get_absolute_url()).content.decode()
    assert "The pack was not issued" in page
    assert "The pack could not be built, so nothing was issued" in page
    assert "Try again" in page
    assert not IssuedReport.objects.exists()

    response = client.post(_url("pack_request_retry", forum, request_id=pack_request.pk))
    assert response["Location"] == pack_request.get_absolute_url()
    pack_request.refresh_from_db()
    assert pack_request.status == PackBuild.QUEUED
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 2

    build_pack.call(pack_request.pk)
    pack_request.refresh_from_db()
    assert pack_request.status == PackBuild.ISSUED and pack_request.attempts == 2
    assert IssuedReport.objects.get().commentary == "Kept for the retry."
    reasons = list(
        pack_request.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons == [
        "Pack requested",
        "Pack build started",
        "Pack build failed",
        "Retry asked",
        "Pack build started",
        "Pack issued",
    ]


@override_settings(TASKS=QUEUE)
def test_running_the_task_twice_issues_the_pack_once(client, forum, programme_manager_a):
    client.force_login(programme_manager_a)
    _ask(client, forum)
    pack_request = PackRequest.objects.get()
    build_pack.call(pack_request.pk)
    assert build_pack.call(pack_request.pk) == PackBuild.ISSUED
    assert IssuedReport.objects.count() == 1


@override_settings(TASKS=QUEUE)
def test_only_those_who_issue_packs_see_a_request_and_other_areas_get_404(
    client, forum, programme_manager_a, viewer_a, lead_b
):
    client.force_login(programme_manager_a)
    _ask(client, forum)
    pack_request = PackRequest.objects.get()
    url = pack_request.get_absolute_url()
    retry_url = _url("pack_request_retry", forum, request_id=pack_request.pk)
    client.force_login(viewer_a)
    assert client.get(url).status_code == 403
    assert client.post(retry_url).status_code == 403
    client.force_login(lead_b)
    assert client.get(url).status_code == 404
    assert client.post(retry_url).status_code == 404


def _running_task(worker_id, started_at):
    task = DBTaskResult.objects.create(
        task_path="reports.tasks.build_pack",
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
        status=TaskResultStatus.RUNNING,
        started_at=started_at,
        worker_ids=[worker_id],
    )
    return task


def test_a_task_left_running_by_a_worker_that_is_gone_is_queued_again(db):
    here = socket.gethostname()[:40]
    now = timezone.now()
    dead = _running_task(f"{here}:999999999:abc", now)
    alive = _running_task(f"{here}:{os.getpid()}:abc", now)
    elsewhere = _running_task("another-host:12:abc", now)
    lost = _running_task("another-host:12:abc", now - dt.timedelta(hours=2))

    assert requeue_abandoned() == 2

    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[dead.pk] == statuses[lost.pk] == TaskResultStatus.READY
    assert statuses[alive.pk] == statuses[elsewhere.pk] == TaskResultStatus.RUNNING
