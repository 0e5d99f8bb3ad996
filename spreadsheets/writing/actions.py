"""Writing a row's action: the action itself, its leads (the people named, found or
created in the area) and its BRAGG status for the import month."""

from __future__ import annotations

from actions.models import Action, ActionLead, ActionStatus, EntryState, check_bragg_rules
from sendplan.models import Issue, Person
from sendplan.ratings import BRAGG_NEEDS_NOTE

from .rows import PlanRow

# The sheet has no column for the reason a status is Red or Amber, and the plan's rule
# asks for one: the import accepts the status and says where it came from.
IMPORTED_NOTE = "Imported from spreadsheet; the sheet gives no reason."


def note_for(status: str, note: str) -> str:
    if status in BRAGG_NEEDS_NOTE and not (note or "").strip():
        return IMPORTED_NOTE
    return note


class ActionWriting:
    def _action(self, issue: Issue, row: PlanRow) -> Action:
        position = self._next(self.action_count, row.key)
        due = row.by_when
        values = {
            "text": row.action,
            "order": position,
            "due_month": due.month if due else None,
            "due_as_written": due.as_written if due else "",
            "is_ongoing": bool(due and due.is_ongoing),
            "completed_on": row.completed,
        }
        old = self.old_actions.get(issue.pk, []) if issue.pk else []
        action = self._match(old, row.action, row.ref, "actions")
        if action is not None:
            self._update(action, values)
        else:
            # What Action.save() does for a new action, which the bulk write skips.
            values["original_due_month"] = values["due_month"]
            action = self._create(Action(plan=self.plan, issue=issue, **values))
        self._seen(action)
        return action

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
                "note": note_for(bragg, existing.note),
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
            note=note_for(bragg, ""),
            state=EntryState.SUBMITTED,
            rated_by=self.user,
            rated_at=self.now,
        )
        check_bragg_rules(status.status, status.note, action.completed_on)
        self._create(status)
        self._seen(status)
