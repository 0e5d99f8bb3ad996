"""The advisers' view across areas: one row per plan of the areas an adviser reads, with
what a DfE or NHS England adviser compares each quarter.

Each row gives the plan's kind, the months since its last closed month, the BRAGG and RAG
counts and overdue actions of the month its pages open on, its inspection readiness score
with the change since the month before (``progress.readiness``, the same rules as the
plan's readiness page), and its latest issued pack. ``area_rows`` reads every plan in a
fixed number of queries, however many areas there are.

It also counts the change requests (to outcome targets and due dates) waiting for a
decision: goalposts on the move are what an adviser asks about first.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Max, Min, OuterRef, Subquery
from django.utils import timezone

from actions.models import DueDateChangeRequest
from outcomes.models import TargetChangeRequest
from progress.figures import plan_figures, whole_plan_trend
from progress.models import PlanFigures
from progress.readiness import Score
from reports.models import IssuedReport
from sendplan.models import Area, MonthStatus, Plan, PlanKind, Region, ReportingMonth
from sendplan.ratings import BRAGG_ORDER, RAG_ORDER


class Band:
    """Readiness bands, by the whole plan's score (checks passed of checks applicable)."""

    STRONG = "strong"
    DEVELOPING = "developing"
    WEAK = "weak"
    NONE = "none"
    LABELS = {
        STRONG: "Strong (80% or more)",
        DEVELOPING: "Developing (50% to 79%)",
        WEAK: "Weak (under 50%)",
        NONE: "No checks apply",
    }

    @classmethod
    def of(cls, percent: int | None) -> str:
        if percent is None:
            return cls.NONE
        if percent >= 80:
            return cls.STRONG
        if percent >= 50:
            return cls.DEVELOPING
        return cls.WEAK


