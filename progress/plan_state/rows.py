"""Reading a plan's rows, live or as they stood at a moment (from the audit history).

Each reader runs one query per table, filtered by plan (or area), so its cost follows the
plan's size, not the installation's; live rows and rows as at a moment come out alike.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from actions.models import Action, ActionStatus, EntryState, StoryEntry
from outcomes.models import ImpactRating, OutcomeTarget
from sendplan.models import Issue, Priority


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` in the site's time zone (for "as at" a date)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def rows_as_at(model, as_at: dt.datetime | None, *conditions, **filters) -> list:
    """Rows of ``model`` matching ``conditions`` (Q objects) and ``filters``: live, or as
    they stood at ``as_at``.

    As at a moment, each object's newest history row at or before that moment stands for
    it, unless that row records its deletion. One query per table, filtered by plan (or
    area), so the cost follows the plan's size, not the installation's.
    """
    if as_at is None:
        return list(model.objects.filter(*conditions, **filters).order_by())
    history = (
        model.history.filter(*conditions, history_date__lte=as_at, **filters)
        .order_by("id", "-history_date", "-history_id")
        .only(*[f.attname for f in model._meta.concrete_fields], "history_type", "history_date")
    )
    latest = {}
    for row in history.iterator(chunk_size=2000):
        if row.id not in latest:
            latest[row.id] = row
    return [row for row in latest.values() if row.history_type != "-"]


def read_columns(model, as_at: dt.datetime | None, *conditions, **filters) -> list:
    """``rows_as_at`` for plan_state, which only reads the rows' columns: live, as named tuples
    of them, since making model instances was a third of its time."""
    if as_at is None:
        return _plain(model.objects.filter(*conditions, **filters), model)
    return rows_as_at(model, as_at, *conditions, **filters)


def _plain(rows, model) -> list:
    columns = [f.attname for f in model._meta.concrete_fields]
    return list(rows.order_by().values_list(*columns, named=True))


# For each monthly table, its parents: the rows a "newest before the window" is kept for.
WINDOW_PARENTS = {
    ActionStatus: ((Action, "action"),),
    ImpactRating: ((OutcomeTarget, "target"),),
    StoryEntry: ((Issue, "issue"), (Priority, "priority")),
}


def _newest_before(model, parent_model, parent: str, plan_id: int, start: dt.date, **extra):
    """Ids of each parent's newest submitted row before ``start``: one indexed lookup per
    parent (action, target, issue), not per row, so it costs the same however many months
    the plan has. Story so far entries of one month come in ``order``."""
    newest = model.objects.filter(
        **{parent: OuterRef("pk")}, state=EntryState.SUBMITTED, month__lt=start, **extra
    ).order_by(*(("-month", "order", "id") if model is StoryEntry else ("-month",)))
    return (
        parent_model.objects.filter(plan_id=plan_id)
        .annotate(newest=Subquery(newest.values("id")[:1]))
        .values("newest")
    )


def of_parents(model, parents) -> Q:
    """Rows of a monthly table whose parent is one of ``parents`` ({"action": ids...});
    every row when ``parents`` is None."""
    if parents is None:
        return Q()
    wanted = Q()
    for _, parent in WINDOW_PARENTS[model]:
        wanted |= Q(**{f"{parent}_id__in": parents[parent]})
    return wanted


def monthly_rows(
    model, as_at, *, plan_id: int, month: dt.date, start: dt.date | None, parents=None
) -> list:
    """Rows of a monthly table (BRAGG statuses, RAG ratings, story so far) up to ``month``.

    With ``start``, only the months from ``start`` on, and for each parent (action, target,
    issue or priority) its newest submitted row before ``start`` (for RAG ratings also the
    newest with a measured figure), so ``latest``, ``latest_measured`` and "the previous
    entry" come out as with every month, while the rows read stay the same however many
    months the plan has run. Undated story so far entries are always read.

    ``parents`` ({"action": ids...}), when given, names the only parents whose rows are
    wanted; the live window then reads only theirs (the caller drops any others).
    """
    if start is None:
        wanted = of_parents(model, parents)
        return read_columns(model, as_at, wanted, plan_id=plan_id, month__lte=month)
    measured = model is ImpactRating
    if as_at is None:
        condition = Q(month__gte=start, month__lte=month)
        for parent_model, parent in WINDOW_PARENTS[model]:
            condition |= Q(id__in=_newest_before(model, parent_model, parent, plan_id, start))
            if measured:
                condition |= Q(
                    id__in=_newest_before(
                        model, parent_model, parent, plan_id, start, measured_value__isnull=False
                    )
                )
        if model is StoryEntry:
            condition |= Q(month__isnull=True)
        rows = model.objects.filter(condition, of_parents(model, parents), plan_id=plan_id)
        return _plain(rows, model)

    return _monthly_rows_as_at(model, as_at, plan_id=plan_id, month=month, start=start)


def standing_rows(model, as_at, *, plan_id: int):
    """The history rows of ``model`` that stood for the plan's rows at ``as_at``: for each
    row its newest history row at or before ``as_at`` (a later one with the same time wins
    by its history id), unless that records the row's deletion. A queryset, so that the
    caller can narrow it, or count it, in the database."""
    history = model.history.model
    # Scoped by plan as the rows are, so that whichever join the database picks it reads
    # the plan's history rows only, never the whole table's.
    newer = history.objects.filter(
        plan_id=plan_id, id=OuterRef("id"), history_date__lte=as_at
    ).filter(
        Q(history_date__gt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id"))
    )
    return (
        history.objects.filter(plan_id=plan_id, history_date__lte=as_at)
        .exclude(history_type="-")
        .filter(~Exists(newer))
    )


def _monthly_rows_as_at(model, as_at, *, plan_id: int, month: dt.date, start: dt.date) -> list:
    """``monthly_rows`` as the rows stood at ``as_at``, chosen in the database.

    A row stands as its newest history row at or before ``as_at`` (a later one with the
    same time wins by its history id), unless that row records its deletion; the window
    and "newest submitted before the window" are then picked among those rows exactly as
    in the live read, with a window function per parent. So the history rows read follow
    the months shown, not the months the plan has run."""
    standing = standing_rows(model, as_at, plan_id=plan_id)
    parents = [F(f"{parent}_id") for _, parent in WINDOW_PARENTS[model]]
    newest_first = (
        [F("month").desc(), F("order").asc(), F("id").asc()]
        if model is StoryEntry
        else [F("month").desc()]
    )

    def newest_before(**extra):
        ranked = standing.filter(month__lt=start, state=EntryState.SUBMITTED, **extra).annotate(
            rank=Window(RowNumber(), partition_by=parents, order_by=newest_first)
        )
        return ranked.filter(rank=1).values("history_id")

    condition = Q(month__gte=start, month__lte=month) | Q(history_id__in=newest_before())
    if model is ImpactRating:
        condition |= Q(history_id__in=newest_before(measured_value__isnull=False))
    if model is StoryEntry:
        condition |= Q(month__isnull=True)
    fields = [f.attname for f in model._meta.concrete_fields]
    rows = standing.filter(condition).order_by()
    return list(rows.only(*fields, "history_type", "history_date"))
