"""The programme manager's commentary, written on the issue page and printed in the pack."""

from __future__ import annotations

from django import forms

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

    def __init__(self, *args, priorities, **kwargs):
        kwargs.setdefault("auto_id", "commentary-%s")
        super().__init__(*args, **kwargs)
        self.priorities = list(priorities)
        for priority in self.priorities:
            self.fields[self.priority_field(priority)] = forms.CharField(
                label=f"Commentary on priority {priority.number} (optional)",
                help_text=f"{priority.title}. Printed under the priority's heading. "
                f"Plain text, up to {PRIORITY_MAX:,} characters.",
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=PRIORITY_MAX,
                required=False,
                error_messages={
                    "max_length": f"Commentary on priority {priority.number} must be "
                    f"{PRIORITY_MAX:,} characters or fewer",
                },
            )

    @staticmethod
    def priority_field(priority) -> str:
        return f"priority_{priority.id}"

    def priority_fields(self) -> list[forms.BoundField]:
        return [self[self.priority_field(p)] for p in self.priorities]

    def commentary(self) -> Commentary:
        data = self.cleaned_data
        return Commentary(
            summary=data["summary"],
            priorities={
                p.id: data[self.priority_field(p)]
                for p in self.priorities
                if data[self.priority_field(p)]
            },
        )