def months_between(earlier: dt.date, later: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


@dataclass
class AreaRow:
    area: Area
    plan: Plan
    region: Region | None
    month: dt.date  # the month the plan's pages open on
    months_since_closed: int | None  # None: no month closed yet
    months_into_plan: int | None  # 1 in the plan's first reporting month
    bragg: dict[str, int]
    rag: dict[str, int]
    overdue: int
    pending_changes: int  # target and due-date change requests waiting for a decision
    score: Score
    previous: Score | None
    latest_pack: IssuedReport | None

    @property
    def band(self) -> str:
        return Band.of(self.score.percent)

    @property
    def band_label(self) -> str:
        return Band.LABELS[self.band]

    @property
    def kind_label(self) -> str:
        return PlanKind(self.plan.kind).label

    @property
    def region_name(self) -> str:
        return self.region.name if self.region else "No region"

    @property
    def trend(self) -> int | None:
        """Change in the readiness percentage since the month before, in points."""
        if self.previous is None or self.previous.percent is None or self.score.percent is None:
            return None
        return self.score.percent - self.previous.percent

    @property
    def trend_words(self) -> str:
        change = self.trend
        if change is None:
            return "No earlier month"
        if change > 0:
            return f"Up {change} points"
        if change < 0:
            return f"Down {-change} points"
        return "No change"


def _row(
    plan: Plan, figures: PlanFigures, months: list, pack, pending: int, today: dt.date
) -> AreaRow:
    closed = [m.month for m in months if m.status == MonthStatus.CLOSED]
    first = min((m.month for m in months), default=None)
    trend = whole_plan_trend(figures)
    return AreaRow(
        area=plan.area,
        plan=plan,
        region=plan.area.region,
        month=figures.month,
        months_since_closed=months_between(max(closed), today.replace(day=1)) if closed else None,
        months_into_plan=months_between(first, figures.month) + 1 if first else None,
        bragg={value: figures.bragg.get(value, 0) for value in BRAGG_ORDER},
        rag={value: figures.rag.get(value, 0) for value in RAG_ORDER},
        overdue=figures.overdue,
        pending_changes=pending,
        score=trend[-1] if trend else Score(figures.month),
        previous=trend[-2] if len(trend) > 1 else None,
        latest_pack=pack,
    )


def area_rows(areas, *, today: dt.date | None = None) -> list[AreaRow]:
    """A row for each plan of ``areas`` (a queryset), by area name: a fixed number of
    queries (plans, reporting months, the plans' kept figures, packs), whatever the number
    of areas; plans whose figures are no longer kept have them worked out first
    (``progress.figures``), in a fixed number of queries too."""
    today = today or timezone.localdate()
    latest_pack = IssuedReport.objects.filter(plan=OuterRef("pk")).order_by("-issued_at")
    plans = list(
        Plan.objects.filter(area__in=areas)
        .select_related("area__region")
        .annotate(latest_pack_id=Subquery(latest_pack.values("id")[:1]))
        .order_by("area__name", "title")
    )
    ids = [p.id for p in plans]
    months = _month_ends(ids)
    packs = {
        r.id: r
        for r in IssuedReport.objects.without_content()
        .filter(id__in=[p.latest_pack_id for p in plans if p.latest_pack_id])
        .select_related("forum__area")
    }
    figures = plan_figures(plans, today=today, reporting_months=months)
    pending = pending_change_counts(ids)
    return [
        _row(
            p,
            figures[p.id],
            months.get(p.id, []),
            packs.get(p.latest_pack_id),
            pending[p.id],
            today,
        )
        for p in plans
    ]


@dataclass(frozen=True)
class _Month:
    month: dt.date
    status: str


def _month_ends(plan_ids) -> dict[int, list[_Month]]:
    """Of each plan's reporting months, the ones the page's rules look at: the first, and
    the latest of each status (the month its pages open on is one of them, and the latest
    closed gives the months since): one query, not one row per month of every plan."""
    rows = (
        ReportingMonth.objects.filter(plan_id__in=plan_ids)
        .values("plan_id", "status")
        .annotate(first=Min("month"), latest=Max("month"))
        .order_by()
    )
    months: dict[int, list[_Month]] = {}
    for row in rows:
        kept = months.setdefault(row["plan_id"], [])
        kept.append(_Month(row["latest"], row["status"]))
        kept.append(_Month(row["first"], row["status"]))
    return months


def pending_change_counts(plan_ids) -> Counter:
    """Each plan's change requests (outcome targets and due dates) waiting for a decision:
    two queries, one per kind."""
    found = Counter()
    for model in (TargetChangeRequest, DueDateChangeRequest):
        rows = (
            model.objects.pending()
            .filter(plan_id__in=plan_ids)
            .values("plan_id")
            .annotate(count=Count("id"))
            .order_by()
        )
        for row in rows:
            found[row["plan_id"]] += row["count"]
    return found


def like_with_like(rows: list[AreaRow], plan: Plan) -> list[AreaRow]:
    """The rows comparable with ``plan``'s: the same kind of plan, the same months in."""
    mine = next((r for r in rows if r.plan.id == plan.id), None)
    if mine is None:
        return []
    return [
        r
        for r in rows
        if r.plan.kind == mine.plan.kind and r.months_into_plan == mine.months_into_plan
    ]


# How each sortable column orders its rows; None sorts last whichever way.
SORT_KEYS = {
    "area": lambda r: r.area.name,
    "region": lambda r: r.region_name,
    "kind": lambda r: r.kind_label,
    "since-closed": lambda r: r.months_since_closed,
    "months-in": lambda r: r.months_into_plan,
    "overdue": lambda r: r.overdue,
    "pending": lambda r: r.pending_changes,
    "readiness": lambda r: r.score.percent,
    "trend": lambda r: r.trend,
}


def sort_rows(rows: list[AreaRow], key: str, descending: bool) -> list[AreaRow]:
    value = SORT_KEYS.get(key, SORT_KEYS["area"])
    known = [r for r in rows if value(r) is not None]
    unknown = [r for r in rows if value(r) is None]
    return sorted(known, key=value, reverse=descending) + unknown
