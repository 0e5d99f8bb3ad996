"""What the home page says about the area's forums: the next meeting of each. Registered in
GovernanceConfig.ready()."""

from __future__ import annotations

from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone

from governance.models import Forum
from sendplan.hooks import Panel


def meeting_panels(request, access, plans) -> list[Panel]:
    today = timezone.localdate()
    forums = list(
        Forum.objects.for_area(access.area)
        .annotate(next_meeting=Min("meetings__scheduled_for", filter=_upcoming(today)))
        .order_by("name")
    )
    if not forums:
        return []
    lines = []
    for forum in forums:
        when = f"{forum.next_meeting:%-d %B %Y}" if forum.next_meeting else "none scheduled"
        lines.append(f"{forum.name}: next meeting {when}.")
    url = reverse("governance:forum_list", kwargs={"area_slug": access.area.slug})
    return [Panel("Forums and meetings", lines, [("See the forums and their reports", url)], 40)]


def _upcoming(today) -> Q:
    return Q(meetings__scheduled_for__gte=today, meetings__held_on__isnull=True)
