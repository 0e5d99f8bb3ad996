"""Where the apps above sendplan add to its shared pages: the home page's panels and the
plan's service navigation.

sendplan never imports the apps that build on it (the import contract in pyproject.toml):
each registers its panel and its links in its ``AppConfig.ready()``, and sendplan's home
page and page header show whatever is registered, to the people whose role allows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from .access import Can


@dataclass
class Panel:
    """One thing the home page tells a person about an area: what they owe and by when,
    who is missing, the next meeting, the latest issued pack."""

    title: str
    lines: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, address)
    order: int = 50


# A panel maker: (request, area access, the area's plans) -> panels (maybe none).
PanelMaker = Callable[..., list[Panel]]
_panel_makers: list[PanelMaker] = []


def add_home_panel(maker: PanelMaker) -> None:
    if maker not in _panel_makers:
        _panel_makers.append(maker)


def home_panels(request, access, plans) -> list[Panel]:
    panels = [panel for maker in _panel_makers for panel in maker(request, access, plans)]
    return sorted(panels, key=lambda p: p.order)


@dataclass(frozen=True)
class NavLink:
    """A link of the plan's service navigation: its words, its URL name (taking
    ``plan_slug`` or ``area_slug``) and the capability it needs."""

    label: str
    url_name: str
    need: Can
    order: int
    takes: str = "plan_slug"


_nav_links: list[NavLink] = []


def add_nav_link(link: NavLink) -> None:
    if link not in _nav_links:
        _nav_links.append(link)


def plan_navigation(request, access) -> list[dict]:
    """The links of the plan's navigation this person may use, the current one marked."""
    items = []
    for link in sorted(_nav_links, key=lambda n: n.order):
        if not access.can(link.need):
            continue
        slug = access.plan.slug if link.takes == "plan_slug" else access.plan.area.slug
        url = reverse(link.url_name, kwargs={link.takes: slug})
        items.append({"label": link.label, "url": url, "active": request.path.startswith(url)})
    # The deepest match is the page's own link ("Plan" is the start of every plan page).
    matching = [item for item in items if item["active"]]
    deepest = max(matching, key=lambda item: len(item["url"]), default=None)
    for item in items:
        item["active"] = item is deepest
    return items
