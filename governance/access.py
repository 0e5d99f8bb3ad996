"""Loading a forum for a page: in the user's area, with the permission the page needs."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from sendplan.access import AreaAccess, Can, get_area

from .models import Forum


def get_forum(
    request, area_slug: str, forum_slug: str, need: Can = Can.VIEW
) -> tuple[AreaAccess, Forum]:
    """The user's access to the area and the forum in it with its plan (404 outside the
    user's areas, 403 without ``need``)."""
    access = get_area(request, area_slug, need=need)
    forum = get_object_or_404(
        Forum.objects.select_related("plan", "area"), area=access.area, slug=forum_slug
    )
    return access, forum
