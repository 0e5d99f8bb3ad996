"""Writing a row's outcome target and its RAG rating for the import month."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from actions.models import Action, EntryState
from outcomes.models import PROMISED_FIELDS, ImpactRating, OutcomeTarget, TargetChangeRequest
from outcomes.services import propose_target_change
from sendplan.models import Issue

from .changes import _differs
from .rows import PlanRow

# What an existing target promises that the sheet may set: a change to these is listed as
# a change request to approve (issue 19), not written. A new target takes them directly.
# The figures and unit are among them only when the sheet has their columns.
PROMISED = ("text", "target_month")
PROMISED_FIGURES = ("unit", "baseline", "target_value")
# A target's other quantified fields, written directly: sheet column → model field.
DESCRIBED = {"baseline_date": "baseline_month", "direction": "direction"}
# "The sheet has no latest_figure column": a rating's measured figure stays as it is.
KEEP = object()


class TargetWriting:
    def _target(self, issue: Issue, action: Action | None, row: PlanRow) -> OutcomeTarget:
        when = row.target_date
        values = {
            "text": row.outcome_target,
            "action": action,
            "target_month": when.month if when else None,
            "target_as_written": when.as_written if when else "",
            "is_ongoing": bool(when and when.is_ongoing),
        }
        promising = PROMISED + tuple(f for f in PROMISED_FIGURES if f in self.present)
        for column in PROMISED_FIGURES:
            if column in self.present:
                values[column] = getattr(row, column)
        for column, name in DESCRIBED.items():
            if column in self.present:
                value = getattr(row, column)
                values[name] = value.month if column == "baseline_date" and value else value
        old = self.old_targets.get(issue.pk, []) if issue.pk else []
        target = self._match(old, row.outcome_target, row.ref, "targets")
        if target is not None:
            # A target the plan has keeps its place: the sheet lists an issue's targets
            # tied to no action first, so it cannot say where the plan put them among
            # the actions' targets. A new one comes after those above it.
            before, _ = self.target_count.get(row.key, (-1, None))
            self.target_count[row.key] = (max(before, target.order), None)
        else:
            values["order"] = self._place(self.target_count, row.key)
        if target is not None:
            promised = {name: values.pop(name) for name in promising}
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
                    reason=self.source.gives(self.now, "a different outcome target"),
                    effective_month=self.month,
                    **promised,
                )
            except ValidationError:
                continue

    def _rating(self, target: OutcomeTarget, rag: str, figure=KEEP) -> None:
        """The target's RAG rating for the import month, with its measured ``figure``
        (``KEEP``: the sheet has no such column, and a rating keeps the one it has)."""
        existing = self.old_ratings.get(target.pk) if target.pk else None
        if not rag:
            if existing is not None:
                self._delete(existing)
                self.old_ratings[target.pk] = None
            return
        if existing is not None:
            values = {"rag": rag, "state": EntryState.SUBMITTED}
            if figure is not KEEP:
                values["measured_value"] = figure
            if any(getattr(existing, k) != v for k, v in values.items()):
                values.update(rated_by=self.user, rated_at=self.now)
                self._update(existing, values)
            self._seen(existing)
            return
        rating = ImpactRating(
            plan=self.plan,
            target=target,
            month=self.month,
            rag=rag,
            measured_value=None if figure is KEEP else figure,
            state=EntryState.SUBMITTED,
            rated_by=self.user,
            rated_at=self.now,
        )
        self._create(rating)
        self._seen(rating)
