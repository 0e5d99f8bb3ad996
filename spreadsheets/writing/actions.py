"""Writing a row's action: the action itself, its leads (the people named, found or
created in the area) and its BRAGG status for the import month."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from actions.models import (
    Action,
    ActionLead,
    ActionStatus,
    EntryState,
    check_bragg_rules,
    needs_due_date_approval,
)
from actions.services import propose_due_date_change
from sendplan.models import Issue, Person
from sendplan.months import month_words
from sendplan.ratings import BRAGG_NEEDS_NOTE

from .changes import SHEET
from .rows import PlanRow

# The sheet has no column for the reason a status is Red or Amber, and the plan's rule
# asks for one: the import accepts the status and says where it came from.
IMPORTED_NOTE = SHEET.no_reason_note


def note_for(status: str, note: str, *, imported: str = IMPORTED_NOTE) -> str:
    if status in BRAGG_NEEDS_NOTE and not (note or "").strip():
        return imported
    return note


class ActionWriting:
    def _action(self, issue: Issue, row: PlanRow) -> Action:
        due = row.by_when
        values = {
            "text": row.action,
            "due_month": due.month if due else None,
            "due_as_written": due.as_written if due else "",
            "is_ongoing": bool(due and due.is_ongoing),
            "completed_on": row.completed,
        }
        if "due_revised_reason" in self.present:
            values["due_revised_reason"] = row.due_revised_reason
        originally = row.originally_due if "originally_due" in self.present else None
        old = self.old_actions.get(issue.pk, []) if issue.pk else []
        action = self._match(old, row.action, row.ref, "actions")
        values["order"] = self._place(self.action_count, row.key, action)
        if action is not None:
            due_month = values["due_month"]
            if due_month != action.due_month and needs_due_date_approval(action, due_month):
                # Beyond what a reason alone allows (issue 19): asked for, not written;
                # the due date stands as written until approved.
                self.due_changes.append((row.ref, action, due_month))
                for name in ("due_month", "due_as_written", "is_ongoing"):
                    values.pop(name)
            if originally is not None:
                values["original_due_month"] = originally.month
            self._update(action, values)
        else:
            # What Action.save() does for a new action, which the bulk write skips, unless
            # the sheet says when the plan first had it due.
            values["original_due_month"] = originally.month if originally else values["due_month"]
            action = self._create(Action(plan=self.plan, issue=issue, **values))
        self._seen(action)
        return action

    def due_change_lines(self) -> list[str]:
        """What the preview says of each due date the sheet moves beyond what a reason
        alone allows: asked for on import, applied only once approved."""
        return [
            f"{ref} action “{action.text[:80]}”: due "
            f"{month_words(action.due_month) if action.due_month else 'not set'} → "
            f"{month_words(due_month)}"
            for ref, action, due_month in self.due_changes
        ]

    def ask_for_due_date_changes(self) -> None:
        """Ask, as the importing user, for each such move. An action with a move already
        waiting keeps that one."""
        for _ref, action, due_month in self.due_changes:
            try:
                propose_due_date_change(
                    action=action,
                    user=self.user,
                    due_month=due_month,
                    reason=self.source.gives(self.now, "a later due date"),
                    effective_month=self.month,
                )
            except ValidationError:
                continue

    def _person(self, name: str) -> Person:
        person = self.people.get(name.casefold())
        if person is None:
            person = self._create(Person(area=self.area, name=name))
            self.people[name.casefold()] = person
        return person

    def _leads(self, action: Action, names: list[str]) -> None:
        people = [self._person(name) for name in names]
        wanted = {p.pk for p in people if p.pk is not None}
        current = self.old_leads.get(action.pk, []) if action.pk else []
        kept = {}
        for lead in current:
            if lead.person_id in wanted and lead.person_id not in kept:
                kept[lead.person_id] = lead
            else:
                self._delete(lead)
        for order, person in enumerate(people):
            lead = kept.get(person.pk) if person.pk is not None else None
            if lead is None:
                lead = self._create(
                    ActionLead(plan=self.plan, action=action, person=person, order=order)
                )
            else:
                self._update(lead, {"order": order})
            self._seen(lead)

    def _status(self, action: Action, bragg: str) -> None:
        existing = self.old_statuses.get(action.pk) if action.pk else None
        if not bragg:
            if existing is not None:
                self._delete(existing)
                self.old_statuses[action.pk] = None
            return
        if existing is not None:
            values = {
                "status": bragg,
                "note": note_for(bragg, existing.note, imported=self.source.no_reason_note),
                "state": EntryState.SUBMITTED,
            }
            if any(getattr(existing, k) != v for k, v in values.items()):
                values.update(rated_by=self.user, rated_at=self.now)
                self._update(existing, values)
            self._seen(existing)
            return
        status = ActionStatus(
            plan=self.plan,
            action=action,
            month=self.month,
            status=bragg,
            note=note_for(bragg, "", imported=self.source.no_reason_note),
            state=EntryState.SUBMITTED,
            rated_by=self.user,
            rated_at=self.now,
        )
        check_bragg_rules(status.status, status.note, action.completed_on)
        self._create(status)
        self._seen(status)
