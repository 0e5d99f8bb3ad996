"""The advisers' view across areas: one row per plan of the areas an adviser reads, with
what a DfE or NHS England adviser compares each quarter.

Each row gives the plan's kind, the months since its last closed month, the BRAGG and RAG
counts and overdue actions of the month its pages open on, its inspection readiness score
with the change since the month before (``progress.readiness``, the same rules as the
plan's readiness page), and its latest issued pack. ``area_rows`` reads every plan in a
fixed number of queries, however many areas there are.

Pending change requests to outcome targets are not shown yet: the outcomes app does not
record them. Their column belongs here once it does.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from progress.readiness import Readiness, Score, plans_readiness
from reports.models import IssuedReport
from sendplan.models import Area, MonthStatus, Plan, PlanKind, Region, ReportingMonth
from sendplan.ratings import BRAGG_ORDER, RAG_ORDER

# The trend compares the month shown with the month before it.
TREND_MONTHS = 2


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


def _counts(order, values) -> dict[str, int]:
    found = Counter(values)
    return {value: found.get(value, 0) for value in order}


def _row(plan: Plan, readiness: Readiness, months: list, pack, today: dt.date) -> AreaRow:
    closed = [m.month for m in months if m.status == MonthStatus.CLOSED]
    first = min((m.month for m in months), default=None)
    actions = [a for p in readiness.priorities for a in p.priority.actions]
    targets = [t for p in readiness.priorities for t in p.priority.targets]
    trend = readiness.trend
    return AreaRow(
        area=plan.area,
        plan=plan,
        region=plan.area.region,
        month=readiness.month,
        months_since_closed=months_between(max(closed), today.replace(day=1)) if closed else None,
        months_into_plan=months_between(first, readiness.month) + 1 if first else None,
        bragg=_counts(BRAGG_ORDER, (a.status for a in actions)),
        rag=_counts(RAG_ORDER, (t.rag for t in targets)),
        overdue=sum(1 for a in actions if a.overdue),
        score=readiness.score,
        previous=trend[-2] if len(trend) > 1 else None,
        latest_pack=pack,
    )


def area_rows(areas, *, today: dt.date | None = None) -> list[AreaRow]:
    """A row for each plan of ``areas`` (a queryset), by area name: a fixed number of
    queries (plans, reporting months, each table of the plans' state, milestones, packs),
    whatever the number of areas."""
    today = today or timezone.localdate()
    latest_pack = IssuedReport.objects.filter(plan=OuterRef("pk")).order_by("-issued_at")
    plans = list(
        Plan.objects.filter(area__in=areas)
        .select_related("area__region")
        .annotate(latest_pack_id=Subquery(latest_pack.values("id")[:1]))
        .order_by("area__name", "title")
    )
    ids = [p.id for p in plans]
    months: dict[int, list] = {}
    for month in ReportingMonth.objects.filter(plan_id__in=ids).order_by():
        months.setdefault(month.plan_id, []).append(month)
    packs = {
        r.id: r
        for r in IssuedReport.objects.without_content()
        .filter(id__in=[p.latest_pack_id for p in plans if p.latest_pack_id])
        .select_related("forum__area")
    }
    readiness = plans_readiness(
        plans, trend_months=TREND_MONTHS, today=today, reporting_months=months
    )
    return [
        _row(p, readiness[p.id], months.get(p.id, []), packs.get(p.latest_pack_id), today)
        for p in plans
    ]


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
    "readiness": lambda r: r.score.percent,
    "trend": lambda r: r.trend,
}


def sort_rows(rows: list[AreaRow], key: str, descending: bool) -> list[AreaRow]:
    value = SORT_KEYS.get(key, SORT_KEYS["area"])
    known = [r for r in rows if value(r) is not None]
    unknown = [r for r in rows if value(r) is None]
    return sorted(known, key=value, reverse=descending) + unknown
