"""python manage.py build_bundle: a plan's monitoring-visit bundle as a ZIP file."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from progress.plan_state import end_of_day
from sendplan.models import Plan

from ...bundles import collect, write_bundle
from ...pdf.render import ReportRenderError


class Command(BaseCommand):
    help = (
        "Write a plan's monitoring-visit bundle (index.pdf and the evidence files in folders "
        "by reference, as at a date) to a ZIP file, without recording it. The pages under "
        "/plans/<plan>/bundles/ build recorded, frozen bundles."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="The plan's slug.")
        parser.add_argument(
            "--priority",
            help="Only this priority, by its number or reference as the plan writes it.",
        )
        parser.add_argument(
            "--as-at",
            dest="as_at",
            help="The plan and its evidence as they stood at the end of this day "
            "(YYYY-MM-DD). Default: now.",
        )
        parser.add_argument("-o", "--output", required=True, help="The ZIP file to write.")

    def handle(self, *args, plan, priority, as_at, output, **options):
        plan_obj = Plan.objects.select_related("area").filter(slug=plan).first()
        if plan_obj is None:
            raise CommandError(f'There is no plan with the slug "{plan}".')
        priority_id = None
        if priority:
            found = priority_by_reference(plan_obj, priority)
            if found is None:
                known = ", ".join(priority_reference(p) for p in plan_obj.priorities.all())
                raise CommandError(
                    f'The plan has no priority "{priority}". Its priorities are: {known or "none"}.'
                )
            priority_id = found.pk
        moment = None
        if as_at:
            try:
                moment = end_of_day(dt.date.fromisoformat(as_at))
            except ValueError:
                raise CommandError(
                    f'Enter --as-at as a date such as 2023-06-30, not "{as_at}".'
                ) from None
        path = Path(output)
        started = time.perf_counter()
        try:
            content = collect(plan_obj, priority_id=priority_id, as_at=moment)
            # Written beside the target and moved into place: no half-written bundle.
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".part") as out:
                part = Path(out.name)
                built = write_bundle(out, content)
            os.replace(part, path)
        except (ReportRenderError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc.strerror}.") from None
        finally:
            if "part" in locals() and part.exists():
                part.unlink()
        self.stdout.write(
            f"Wrote {path}: {built.file_count} evidence files, {built.link_count} links, "
            f"index {built.index_pages} pages, {built.size:,} bytes, SHA-256 {built.sha256}, "
            f"in {time.perf_counter() - started:.1f} s"
        )


def priority_reference(priority) -> str:
    """How the command names a priority: its reference as the plan writes it, else its
    place in the plan."""
    return priority.ref or str(priority.number)


def priority_by_reference(plan, text: str):
    """The priority ``text`` names: by its reference as written, else by its place."""
    wanted = text.strip().casefold()
    priorities = list(plan.priorities.all())
    return next(
        (p for p in priorities if priority_reference(p).casefold() == wanted),
        next((p for p in priorities if str(p.number) == wanted), None),
    )
