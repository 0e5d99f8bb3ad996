"""The background worker's bookkeeping: whose task is it, and which tasks were abandoned.

Tasks (building a pack, a bundle) run in `manage.py run_worker`, django-tasks' database
worker under a worker id that says where it runs ("host:pid:random"). django-tasks marks a
task RUNNING when a worker claims it and never looks at it again, so a worker killed
mid-task would leave it RUNNING for ever. When a worker starts, it queues again every
task that is RUNNING and either was claimed by a process of this machine that is gone, or
started longer ago than ``SENDPLAN_TASK_LEASE_SECONDS`` (a worker on a machine that was
lost). The tasks themselves are written so that running one twice does its work once.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("sendplan.background")


def new_worker_id() -> str:
    """A worker id that says which machine and process holds a task (at most 64 chars)."""
    host = socket.gethostname()[:40]
    return f"{host}:{os.getpid()}:{get_random_string(8)}"


def _process_is_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def is_abandoned(task: DBTaskResult, *, now: dt.datetime, here: str) -> bool:
    """Whether a RUNNING task's worker is known to be gone, or its lease has run out."""
    lease = dt.timedelta(seconds=settings.SENDPLAN_TASK_LEASE_SECONDS)
    if task.started_at is None or task.started_at < now - lease:
        return True
    owner = task.worker_ids[-1] if task.worker_ids else ""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    return host == here and pid.isdigit() and _process_is_gone(int(pid))


def requeue_abandoned() -> int:
    """Put abandoned RUNNING tasks back in the queue; returns how many. (The task table is
    django-tasks' own bookkeeping, not the plan's record: it keeps no history.)"""
    now, here = timezone.now(), socket.gethostname()[:40]
    count = 0
    with transaction.atomic():
        running = DBTaskResult.objects.running().select_for_update(skip_locked=True)
        for task in running.only("id", "status", "started_at", "worker_ids"):
            if is_abandoned(task, now=now, here=here):
                task.status = TaskResultStatus.READY
                task.started_at = None
                task.save(update_fields=["status", "started_at"])
                count += 1
    if count:
        logger.warning("Queued again %s task(s) a stopped worker left running", count)
    return count
