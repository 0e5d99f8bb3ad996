"""Forms for recording meetings: the actual date, attendance, decisions and challenges."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst

from actions.models import Action
from outcomes.models import OutcomeTarget
from sendplan.forms import GovukCheckboxes, GovukDateField, GovukRadios
from sendplan.models import Issue, Person

from .models import AttendanceStatus, DecisionKind

NOT_RECORDED = ""


def _date_field(*, what: str, **kwargs) -> GovukDateField:
    """A meeting's date or a decision's due date, in these pages' words, any year allowed."""
    return GovukDateField(
        what=what,
        earliest_year=None,
        error_messages={
            "required": f"Enter {what}",
            "incomplete": f"{capfirst(what)} must include a day, month and year",
            "invalid": f"{capfirst(what)} must be a real date",
        },
        **kwargs,
    )


def _short(text: str, length: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


class MeetingDateForm(forms.Form):
    held_on = _date_field(
        what="the date the meeting was held",
        label="Date the meeting was held",
        help_text="Leave it empty if the meeting has not been held yet. For example, 14 3 2023",
        required=False,
    )


class AttendanceForm(forms.Form):
    """One question per forum member: present, sent apologies, or not recorded."""

    CHOICES = [*AttendanceStatus.choices, (NOT_RECORDED, "Not recorded")]

    def __init__(self, *args, members, current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {}
        for member in members:
            name = f"person_{member.person_id}"
            label = member.person.name
            if member.role:
                label += f", {member.role}"
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=self.CHOICES,
                widget=GovukRadios,
                required=False,
                initial=current.get(member.person_id, NOT_RECORDED),
            )
            self.people[name] = member.person_id

    def statuses(self) -> dict[int, str | None]:
        return {
            person_id: (self.cleaned_data.get(name) or None)
            for name, person_id in self.people.items()
        }


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Is this a decision or a challenge?",
        choices=DecisionKind.choices,
        widget=GovukRadios,
        error_messages={"required": "Select whether this is a decision or a challenge"},
    )
    text = forms.CharField(
        label="What was decided or challenged",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Enter what was decided or challenged"},
    )
    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=Person.objects.none(),
        required=False,
        empty_label="No owner yet",
        error_messages={"invalid_choice": "Select an owner from the list"},
    )
    due_date = _date_field(
        what="the due date",
        label="Due date",
        help_text="For example, 30 6 2023",
        required=False,
    )
    issues = forms.ModelMultipleChoiceField(
        label="Issues to be addressed it concerns",
        queryset=Issue.objects.none(),
        required=False,
        widget=GovukCheckboxes,
    )
    actions = forms.ModelMultipleChoiceField(
        label="Actions it concerns",
        queryset=Action.objects.none(),
        required=False,
        widget=GovukCheckboxes,
    )
    targets = forms.ModelMultipleChoiceField(
        label="Outcome targets it concerns",
        queryset=OutcomeTarget.objects.none(),
        required=False,
        widget=GovukCheckboxes,
    )

    def __init__(self, *args, forum, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Person.objects.filter(area=forum.area).order_by("name")
        plan_id = forum.plan_id or 0
        self.fields["issues"].queryset = Issue.objects.filter(plan_id=plan_id).order_by(
            "order", "ref"
        )
        self.fields["actions"].queryset = (
            Action.objects.filter(plan_id=plan_id)
            .select_related("issue")
            .order_by("issue__order", "order", "pk")
        )
        self.fields["targets"].queryset = (
            OutcomeTarget.objects.filter(plan_id=plan_id)
            .select_related("issue")
            .order_by("issue__order", "order", "pk")
        )
        self.fields["issues"].label_from_instance = lambda i: f"{i.ref} {_short(i.description)}"
        self.fields["actions"].label_from_instance = lambda a: f"{a.issue.ref}: {_short(a.text)}"
        self.fields["targets"].label_from_instance = lambda t: f"{t.issue.ref}: {_short(t.text)}"
