"""The form for an outcome target's RAG impact rating in the monthly update."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from actions.forms import MAX_NOTE_CHARS, ChangeRequestForm, ItemForm
from sendplan.forms import GovukMonthField, GovukRadios, key_choices, key_hints
from sendplan.months import month_words
from sendplan.ratings import RAG

from .figures import figure_problem
from .models import PROMISED_FIELDS


class TargetUpdateForm(ItemForm):
    value_fields = ("rag", "measured_value", "note")

    rag = forms.ChoiceField(
        label="RAG impact rating",
        choices=key_choices(RAG),
        required=False,
        widget=GovukRadios(hints=key_hints(RAG)),
        error_messages={"invalid_choice": "Select a RAG impact rating from the list"},
    )
    measured_value = forms.DecimalField(
        label="Measured figure",
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input govuk-input--width-10",
                "inputmode": "decimal",
                "spellcheck": "false",
            }
        ),
        error_messages={
            "invalid": "Enter the measured figure as a number, such as 42 or 42.5",
            "max_digits": "Enter a measured figure of 10 digits or fewer before the point",
            "max_decimal_places": "Enter the measured figure with no more than 2 decimal places",
            "max_whole_digits": "Enter a measured figure of 10 digits or fewer before the point",
        },
    )
    confirm_figure = forms.BooleanField(
        label="The figure is right: keep it", required=False, widget=forms.CheckboxInput
    )
    note = forms.CharField(
        label="Note",
        help_text="What the figure shows, or why the impact is not yet measured.",
        required=False,
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": f"The note must be {MAX_NOTE_CHARS:,} characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rag"].label = f"RAG impact rating for {month_words(self.month)}"
        target = self.item.target if self.item else None
        self.asks_to_confirm = False
        if target is None or not target.is_quantified:
            del self.fields["measured_value"]
            del self.fields["confirm_figure"]
        else:
            unit = target.unit
            field = self.fields["measured_value"]
            field.label = "Measured figure"
            figure = Decimal(str(target.target_value)).normalize()
            field.help_text = f"The target is {figure:f} {unit}".rstrip() + "."

    def canonical_initial(self) -> dict:
        return {name: self.initial.get(name) for name in self.value_fields}

    def clean(self):
        cleaned = super().clean()
        # Checked when changed: an item saved untouched keeps what is stored.
        if "measured_value" in self.fields and not self.errors and not self.untouched:
            self._check_figure(cleaned.get("measured_value"))
        return cleaned

    def _check_figure(self, value) -> None:
        target = self.item.target
        problem = figure_problem(
            value, unit=target.unit, baseline=target.baseline, target=target.target_value
        )
        if problem is None:
            return
        if problem.can_confirm:
            if self.data.get(self.add_prefix("confirm_figure")):
                return
            self.asks_to_confirm = True
        self.add_error("measured_value", problem.message)

    def check_rules(self, cleaned: dict) -> None:
        if not cleaned.get("rag") and (cleaned.get("note") or cleaned.get("measured_value")):
            self.add_error("rag", "Select the RAG impact rating")


_FIGURE_ERRORS = {
    "invalid": "Enter the figure as a number, such as 42 or 42.5",
    "max_digits": "Enter a figure of 10 digits or fewer before the point",
    "max_decimal_places": "Enter the figure with no more than 2 decimal places",
    "max_whole_digits": "Enter a figure of 10 digits or fewer before the point",
}


def _figure_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-10", "inputmode": "decimal"}
        ),
        error_messages=_FIGURE_ERRORS,
    )


class TargetChangeForm(ChangeRequestForm):
    """A proposed change to what an outcome target promises, shown filled with what it
    promises now."""

    text = forms.CharField(
        label="Wording",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the wording of the outcome target",
            "max_length": "The wording must be 2,000 characters or fewer",
        },
    )
    baseline = _figure_field("Baseline")
    target_value = _figure_field("Target figure")
    unit = forms.CharField(
        label="Unit",
        help_text="%, cases, young people...",
        required=False,
        max_length=40,
        error_messages={"max_length": "The unit must be 40 characters or fewer"},
    )
    target_month = GovukMonthField(
        what="the target date", label="Target date", help_text="For example, 3 2025", required=False
    )
    field_order = ["text", "baseline", "target_value", "unit", "target_month"]

    def __init__(self, *args, target, **kwargs):
        initial = {field: getattr(target, field) for field in PROMISED_FIELDS}
        initial.update(kwargs.pop("initial", None) or {})
        super().__init__(*args, initial=initial, **kwargs)
        self.target = target

    def proposed(self) -> dict:
        return {field: self.cleaned_data[field] for field in PROMISED_FIELDS}

    def clean(self):
        cleaned = super().clean()
        if not self.errors and all(
            cleaned.get(field) == getattr(self.target, field) for field in PROMISED_FIELDS
        ):
            raise forms.ValidationError(
                "Change at least one of the wording, baseline, target figure, unit or date"
            )
        return cleaned
