"""The dashboard's filters: the form that reads them from the query string, and the
rule that keeps an action or an outcome target.

Filters narrow actions and outcome targets alike. Priority and strategy link apply
through the item's issue to be addressed. Lead and organisation apply to an action
through its leads; to an outcome target through the action it measures or, when the
plan ties it to no action, through the actions of its issue.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from progress.plan_state import ActionState, IssueState, PlanState, PriorityState, TargetState

from .text import shorten


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, from the query string. Choices come from the plan."""

    priority = forms.TypedChoiceField(
        label="Priority",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Select a priority from the list"},
    )
    lead = forms.TypedChoiceField(
        label="Lead",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Select a lead from the list"},
    )
    organisation = forms.ChoiceField(
        label="Organisation",
        required=False,
        error_messages={"invalid_choice": "Select an organisation from the list"},
    )
    strategy_link = forms.ChoiceField(
        label="Strategy link",
        required=False,
        error_messages={"invalid_choice": "Select a strategy link from the list"},
    )

    def __init__(self, *args, state: PlanState, **kwargs):
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        leads = {p.id: p for a in state.actions for p in a.leads}
        organisations = sorted({p.organisation for p in leads.values() if p.organisation})
        links = sorted({name for issue in state.issues for name in issue.strategy_links})
        self.fields["priority"].choices = [("", "All priorities")] + [
            (str(p.number), shorten(p.label, 60)) for p in state.priorities
        ]
        self.fields["lead"].choices = [("", "All leads")] + [
            (str(p.id), p.name) for p in sorted(leads.values(), key=lambda p: p.name)
        ]
        self.fields["organisation"].choices = [("", "All organisations")] + [
            (o, o) for o in organisations
        ]
        self.fields["strategy_link"].choices = [("", "All strategy links")] + [
            (s, s) for s in links
        ]
        for form_field in self.fields.values():
            form_field.widget.attrs["class"] = "govuk-select"

    def filters(self) -> Filters:
        """The valid filters; an invalid one is left out (and shown as an error)."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        for name in self.errors:
            widget = self.fields[name].widget
            widget.attrs["class"] = "govuk-select govuk-select--error"
            widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"
        data = self.cleaned_data
        return Filters(
            priority=data.get("priority"),
            lead=data.get("lead"),
            organisation=data.get("organisation") or "",
            strategy_link=data.get("strategy_link") or "",
        )


@dataclass
class Filters:
    priority: int | None = None
    lead: int | None = None
    organisation: str = ""
    strategy_link: str = ""

    @property
    def active(self) -> bool:
        return bool(self.priority or self.lead or self.organisation or self.strategy_link)

    def query(self) -> list[tuple[str, str]]:
        """The filters as query string pairs, in the form's order (for links that keep them)."""
        pairs = [
            ("priority", self.priority),
            ("lead", self.lead),
            ("organisation", self.organisation),
            ("strategy_link", self.strategy_link),
        ]
        return [(name, str(value)) for name, value in pairs if value]

    def _by_person(self, leads) -> bool:
        if self.lead and not any(p.id == self.lead for p in leads):
            return False
        return not (
            self.organisation and not any(p.organisation == self.organisation for p in leads)
        )

    def _by_place(self, priority: PriorityState, issue: IssueState) -> bool:
        if self.priority and priority.number != self.priority:
            return False
        return not (self.strategy_link and self.strategy_link not in issue.strategy_links)

    def action(self, priority, issue, action: ActionState) -> bool:
        return self._by_place(priority, issue) and self._by_person(action.leads)

    def target(self, priority, issue, target: TargetState) -> bool:
        if not self._by_place(priority, issue):
            return False
        if not (self.lead or self.organisation):
            return True
        tied = [a for a in issue.actions if a.id == target.action_id]
        actions = tied or issue.actions
        return any(self._by_person(a.leads) for a in actions)


def entries(state: PlanState, filters: Filters) -> tuple[list, list]:
    """The actions and the outcome targets the filters keep, as (priority, issue, item)."""
    actions = [
        (p, i, a)
        for p in state.priorities
        for i in p.issues
        for a in i.actions
        if filters.action(p, i, a)
    ]
    targets = [
        (p, i, t)
        for p in state.priorities
        for i in p.issues
        for t in i.targets
        if filters.target(p, i, t)
    ]
    return actions, targets
