"""What the home page says about the plan's reports: the latest issued pack, one click to
download, and the dashboard; for the programme manager, the inspection readiness check.
Registered in ReportsConfig.ready()."""

from __future__ import annotations

from django.urls import reverse

from reports.models import IssuedReport
from sendplan.access import ADVISER, Can
from sendplan.hooks import Panel


def report_panels(request, access, plans) -> list[Panel]:
    panels = []
    latest = (
        IssuedReport.objects.without_content()
        .filter(plan__in=plans)
        .select_related("forum__area", "plan")
        .order_by("-issued_at")
        .first()
    )
    for plan in plans:
        links = [("Open the dashboard", reverse("reports:dashboard", args=[plan.slug]))]
        lines = []
        if latest is not None and latest.plan_id == plan.id:
            lines.append(
                f"Latest issued pack: {latest.title}, issued {latest.issued_at:%-d %B %Y} "
                f"({latest.page_count} pages)."
            )
            links.insert(
                0, (f"Download {latest.period_label} pack (PDF)", latest.get_absolute_url())
            )
        elif latest is None:
            lines.append(
                "No pack has been issued yet: the programme manager issues one for a meeting "
                "from the forum's page."
            )
        if access.can(Can.MANAGE_MONTHS):
            links.append(
                ("Check inspection readiness", reverse("reports:readiness", args=[plan.slug]))
            )
        if ADVISER in access.roles:
            links.append(("Compare with the other areas you advise", reverse("reports:regional")))
        panels.append(Panel(f"{plan.title}: progress", lines, links, order=30))
    return panels
