"""`manage.py run_worker`: the background worker (django-tasks' database worker).

Before it takes its first task it queues again the tasks a stopped worker left running
(sendplan/background.py), so a worker killed mid-task and started again finishes the
work. Any number of workers may share the queue: each claims a task with a row lock.
"""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from sendplan.background import new_worker_id, requeue_abandoned


class Command(DBWorkerCommand):
    help = (
        "Run the background worker (packs, bundles). Queues again the tasks a stopped "
        "worker left running, then takes tasks until stopped."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # The worker id says which machine and process holds a task (host:pid:random),
        # so that a worker started later can tell that the holder is gone.
        parser.set_defaults(worker_id=new_worker_id(), reload=False)
        parser.add_argument(
            "--no-requeue",
            action="store_false",
            dest="requeue",
            help="Do not queue again the tasks a stopped worker left running.",
        )

    def handle(self, *args, requeue: bool = True, **options):
        if requeue:
            count = requeue_abandoned()
            if count:
                self.stdout.write(f"Queued again {count} task(s) a stopped worker left running.")
        super().handle(*args, **options)
