"""Writing a row's outcome target and its RAG rating for the import month."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from actions.models import Action, EntryState
from outcomes.models import PROMISED_FIELDS, ImpactRating, OutcomeTarget, TargetChangeRequest
from outcomes.services import propose_target_change
from sendplan.models import Issue

from .changes import IMPORT_REASON, _differs
from .rows import PlanRow

# What an existing target promises that the sheet may set: a change to these is listed as
# a change request to approve (issue 19), not written. A new target takes them directly.
PROMISED = ("text", "target_month")


class TargetWriting:
    def _target(self, issue: Issue, action: Action | None, row: PlanRow) -> OutcomeTarget:
        position = self._next(self.target_count, row.key)
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
            promised = {name: values.pop(name) for name in PROMISED}
            if any(_differs(target, name, value) for name, value in promised.items()):
                self.target_changes.append((row.ref, target, promised))
                values.pop("target_as_written")  # the date stands as written until approved
                values.pop("is_ongoing")
            self._update(target, values)
        else:
            target = self._create(OutcomeTarget(plan=self.plan, issue=issue, **values))
        self._seen(target)
        return target

    def target_change_lines(self) -> list[str]:
        """What the preview says of each change the sheet makes to what a target
        promises: asked for on import, applied only once approved."""
        lines = []
        for ref, target, promised in self.target_changes:
            request = TargetChangeRequest(target=target)
            for name in PROMISED_FIELDS:
                setattr(request, f"new_{name}", promised.get(name, getattr(target, name)))
            said = "; ".join(f"{what} {was} → {now}" for what, was, now in request.changes())
            lines.append(f"{ref} outcome target “{target.text[:80]}”: {said}")
        return lines

    def ask_for_target_changes(self) -> None:
        """Ask, as the importing user, for each change the sheet makes to what a target
        promises. A target with a change already waiting keeps that one."""
        for _ref, target, promised in self.target_changes:
            try:
                propose_target_change(
                    target=target,
                    user=self.user,
                    reason=f"{IMPORT_REASON} on {self.now:%-d %B %Y}: the sheet gives a "
                    "different outcome target",
                    effective_month=self.month,
                    **promised,
                )
            except ValidationError:
                continue

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
