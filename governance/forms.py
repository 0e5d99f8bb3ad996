"""Forms for recording meetings: the actual date, attendance, decisions and challenges."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from actions.models import Action
from outcomes.models import OutcomeTarget
from sendplan.models import Issue, Person

from .models import AttendanceStatus, DecisionKind

NOT_RECORDED = ""


class DateField(DateInputField):
    """The GOV.UK date input, with GOV.UK messages for dates that do not exist."""

    def __init__(self, *, what: str, **kwargs):
        super().__init__(**kwargs)
        self.what = what
        self.error_messages["required"] = f"Enter {what}"
        self.error_messages["incomplete"] = (
            f"{what.capitalize()} must include a day, month and year"
        )
        self.require_all_fields = False
        for sub, name in zip(self.fields, ("day", "month", "year"), strict=True):
            sub.required = False
            sub.error_messages["incomplete"] = f"{what.capitalize()} must include a {name}"
            sub.validators[0].message = f"{what.capitalize()} must be a real date"

    def compress(self, data_list):
        day, month, year = data_list
        if not (day or month or year):
            return None
        if not (day and month and year):
            raise ValidationError(f"{self.what.capitalize()} must include a day, month and year")
        try:
            return dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise ValidationError(f"{self.what.capitalize()} must be a real date") from None


def _short(text: str, length: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _helper(*layout, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout, Submit("submit", submit))
    return helper


class MeetingDateForm(forms.Form):
    held_on = DateField(
        what="the date the meeting was held",
        label="Date the meeting was held",
        help_text="Leave it empty if the meeting has not been held yet. For example, 14 3 2023",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("held_on", context={"legend_size": Size.for_legend("m")}),
            submit="Save the date",
        )


class AttendanceForm(forms.Form):
    """One question per forum member: present, sent apologies, or not recorded."""

    CHOICES = [*AttendanceStatus.choices, (NOT_RECORDED, "Not recorded")]

    def __init__(self, *args, members, current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {}
        names = []
        for member in members:
            name = f"person_{member.person_id}"
            label = member.person.name
            if member.role:
                label += f", {member.role}"
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=self.CHOICES,
                widget=forms.RadioSelect,
                required=False,
                initial=current.get(member.person_id, NOT_RECORDED),
            )
            self.people[name] = member.person_id
            names.append(Field.radios(name, legend_size=Size.SMALL, inline=True, small=True))
        self.helper = _helper(*names, submit="Save attendance")

    def statuses(self) -> dict[int, str | None]:
        return {
            person_id: (self.cleaned_data.get(name) or None)
            for name, person_id in self.people.items()
        }


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Is this a decision or a challenge?",
        choices=DecisionKind.choices,
        widget=forms.RadioSelect,
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
    due_date = DateField(
        what="the due date",
        label="Due date",
        help_text="For example, 30 6 2023",
        required=False,
    )
    issues = forms.ModelMultipleChoiceField(
        label="Issues to be addressed it concerns",
        queryset=Issue.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    actions = forms.ModelMultipleChoiceField(
        label="Actions it concerns",
        queryset=Action.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    targets = forms.ModelMultipleChoiceField(
        label="Outcome targets it concerns",
        queryset=OutcomeTarget.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
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
        links = []
        if forum.plan_id:
            links = [
                Fieldset(
                    Field.checkboxes("issues", small=True),
                    Field.checkboxes("actions", small=True),
                    Field.checkboxes("targets", small=True),
                    legend="Plan items it concerns (optional)",
                    legend_size=Size.MEDIUM,
                )
            ]
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.MEDIUM, inline=True),
            Field.textarea("text", label_size=Size.MEDIUM),
            Field.select("owner", legend_size=Size.MEDIUM),
            Field("due_date", context={"legend_size": Size.for_legend("m")}),
            *links,
            submit="Record it",
        )
