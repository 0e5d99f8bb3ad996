"""Forms of running the months: opening one, and re-opening a closed one."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from sendplan.forms import GovukDateField, GovukMonthField
from sendplan.months import month_words, this_month


class OpenMonthForm(forms.Form):
    month = GovukMonthField(what="the month to open", label="Month to open")
    deadline = GovukDateField(
        what="the deadline",
        label="Deadline (optional)",
        help_text="The day updates are due. For example, 10 6 2023",
        required=False,
    )

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month > this_month():
            raise ValidationError(f"You cannot open {month_words(month)} yet: it has not started")
        return month

    def clean(self):
        cleaned = super().clean()
        month, deadline = cleaned.get("month"), cleaned.get("deadline")
        if month and deadline and deadline < month:
            self.add_error("deadline", f"The deadline must be in or after {month_words(month)}")
        return cleaned


class ReopenMonthForm(forms.Form):
    reason = forms.CharField(
        label="Why are you re-opening the month?",
        help_text="This is recorded in the month's history.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the reason for re-opening the month",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )
