"""Forms of the monthly update's items: an action's BRAGG status, the story so far.

Each item on the "My updates" page is its own small form, prefixed with the item's key
(``action-12``, ``story-3``). Besides its fields it carries two hidden values: the
``version`` of the row it was read at, for the conflict check, and ``seen``, a
fingerprint of the values it showed. A form whose values still match ``seen`` was not
touched, so the page does not save it, and an item that only someone else changed is
not reported as a conflict.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from sendplan.forms import GovukDateField, GovukMonthField, GovukRadios, key_choices, key_hints
from sendplan.months import month_words
from sendplan.ratings import BRAGG
from sendplan.text import MAX_NARRATIVE_CHARS

from .models import check_bragg_rules
from .narrative import PROMPTS, has_disallowed_markup, normalise_newlines, story_html

# How long a note or reason may be: a paragraph or two, not a report.
MAX_NOTE_CHARS = 10_000


def _canonical(value) -> object:
    if value is None:
        return ""
    if isinstance(value, str):
        return normalise_newlines(value).strip()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def fingerprint(values: dict) -> str:
    text = json.dumps({k: _canonical(v) for k, v in values.items()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class ItemForm(forms.Form):
    """One item of the monthly update. Subclasses list their ``value_fields``.

    ``strict`` applies the plan's rules (a note for Red, a completion date for Blue...)
    to a changed item; the draft saved on its own every minute is not strict, so work in
    progress is kept even when it is not complete yet.
    """

    value_fields: tuple[str, ...] = ()

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    seen = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, item=None, month: dt.date, strict: bool = True, **kwargs):
        self.item = item
        self.month = month
        self.strict = strict
        # The partials write no label suffix; without one given, every form would look up
        # the translation of ":" (a page has eighteen forms).
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["seen"] = fingerprint(self.canonical_initial())

    def canonical_initial(self) -> dict:
        return {name: self.initial.get(name) for name in self.value_fields}

    def canonical_cleaned(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.value_fields}

    @property
    def untouched(self) -> bool:
        """Whether the values sent are those the form showed (checked after cleaning)."""
        return fingerprint(self.canonical_cleaned()) == self.cleaned_data.get("seen")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.untouched and self.strict:
            self.check_rules(cleaned)
        return cleaned

    def check_rules(self, cleaned: dict) -> None:
        pass

    def add_errors(self, error: ValidationError) -> None:
        for name, messages in error.message_dict.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class ActionUpdateForm(ItemForm):
    value_fields = ("status", "note", "completed_on", "new_due_month", "due_revised_reason")

    action_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label="BRAGG status",
        choices=key_choices(BRAGG),
        required=False,
        widget=GovukRadios(hints=key_hints(BRAGG)),
        error_messages={"invalid_choice": "Select a BRAGG status from the list"},
    )
    note = forms.CharField(
        label="Note",
        help_text="Say why, if the action is Red or Amber.",
        required=False,
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": f"The note must be {MAX_NOTE_CHARS:,} characters or fewer"},
    )
    completed_on = GovukDateField(
        what="the completion date",
        label="Completion date",
        help_text="Needed for Blue. For example, 27 3 2023",
        required=False,
    )
    new_due_month = GovukMonthField(
        what="the new due month",
        label="New due month",
        help_text="For example, 9 2023",
        required=False,
    )
    due_revised_reason = forms.CharField(
        label="Reason for revising the due date",
        required=False,
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": f"The reason must be {MAX_NOTE_CHARS:,} characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].label = f"BRAGG status for {month_words(self.month)}"
        months = settings.SENDPLAN_DUE_DATE_APPROVAL_MONTHS
        self.fields["new_due_month"].help_text = (
            f"For example, 9 2023. A date more than {months} months after the one first "
            "planned is sent for approval; until approved, the due date stands."
        )

    def clean_completed_on(self):
        value = self.cleaned_data.get("completed_on")
        if value and value > timezone.localdate():
            raise ValidationError("The completion date must be today or in the past")
        return value

    def clean(self):
        cleaned = super().clean()
        new_due = cleaned.get("new_due_month")
        reason = (cleaned.get("due_revised_reason") or "").strip()
        if new_due and not reason and "due_revised_reason" not in self.errors:
            self.add_error("due_revised_reason", "Enter the reason the due date was revised")
        if reason and not new_due and "new_due_month" not in self.errors:
            self.add_error("new_due_month", "Enter the new due month")
        due = self.item.action.due_month if self.item and self.item.action else None
        if new_due and due and new_due == due:
            self.add_error("new_due_month", f"The action is already due in {month_words(due)}")
        return cleaned

    def check_rules(self, cleaned: dict) -> None:
        status = cleaned.get("status")
        if not status:
            if any(cleaned.get(name) for name in ("note", "completed_on")):
                self.add_error("status", "Select the BRAGG status")
            return
        try:
            check_bragg_rules(
                status,
                cleaned.get("note", ""),
                cleaned.get("completed_on"),
                action_id=getattr(self.item, "obj_id", None),
            )
        except ValidationError as error:
            self.add_errors(error)


class StoryForm(ItemForm):
    value_fields = ("narrative",)

    narrative = forms.CharField(
        label="Story so far",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            f"Write about {', '.join(p.lower() for p in PROMPTS[:-1])} and "
            f"{PROMPTS[-1].lower()}. Leave a blank line between paragraphs. "
            "You can use simple formatting: bold, italics, lists and links."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["narrative"].label = f"Story so far for {month_words(self.month)}"
        self.removed_markup = False

    def clean_narrative(self):
        text = normalise_newlines(self.cleaned_data.get("narrative", ""))
        if len(text) > MAX_NARRATIVE_CHARS:
            raise ValidationError(
                f"The story so far must be {MAX_NARRATIVE_CHARS:,} characters or fewer; "
                f"this one has {len(text):,}. Shorten it, or keep the detail in a linked "
                "document."
            )
        self.removed_markup = has_disallowed_markup(text)
        return text

    def canonical_initial(self) -> dict:
        return {"narrative": story_html(self.initial.get("narrative", ""))}

    def canonical_cleaned(self) -> dict:
        return {"narrative": story_html(self.cleaned_data.get("narrative", ""))}


# --- Change requests (issue 19) ------------------------------------------------------------


class ChangeRequestForm(forms.Form):
    """What every change request asks besides the change: why, and from which month."""

    effective_month = GovukMonthField(
        what="the month the change takes effect from",
        label="Takes effect from",
        help_text="The first month reported against the changed promise. For example, 9 2023",
    )
    reason = forms.CharField(
        label="Reason for the change",
        help_text="The approver and the forum's pack see this.",
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the reason for the change",
            "max_length": f"The reason must be {MAX_NOTE_CHARS:,} characters or fewer",
        },
    )

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()


class DueDateChangeForm(ChangeRequestForm):
    due_month = GovukMonthField(
        what="the new due month", label="New due month", help_text="For example, 9 2023"
    )
    field_order = ["due_month", "effective_month", "reason"]


class ChangeDecisionForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[(APPROVE, "Approve the change"), (REJECT, "Reject the change")],
        widget=GovukRadios,
        error_messages={
            "required": "Select whether you approve or reject the change",
            "invalid_choice": "Select whether you approve or reject the change",
        },
    )
    comment = forms.CharField(
        label="Comment",
        help_text="Needed when you reject: the person who asked sees it.",
        required=False,
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"The comment must be {MAX_NOTE_CHARS:,} characters or fewer"
        },
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REJECT and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", "Enter why the change is rejected")
        return cleaned

    @property
    def approves(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE
