"""The months of a synthetic area: its reporting months, a BRAGG status for every action
and a RAG impact rating for every target in every month, and a story so far entry for
every issue in every month, each dated in its month and written by whoever would have."""

from __future__ import annotations

from decimal import Decimal

from actions.models import ActionStatus, EntryState, StoryEntry
from outcomes.figures import is_count, is_percent
from outcomes.models import ImpactRating
from sendplan.models import MonthStatus, ReportingMonth
from sendplan.months import add_months
from sendplan.ratings import BRAGG, RAG

from .bulk import BulkWriter, at
from .words import LEAD_LOGINS, NOTES, STORY_SENTENCES


class MonthlyWriter(BulkWriter):
    def _reporting_months(self) -> None:
        # Only one month may be open at a time, so each month is opened, then closed early
        # in the next month, one save each: the history shows both moments. (36 months are
        # 72 saves per area, which costs little next to the bulk writes.)
        pm = self.users["pm"]
        for i, month in enumerate(self.months):
            row = ReportingMonth(plan=self.plan, month=month, deadline=month.replace(day=25))
            row._history_user = pm
            row._history_date = at(month, 1, 9)
            row.save()
            if not self._is_open(i):
                row.status = MonthStatus.CLOSED
                row._history_date = at(add_months(month, 1), 1, 8)
                row.save()
        self.counts[ReportingMonth._meta.verbose_name_plural] += len(self.months)

    def _rating_rows(self, model, items, rate) -> None:
        """One row per item per month, ``rate(item_index, month_index)`` -> fields or None.

        Closed months are submitted; a quarter of them were a draft first. In the open
        month half are submitted, a quarter are drafts and a quarter are not done yet.
        """
        rng = self.rng
        rows, drafted = [], []
        for m, month in enumerate(self.months):
            for i, item in enumerate(items):
                values = rate(i, m)
                if values is None:
                    continue
                roll = rng.random()
                if self._is_open(m) and roll < 0.25:
                    continue
                user = values.pop("user")
                submitted_day = rng.randint(18, 28)
                row = model(plan=self.plan, month=month, rated_by=user, **values)
                row._history_user = user
                if self._is_open(m):
                    row.state = EntryState.SUBMITTED if roll >= 0.5 else EntryState.DRAFT
                    row.rated_at = at(month, rng.randint(2, 12))
                elif roll < 0.25:
                    # Saved as a draft mid-month, submitted later.
                    row.state = EntryState.DRAFT
                    row.rated_at = at(month, rng.randint(8, 16))
                    drafted.append((row, submitted_day))
                else:
                    row.state = EntryState.SUBMITTED
                    row.rated_at = at(month, submitted_day)
                row._history_date = row.rated_at
                setattr(row, item_field(model), item)
                rows.append(row)
        self.create(model, rows)
        for row, day in drafted:
            row.state = EntryState.SUBMITTED
            row.rated_at = at(row.month, day)
            row.version += 1
            row._history_date = row.rated_at
        self.change(model, [row for row, _ in drafted], ["state", "rated_at", "version"])

    def _action_statuses(self, actions) -> None:
        rng = self.rng
        current: dict[int, str] = {}

        def rate(i, m):
            lead, start, due, done, _ = self.action_plan[i]
            user = self.rater_for(lead)
            if m < start:
                return {"status": BRAGG.GREY, "note": "", "user": user}
            if done is not None and m >= done:
                return {"status": BRAGG.BLUE, "note": "Completed.", "user": user}
            overdue = due is not None and m > due
            previous = current.get(i, BRAGG.GREEN)
            roll = rng.random()
            if roll < (0.35 if overdue else 0.75):
                status = previous if previous != BRAGG.GREY else BRAGG.GREEN
            elif roll < (0.6 if overdue else 0.9):
                status = BRAGG.AMBER
            elif roll < (0.8 if overdue else 0.95):
                status = BRAGG.RED
            else:
                status = BRAGG.GREEN
            current[i] = status
            note = rng.choice(NOTES[status]) if status in NOTES else ""
            return {"status": status, "note": note, "user": user}

        self._rating_rows(ActionStatus, actions, rate)

    def _impact_ratings(self, targets) -> None:
        rng = self.rng
        months = len(self.months)

        def rate(i, m):
            target = targets[i]
            lead = self.lead_of_action.get(target.action_id)
            user = self.users["pm"] if lead is None else self.rater_for(lead)
            progress = (m + 1) / months
            roll = rng.random()
            if roll < 0.5 * (1 - progress):
                rag = RAG.RED
            elif roll < 0.85 - 0.3 * progress:
                rag = RAG.AMBER
            else:
                rag = RAG.GREEN
            measured = None
            if target.target_value is not None:
                span = target.target_value - target.baseline
                noise = Decimal(rng.randint(-5, 5)) / 100
                measured = _plausible(
                    target, target.baseline + span * Decimal(progress) * (1 + noise)
                )
            return {"rag": rag, "measured_value": measured, "note": "", "user": user}

        self._rating_rows(ImpactRating, targets, rate)

    def _story(self, issues) -> None:
        rng = self.rng
        entries = []
        for m, month in enumerate(self.months):
            for issue in issues:
                if self._is_open(m) and rng.random() < 0.5:
                    continue
                author = self.users[f"lead{rng.randint(1, LEAD_LOGINS)}"]
                sentences = rng.sample(STORY_SENTENCES, rng.randint(2, 4))
                written = at(month, rng.randint(20, 28))
                entry = StoryEntry(
                    plan=self.plan,
                    issue=issue,
                    month=month,
                    date_as_written=f"{month:%B %Y}",
                    narrative="".join(f"<p>{s}</p>" for s in sentences),
                    state=(
                        EntryState.DRAFT
                        if self._is_open(m) and rng.random() < 0.5
                        else EntryState.SUBMITTED
                    ),
                    author=author,
                    written_at=written,
                )
                entry._history_user = author
                entry._history_date = written
                entries.append(entry)
        self.create(StoryEntry, entries)


def item_field(model) -> str:
    return "action" if model is ActionStatus else "target"


def _plausible(target, figure: Decimal) -> Decimal:
    """A made-up figure the monthly update would accept (``outcomes.figures``): a count in
    whole numbers, never below 0, and a percentage from 0 to 100."""
    if is_count(target.unit, target.baseline, target.target_value):
        return max(figure.quantize(Decimal(1)), Decimal(0))
    if is_percent(target.unit):
        figure = min(max(figure, Decimal(0)), Decimal(100))
    return figure.quantize(Decimal("0.01"))
