"""The forms of evidence: add a file or a link, withdraw with a reason."""

from __future__ import annotations

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone

from sendplan.forms import GovukDateField, GovukRadios

from .filecheck import ALLOWED_WORDS, max_bytes
from .models import EvidenceKind


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(
        label="Is it a file or a link?",
        choices=EvidenceKind.choices,
        widget=GovukRadios(
            hints={
                EvidenceKind.FILE: "A document, spreadsheet or image from your computer",
                EvidenceKind.LINK: "An address where the evidence is kept, such as a shared drive",
            }
        ),
        error_messages={"required": "Select whether the evidence is a file or a link"},
    )
    file = forms.FileField(
        label="File",
        required=False,
        help_text=f"{ALLOWED_WORDS}, at most {max_bytes() // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload"}),
        error_messages={"empty": "The file is empty: choose a file with something in it"},
    )
    url = forms.URLField(
        label="Link",
        required=False,
        max_length=2000,
        assume_scheme="https",
        validators=[URLValidator(schemes=["https", "http"])],
        help_text="Starting https://",
        error_messages={
            "invalid": "Enter the link as a web address, such as https://example.org/report"
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title for the evidence"},
    )
    dated = GovukDateField(
        what="the date the evidence is from",
        label="Date it is from",
        help_text="For example, 27 3 2023",
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_dated(self):
        value = self.cleaned_data.get("dated")
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date the evidence is from must be today or earlier")
        return value

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == EvidenceKind.FILE and not cleaned.get("file") and "file" not in self.errors:
            self.add_error("file", "Choose the file to add")
        if kind == EvidenceKind.LINK and not cleaned.get("url") and "url" not in self.errors:
            self.add_error("url", "Enter the link")
        return cleaned


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is it withdrawn?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="It stays in the item's history with your reason.",
        error_messages={"required": "Enter the reason the evidence is withdrawn"},
    )
