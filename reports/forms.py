"""The programme manager's commentary, written on the issue page and printed in the pack."""

from __future__ import annotations

from django import forms

from sendplan.forms import GovukDateField, GovukRadios

from .models import ReviewDecision
from .pdf.context import Commentary

SUMMARY_MAX = 3000
PRIORITY_MAX = 1500


class CommentaryForm(forms.Form):
    """A summary for the pack (required) and, optionally, a commentary on each priority.

    Plain text only: the PDF escapes it and keeps its paragraphs and line breaks.
    """

    summary = forms.CharField(
        label="Summary commentary",
        help_text="Printed on the report's summary page: what the forum should take from "
        f"this period. Plain text, up to {SUMMARY_MAX:,} characters.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=SUMMARY_MAX,
        error_messages={
            "required": "Enter a summary commentary for the report",
            "max_length": f"Summary commentary must be {SUMMARY_MAX:,} characters or fewer",
        },
    )

    without_signoff_reason = forms.CharField(
        label="Why issue it without a partner's sign-off?",
        help_text="Printed in the pack where the partners' sign-off would be. Plain text, up "
        f"to {PRIORITY_MAX:,} characters.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=PRIORITY_MAX,
        required=False,
        error_messages={
            "max_length": f"The reason must be {PRIORITY_MAX:,} characters or fewer",
        },
    )

    def __init__(self, *args, priorities, needs_signoff_reason: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "commentary-%s")
        super().__init__(*args, **kwargs)
        self.needs_signoff_reason = needs_signoff_reason
        if not needs_signoff_reason:
            del self.fields["without_signoff_reason"]
        self.priorities = list(priorities)
        for priority in self.priorities:
            self.fields[self.priority_field(priority)] = forms.CharField(
                label=f"Commentary on {priority.short_label} (optional)",
                help_text=f"{priority.title}. Printed under the priority's heading. "
                f"Plain text, up to {PRIORITY_MAX:,} characters.",
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=PRIORITY_MAX,
                required=False,
                error_messages={
                    "max_length": f"Commentary on {priority.short_label} must be "
                    f"{PRIORITY_MAX:,} characters or fewer",
                },
            )

    def clean_without_signoff_reason(self):
        reason = self.cleaned_data["without_signoff_reason"].strip()
        if not reason:
            raise forms.ValidationError(
                "Enter why the pack is issued without a partner's sign-off: no partner has "
                "signed off this statement"
            )
        return reason

    @staticmethod
    def priority_field(priority) -> str:
        return f"priority_{priority.id}"

    def priority_fields(self) -> list[forms.BoundField]:
        return [self[self.priority_field(p)] for p in self.priorities]

    def commentary(self, partner: dict | None = None) -> Commentary:
        data = self.cleaned_data
        return Commentary(
            partner=partner or {},
            summary=data["summary"],
            priorities={
                p.id: data[self.priority_field(p)]
                for p in self.priorities
                if data[self.priority_field(p)]
            },
        )


class SendForReviewForm(forms.Form):
    """Send the draft statement of a period to the area's partner reviewers."""

    period = forms.ChoiceField(
        label="Period",
        error_messages={
            "required": "Select the period the statement covers",
            "invalid_choice": "Select a period from the list",
        },
    )
    closes_on = GovukDateField(
        what="the closing date",
        label="Closing date",
        help_text="Reviewers can answer until the end of this day. For example, 27 3 2024",
    )
    message = forms.CharField(
        label="Message to the reviewers (optional)",
        required=False,
        max_length=PRIORITY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Enter a message of {PRIORITY_MAX:,} characters or fewer"},
    )

    def __init__(self, *args, periods, initial_period=None, **kwargs):
        kwargs.setdefault("auto_id", "review-%s")
        super().__init__(*args, **kwargs)
        self.periods = {p.code: p for p in periods}
        self.fields["period"].choices = [(code, p.label) for code, p in self.periods.items()]
        if initial_period:
            self.fields["period"].initial = initial_period.code

    def clean_period(self):
        return self.periods[self.cleaned_data["period"]]


class ReviewResponseForm(forms.Form):
    """A reviewer's sign-off or dissent on one priority."""

    decision = forms.ChoiceField(
        label="Does this reflect families' experience?",
        choices=ReviewDecision.choices,
        widget=GovukRadios(),
        error_messages={"required": "Select whether you sign off this priority or dissent"},
    )
    words = forms.CharField(
        label="Your words (printed in the pack as you write them)",
        help_text="Required for a dissent: what does not match families' experience.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Enter 2,000 characters or fewer"},
    )

    def __init__(self, *args, priority, **kwargs):
        kwargs.setdefault("prefix", f"p{priority.pk}")
        super().__init__(*args, **kwargs)
        self.priority = priority

    def clean(self):
        data = super().clean()
        if data.get("decision") == ReviewDecision.DISSENT and not data.get("words", "").strip():
            self.add_error("words", "Enter what does not reflect families' experience")
        return data


class StoryCommentForm(forms.Form):
    """A partner reviewer's comment on an issue's story so far for the open month."""

    comment = forms.CharField(
        label="Your comment (the issue's leads see it on their list for the month)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter your comment on the story so far",
            "max_length": "Enter a comment of 2,000 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "story-%s")
        super().__init__(*args, **kwargs)
