"""Writing a row's outcome target and its RAG rating for the import month."""

from __future__ import annotations

from actions.models import Action, EntryState
from outcomes.models import ImpactRating, OutcomeTarget
from sendplan.models import Issue

from .rows import PlanRow


class TargetWriting:
    def _target(self, issue: Issue, action: Action | None, row: PlanRow) -> OutcomeTarget:
        position = self._next(self.target_count, row.ref)
        when = row.target_date
        values = {
            "text": row.outcome_target,
            "order": position,
            "action": action,
            "target_month": when.month if when else None,
            "target_as_written": when.as_written if when else "",
            "is_ongoing": bool(when and when.is_ongoing),
        }
        old = self.old_targets.get(issue.pk, []) if issue.pk else []
        target = self._match(old, row.outcome_target, row.ref, "targets")
        if target is not None:
            self._update(target, values)
        else:
            target = self._create(OutcomeTarget(plan=self.plan, issue=issue, **values))
        self._seen(target)
        return target

    def _rating(self, target: OutcomeTarget, rag: str) -> None:
        existing = self.old_ratings.get(target.pk) if target.pk else None
        if not rag:
            if existing is not None:
                self._delete(existing)
                self.old_ratings[target.pk] = None
            return
        if existing is not None:
            if existing.rag != rag or existing.state != EntryState.SUBMITTED:
                self._update(
                    existing,
                    {
                        "rag": rag,
                        "state": EntryState.SUBMITTED,
                        "rated_by": self.user,
                        "rated_at": self.now,
                    },
                )
            self._seen(existing)
            return
        rating = ImpactRating(
            plan=self.plan,
            target=target,
            month=self.month,
            rag=rag,
            state=EntryState.SUBMITTED,
            rated_by=self.user,
            rated_at=self.now,
        )
        self._create(rating)
        self._seen(rating)
