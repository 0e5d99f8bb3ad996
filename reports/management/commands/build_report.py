"""python manage.py build_report: one forum's progress statement as a PDF file."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from governance.models import Forum
from governance.periods import parse_period_for_cadence
from progress.plan_state import end_of_day
from sendplan.models import Plan

from ...pdf.benchmark import format_timings, measure_report
from ...pdf.build import build_report
from ...pdf.render import ReportRenderError


class Command(BaseCommand):
    help = (
        "Build a forum's progress statement for a period as a PDF file, without issuing it: "
        "the SEND Implementation Group's monthly highlight report (--period 2023-04), the "
        "SEND Assurance Executive's quarterly progress statement (--period 2023-Q1, calendar "
        "quarters) or the Health and Wellbeing Board's annual statement (--period 2023). "
        "Use it to check a report, or to time one with --timings. Writes only the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="The plan's slug.")
        parser.add_argument("--forum", required=True, help="The forum's slug in the plan's area.")
        parser.add_argument(
            "--period",
            required=True,
            help='"2023-04" (a month), "2023-Q1" (a calendar quarter) or "2023" (a year).',
        )
        parser.add_argument(
            "--as-at",
            dest="as_at",
            help="Build from the plan as it stood at the end of this day (YYYY-MM-DD). "
            "Default: as it stands now.",
        )
        parser.add_argument("-o", "--output", required=True, help="The PDF file to write.")
        parser.add_argument(
            "--user", help="Username shown as having generated the report (default: none)."
        )
        parser.add_argument(
            "--timings",
            action="store_true",
            help="Also print how long each step took (queries, charts, templating, layout, "
            "writing) and the page count.",
        )

    def handle(self, *args, plan, forum, period, as_at, output, user, timings, **options):
        plan_obj = Plan.objects.select_related("area").filter(slug=plan).first()
        if plan_obj is None:
            raise CommandError(f'There is no plan with the slug "{plan}".')
        forum_obj = Forum.objects.filter(area=plan_obj.area, slug=forum).first()
        if forum_obj is None:
            slugs = ", ".join(
                Forum.objects.filter(area=plan_obj.area).values_list("slug", flat=True)
            )
            raise CommandError(
                f'There is no forum "{forum}" in {plan_obj.area.name}. '
                f"Its forums are: {slugs or 'none'}."
            )
        try:
            period_obj = parse_period_for_cadence(period, forum_obj.cadence, forum_obj.name)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        as_at_moment = None
        if as_at:
            try:
                as_at_moment = end_of_day(dt.date.fromisoformat(as_at))
            except ValueError:
                raise CommandError(
                    f'Enter --as-at as a date such as 2023-04-30, not "{as_at}".'
                ) from None
        user_obj = None
        if user:
            user_obj = get_user_model().objects.filter(username=user).first()
            if user_obj is None:
                raise CommandError(f'There is no user called "{user}".')

        try:
            built = build_report(
                plan=plan_obj,
                forum=forum_obj,
                period=period_obj,
                as_at=as_at_moment,
                user=user_obj,
                is_preview=True,
            )
        except ReportRenderError as exc:
            raise CommandError(str(exc)) from None
        path = Path(output)
        try:
            path.write_bytes(built.pdf.content)
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc.strerror}.") from None
        digest = hashlib.sha256(built.pdf.content).hexdigest()
        self.stdout.write(
            f"Wrote {path}: {built.data.title}, {built.pdf.page_count} pages, "
            f"{len(built.pdf.content):,} bytes, SHA-256 {digest}"
        )
        if timings:
            result = measure_report(
                plan=plan_obj, forum=forum_obj, period=period_obj, as_at=as_at_moment
            )
            self.stdout.write(format_timings(result))
