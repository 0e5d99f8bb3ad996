"""The advisers' regional page: every area of the adviser's regions (every area, for a
national adviser) in one table, sortable, filterable and as a CSV file.

Only advisers (and site administrators, who may see everything) reach it; anyone else is
answered "not found", as for another area's pages (sendplan.access)."""

from __future__ import annotations

import csv
import functools

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from sendplan.access import adviser_region_ids
from sendplan.models import Area, Plan, PlanKind, Region
from sendplan.ratings import BRAGG_ORDER, RAG_ORDER, word
from sendplan.templatetags.sendplan_tags import bragg_tag, rag_tag

from ..national import SORT_KEYS, AreaRow, Band, area_rows, like_with_like, sort_rows


class RegionalFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of plan",
        required=False,
        choices=[("", "All kinds")] + list(PlanKind.choices),
        error_messages={"invalid_choice": "Select a kind of plan from the list"},
    )
    region = forms.ChoiceField(
        label="Region",
        required=False,
        error_messages={"invalid_choice": "Select a region from the list"},
    )
    band = forms.ChoiceField(
        label="Readiness band",
        required=False,
        choices=[("", "All bands")] + list(Band.LABELS.items()),
        error_messages={"invalid_choice": "Select a readiness band from the list"},
    )

    def __init__(self, *args, regions, **kwargs):
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "All your regions")] + [
            (r.slug, r.name) for r in regions
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "govuk-select"


def _adviser_scope(request):
    """The areas and regions the user reads as an adviser; not found for anyone else."""
    user = request.user
    if user.is_authenticated and user.is_superuser:
        return Area.objects.all(), list(Region.objects.all()), True
    region_ids = adviser_region_ids(user)
    if region_ids is None:
        raise Http404("No such page in your areas.")
    if None in region_ids:
        return Area.objects.all(), list(Region.objects.all()), True
    regions = list(Region.objects.filter(id__in=region_ids))
    return Area.objects.filter(region__in=regions), regions, False


def _chosen_rows(request):
    areas, regions, national = _adviser_scope(request)
    form = RegionalFilterForm(request.GET or None, regions=regions)
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if chosen.get("region"):
        areas = areas.filter(region__slug=chosen["region"])
    rows = area_rows(areas)
    if chosen.get("kind"):
        rows = [r for r in rows if r.plan.kind == chosen["kind"]]
    if chosen.get("band"):
        rows = [r for r in rows if r.band == chosen["band"]]
    like = None
    if request.GET.get("like"):
        like = Plan.objects.filter(slug=request.GET["like"], area__in=areas).first()
        rows = like_with_like(rows, like) if like else []
    sort = request.GET.get("sort", "area")
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        key, descending = "area", False
    rows = sort_rows(rows, key, descending)
    return form, rows, regions, national, like, key, descending


@functools.cache
def _tag(scheme: str, value: str) -> str:
    """The status's GOV.UK tag, rendered once per status rather than once per cell."""
    context = bragg_tag(value) if scheme == "bragg" else rag_tag(value)
    return render_to_string("components/status_tag.html", context)


def _tags(counts: dict, order, scheme: str) -> str:
    """Each status with its count, its word always shown; colour only adds."""
    return format_html_join(
        " ",
        '<span class="sendplan-count">{} {}</span>',
        ((mark_safe(_tag(scheme, value)), counts[value]) for value in order if counts[value]),
    )


# Columns: (sort key or None, header)
COLUMNS = [
    ("area", "Area and plan"),
    ("region", "Region"),
    ("kind", "Kind of plan"),
    ("months-in", "Months into the plan"),
    ("since-closed", "Months since the last closed month"),
    (None, "BRAGG statuses this month"),
    (None, "RAG impact ratings this month"),
    ("overdue", "Overdue actions"),
    ("pending", "Changes waiting for approval"),
    ("readiness", "Readiness"),
    ("trend", "Readiness trend"),
    (None, "Latest issued pack"),
]
NUMERIC = {"months-in", "since-closed", "overdue", "pending"}


def _headers(request, key: str, descending: bool) -> list:
    headers = []
    for column, text in COLUMNS:
        if column is None:
            headers.append(text)
            continue
        now_desc = column == key and not descending
        query = request.GET.copy()
        query["sort"] = ("-" if now_desc else "") + column
        state = ""
        if column == key:
            state = " (sorted descending)" if descending else " (sorted ascending)"
        link = format_html(
            '<a class="govuk-link" href="?{}">{}</a><span class="govuk-visually-hidden">{}'
            "</span>{}",
            query.urlencode(),
            text,
            state,
            (" ▼" if descending else " ▲") if column == key else "",
        )
        headers.append({"text": link, "numeric": column in NUMERIC})
    return headers


def _cells(row: AreaRow, request) -> list:
    dashboard = reverse("reports:dashboard", args=[row.plan.slug])
    like = request.GET.copy()
    like["like"] = row.plan.slug
    area = format_html(
        '<a class="govuk-link" href="{}">{}</a><br><span class="govuk-body-s">{}</span>'
        '<br><a class="govuk-link govuk-body-s" href="?{}">Compare like with like'
        '<span class="govuk-visually-hidden"> for {}</span></a>',
        dashboard,
        row.area.name,
        row.plan.title,
        like.urlencode(),
        row.area.name,
    )
    pack = "None issued"
    if row.latest_pack is not None:
        report = row.latest_pack
        forum_page = reverse(
            "reports:forum_reports", args=[report.forum.area.slug, report.forum.slug]
        )
        pack = format_html(
            '<a class="govuk-link" href="{}">{} (PDF)</a>, issued {}<br>'
            '<a class="govuk-link govuk-body-s" href="{}">All packs'
            '<span class="govuk-visually-hidden"> for {}</span></a>',
            report.get_absolute_url(),
            report.period_label,
            f"{report.issued_at:%-d %B %Y}",
            forum_page,
            row.area.name,
        )
    return [
        area,
        row.region_name,
        row.kind_label,
        {"text": _number(row.months_into_plan), "numeric": True},
        {"text": _number(row.months_since_closed, "None closed"), "numeric": True},
        _tags(row.bragg, BRAGG_ORDER, "bragg") or "Nothing to rate",
        _tags(row.rag, RAG_ORDER, "rag") or "Nothing to rate",
        {"text": row.overdue, "numeric": True},
        {"text": row.pending_changes, "numeric": True},
        f"{row.score.words}. {row.band_label}",
        row.trend_words,
        pack,
    ]


def _number(value, missing: str = "–"):
    return missing if value is None else value


@require_safe
def regional(request):
    """``?kind=&region=&band=&sort=&like=<plan slug>``: the areas an adviser reads."""
    form, rows, regions, national, like, key, descending = _chosen_rows(request)
    csv_query = request.GET.copy()
    csv_query.pop("sort", None)
    heading = (
        "Every area (national)" if national else "Areas in " + ", ".join(r.name for r in regions)
    )
    return render(
        request,
        "reports/regional.html",
        {
            "heading": heading,
            "form": form,
            "rows": [_cells(r, request) for r in rows],
            "count": len(rows),
            "headers": _headers(request, key, descending),
            "like": like,
            "csv_url": reverse("reports:regional_csv") + "?" + request.GET.urlencode(),
            "clear_like": "?" + urlencode({k: v for k, v in request.GET.items() if k != "like"}),
            "filtered": bool(request.GET),
        },
    )


@require_safe
def regional_csv(request):
    """The regional page's rows, with its filters and order, as a CSV file."""
    _, rows, *_ = _chosen_rows(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="areas.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "Area",
            "Plan",
            "Region",
            "Kind of plan",
            "Month shown",
            "Months into the plan",
            "Months since the last closed month",
            *[f"BRAGG: {word('bragg', v)}" for v in BRAGG_ORDER],
            *[f"RAG: {word('rag', v)}" for v in RAG_ORDER],
            "Overdue actions",
            "Change requests waiting for a decision",
            "Readiness checks passed",
            "Readiness checks applicable",
            "Readiness (%)",
            "Readiness band",
            "Readiness change since the month before (points)",
            "Latest issued pack",
            "Latest pack issued on",
        ]
    )
    for r in rows:
        pack = r.latest_pack
        writer.writerow(
            [
                _safe(r.area.name),
                _safe(r.plan.title),
                _safe(r.region_name),
                r.kind_label,
                f"{r.month:%Y-%m}",
                _number(r.months_into_plan, ""),
                _number(r.months_since_closed, ""),
                *[r.bragg[v] for v in BRAGG_ORDER],
                *[r.rag[v] for v in RAG_ORDER],
                r.overdue,
                r.pending_changes,
                r.score.passed,
                r.score.applicable,
                _number(r.score.percent, ""),
                r.band_label,
                _number(r.trend, ""),
                _safe(pack.title) if pack else "",
                f"{pack.issued_at:%Y-%m-%d}" if pack else "",
            ]
        )
    return response


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
