"""python manage.py readiness: a plan's inspection readiness, printed."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from progress.plan_state import end_of_day
from progress.readiness import Readiness, plan_readiness
from sendplan.models import Plan
from sendplan.months import BadMonthOrDate, month_label, month_words, parse_iso_date


class Command(BaseCommand):
    help = (
        "Print a plan's inspection readiness: what an inspector would find weak, priority by "
        "priority, each priority's score (checks passed of checks applicable) and its trend "
        "by month. For the month the plan's pages open on; --as-at reads the plan as it "
        "stood at the end of a day. Writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="The plan's slug.")
        parser.add_argument(
            "--as-at",
            dest="as_at",
            help="The plan as it stood at the end of this day (YYYY-MM-DD). Default: now.",
        )

    def handle(self, *args, plan, as_at, **options):
        plan_obj = Plan.objects.select_related("area").filter(slug=plan).first()
        if plan_obj is None:
            raise CommandError(f'There is no plan with the slug "{plan}".')
        moment = None
        if as_at:
            try:
                day = parse_iso_date(as_at)
            except BadMonthOrDate as error:
                raise CommandError(f"--as-at: {error}") from None
            if day > timezone.localdate():
                raise CommandError("--as-at: Enter a date that is today or in the past.")
            moment = end_of_day(day)
        self.stdout.write("\n".join(readiness_text(plan_readiness(plan_obj, as_at=moment))))


def readiness_text(readiness: Readiness) -> list[str]:
    plan = readiness.plan
    heading = (
        f"Inspection readiness: {plan.title} ({plan.area.name}), {month_words(readiness.month)}"
    )
    if readiness.as_at:
        heading += f", as at {timezone.localtime(readiness.as_at):%-d %B %Y}"
    lines = [heading, f"Whole plan: {readiness.score.words}.", ""]
    for section in readiness.priorities:
        priority = section.priority
        lines.append(priority.label)
        lines.append(f"  Score: {section.score.words}.")
        trend = "; ".join(
            f"{month_label(s.month)} {s.passed} of {s.applicable}" for s in section.trend
        )
        lines.append(f"  Trend: {trend}.")
        for finding in section.findings:
            where = f"{finding.issue_ref} " if finding.issue_ref else ""
            text = " ".join(finding.text.split())
            text = text if len(text) <= 90 else text[:89] + "…"
            lines.append(f'  - {where}{finding.kind} "{text}": {finding.words}')
        if not section.findings:
            lines.append("  Nothing found weak.")
        lines.append("")
    if not readiness.priorities:
        lines.append("The plan has no priorities yet.")
    return lines
