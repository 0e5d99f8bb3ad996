"""Template tags used on every page: BRAGG and RAG tags, GOV.UK tables and pagination,
months.

The words and definitions of the BRAGG and RAG keys come from ``sendplan.ratings``, the
one status vocabulary; no rule about statuses lives here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django import template
from django.utils.dates import MONTHS

from sendplan import ratings
from sendplan.ratings import BRAGG, RAG

register = template.Library()

TAG_TEMPLATE = "components/status_tag.html"


def _tag_context(choices, value, scheme: str) -> dict:
    """Word, definition and CSS modifier for a stored choice value (or None)."""
    if value in (None, "", ratings.NOT_RATED):
        return {
            "word": ratings.NOT_RATED_WORD,
            "definition": "",
            "modifier": f"{scheme}-{ratings.NOT_RATED}",
        }
    try:
        choice = choices(value)
    except ValueError:
        # An unknown value is shown as it is stored, uncoloured, rather than hidden.
        return {"word": str(value), "definition": "", "modifier": f"{scheme}-none"}
    return {
        "word": choice.word,
        "definition": choice.meaning,
        "modifier": f"{scheme}-{choice.value}",
    }


@register.inclusion_tag(TAG_TEMPLATE)
def bragg_tag(value) -> dict:
    """An action's BRAGG status as a GOV.UK tag: {% bragg_tag status.status %}."""
    return _tag_context(BRAGG, value, "bragg")


@register.inclusion_tag(TAG_TEMPLATE)
def rag_tag(value) -> dict:
    """An outcome target's RAG impact rating as a GOV.UK tag: {% rag_tag rating.rag %}."""
    return _tag_context(RAG, value, "rag")


@register.simple_tag(takes_context=True)
def status_tag(context, scheme: str, value) -> str:
    """{% bragg_tag %} or {% rag_tag %} by ``scheme`` ("bragg" or "rag"), for long lists:
    the component is rendered once per value and template, then reused row after row.
    {% status_tag item.scheme item.value %}"""
    cache = context.render_context.setdefault("sendplan_status_tags", {})
    key = (scheme, value)
    if key not in cache:
        choices = BRAGG if scheme == "bragg" else RAG
        component = context.template.engine.get_template(TAG_TEMPLATE)
        tag = template.Context(_tag_context(choices, value, scheme), autoescape=context.autoescape)
        cache[key] = component.render(tag)
    return cache[key]


@register.inclusion_tag("components/status_key.html")
def bragg_key(caption: str = "BRAGG status key") -> dict:
    """The key to BRAGG statuses, every colour with its definition."""
    return {"caption": caption, "entries": [_tag_context(BRAGG, c, "bragg") for c in BRAGG]}


@register.inclusion_tag("components/status_key.html")
def rag_key(caption: str = "RAG impact rating key") -> dict:
    """The key to RAG impact ratings, every colour with its definition."""
    return {"caption": caption, "entries": [_tag_context(RAG, c, "rag") for c in RAG]}


@register.filter
def item(mapping, key):
    """``{{ revisions|item:target.id }}``: a dict's value for a key, "" when absent."""
    return (mapping or {}).get(key, "")


@register.filter
def month(value: dt.date | dt.datetime | None) -> str:
    """A first-of-month date as the plans write it: "April 2023"."""
    if not value:
        return ""
    # What dateformat's "F Y" writes, without building a formatter: a monthly update
    # writes some fifty months.
    return f"{MONTHS[value.month]} {value.year}"


def _cell(value) -> dict:
    if isinstance(value, Mapping):
        return {"text": value.get("text", ""), "numeric": bool(value.get("numeric"))}
    return {"text": value, "numeric": False}


@register.inclusion_tag("components/table.html")
def govuk_table(
    rows: Iterable[Iterable],
    headers: Iterable | None = None,
    caption: str = "",
    caption_size: str = "m",
    first_cell_is_header: bool = False,
) -> dict:
    """A GOV.UK table. Headers and cells are text (escaped unless marked safe) or dicts
    {"text": ..., "numeric": True}. {% govuk_table rows headers=headers caption="Actions" %}
    """
    return {
        "caption": caption,
        "caption_size": caption_size,
        "headers": [_cell(h) for h in headers or []],
        "rows": [[_cell(c) for c in row] for row in rows],
        "first_cell_is_header": first_cell_is_header,
    }


@register.inclusion_tag("components/pagination.html", takes_context=True)
def govuk_pagination(context, page, label: str = "Pages", anchor: str = "") -> dict:
    """GOV.UK pagination for a ``django.core.paginator.Page``. Each link keeps the
    request's other query parameters and ends with ``#anchor`` (the list's heading).
    {% govuk_pagination page label="Pages of meetings" anchor="meetings" %}"""
    query = context["request"].GET.copy()
    fragment = f"#{anchor}" if anchor else ""

    def href(number: int) -> str:
        query["page"] = str(number)
        return f"?{query.urlencode()}{fragment}"

    items = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == page.paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "href": href(number), "current": number == page.number})
    return {
        "label": label,
        "items": items if page.paginator.num_pages > 1 else [],
        "previous": href(page.previous_page_number()) if page.has_previous() else "",
        "next": href(page.next_page_number()) if page.has_next() else "",
    }
