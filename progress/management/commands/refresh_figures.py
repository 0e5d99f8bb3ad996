"""python manage.py refresh_figures: work out every plan's kept figures ahead of visitors."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from progress.figures import forget, plan_figures
from sendplan.models import Plan

BATCH = 25  # plans worked out together: a fixed number of queries each, bounded memory


class Command(BaseCommand):
    help = (
        "Work out and keep every plan's headline figures (BRAGG and RAG counts, overdue "
        "actions, the readiness score and trend) that the advisers' page and the readiness "
        "page read, so that no visitor waits for them: after a release, or nightly. Plans "
        "whose kept figures still hold are left alone unless --all."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Work out every plan's, even those that hold."
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        plans = list(Plan.objects.select_related("area").order_by("id"))
        for first in range(0, len(plans), BATCH):
            batch = plans[first : first + BATCH]
            if options["all"]:
                forget([p.id for p in batch])
            plan_figures(batch)
        self.stdout.write(
            f"Figures kept for {len(plans)} plans in {time.perf_counter() - started:.1f} s."
        )
