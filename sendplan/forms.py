"""The GOV.UK form kit: radios, checkboxes, date and month inputs with messages that say
what to fix, and the BRAGG and RAG keys as radio choices with their definitions as hints.
Rendered by the partials in templates/components/ through sendplan.templatetags.govuk_forms;
and the fields that read a month or a day from a page's own links (``?month=2023-04``) through
``sendplan.months``, the one way a month or a day comes in, so a form gives the same
message as the 400 page for the same bad value."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst

from .months import BadMonthOrDate, parse_iso_date, parse_iso_month

EARLIEST_YEAR = 2000


class _NumberedFromOne:
    """Choices numbered from 1, the field's label id being the first choice's, as GOV.UK
    error summaries link to it."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "1" if index is None else index)


class GovukRadios(_NumberedFromOne, forms.RadioSelect):
    """Radios as components/choices.html writes them, ``hints`` giving a choice's hint by
    its value."""

    def __init__(self, attrs=None, choices=(), hints=None):
        super().__init__(attrs, choices)
        self.hints = dict(hints or {})


class GovukCheckboxes(_NumberedFromOne, forms.CheckboxSelectMultiple):
    """Checkboxes as components/choices.html writes them."""


class GovukDateWidget(forms.MultiWidget):
    """The parts of the GOV.UK date input, each with the label and width GOV.UK gives it:
    day, month and year."""

    parts = ("day", "month", "year")

    def __init__(self, attrs=None):
        css = "govuk-input govuk-date-input__input govuk-input--width-"
        widgets = [
            forms.TextInput(
                attrs={"class": css + ("4" if part == "year" else "2"), "label": capfirst(part)}
            )
            for part in self.parts
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        return tuple(getattr(value, part) if value else None for part in self.parts)

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else ""


class GovukMonthWidget(GovukDateWidget):
    """The GOV.UK date input without the day: month and year."""

    parts = ("month", "year")


WHOLE_NUMBER = re.compile(r"[0-9]+")


class GovukDateField(forms.MultiValueField):
    """The GOV.UK date input (day, month and year) with messages that say what to fix,
    ``what`` naming the date in them ("the completion date"). ``error_messages`` may word
    "incomplete" (a part left out), "invalid" (not a real date) and "year" (before
    ``earliest_year``; None allows any year) otherwise. Cleaning notes in
    ``parts_to_fix`` the parts left out or not a number, for the page to mark; when it
    notes none, a wrong date marks every part."""

    widget = GovukDateWidget
    parts_words, example, noun = "a day, month and year", "27 3 2023", "date"

    def __init__(self, *, what: str, earliest_year=EARLIEST_YEAR, error_messages=None, **kwargs):
        self.what, self.earliest_year, self.parts_to_fix = what, earliest_year, ()
        incomplete = f"Enter {what} as {self.parts_words}, such as {self.example}"
        messages = {
            "required": incomplete,
            "incomplete": incomplete,
            "invalid": f"{capfirst(what)} must be a real {self.noun}, such as {self.example}",
            "year": f"Enter {what} with a four-digit year, such as 2023",
            **(error_messages or {}),
        }
        fields = [forms.CharField(required=False) for _ in self.widget.parts]
        super().__init__(fields=fields, require_all_fields=False, error_messages=messages, **kwargs)

    def clean(self, value):
        self.parts_to_fix = ()
        return super().clean(value)

    def compress(self, data_list):
        if not any(data_list):
            # Only spaces typed: as empty as nothing typed.
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        left_out = tuple(i for i, text in enumerate(data_list) if not text)
        not_numbers = tuple(
            i for i, text in enumerate(data_list) if text and not WHOLE_NUMBER.fullmatch(text)
        )
        for code, parts in (("incomplete", left_out), ("invalid", not_numbers)):
            if parts:
                self.parts_to_fix = parts
                raise ValidationError(self.error_messages[code], code=code)
        try:
            number = dict(zip(self.widget.parts, map(int, data_list), strict=True))
            value = dt.date(number["year"], number["month"], number.get("day", 1))
        except (ValueError, OverflowError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if self.earliest_year and value.year < self.earliest_year:
            raise ValidationError(self.error_messages["year"], code="year")
        return value


class GovukMonthField(GovukDateField):
    """The GOV.UK date input without the day, for a month: its first day."""

    widget = GovukMonthWidget
    parts_words, example, noun = "a month and year", "9 2023", "month"


def key_choices(choices) -> list[tuple[str, str]]:
    """Radio choices showing the key's words: Blue, Red, Amber..."""
    return [(choice.value, choice.word) for choice in choices]


def key_hints(choices) -> dict[str, str]:
    """Each word's definition, shown as its radio's hint: "On track, some concerns"."""
    return {choice.value: choice.meaning[:1].upper() + choice.meaning[1:] for choice in choices}


class _IsoField(forms.Field):
    def parse(self, text: str) -> dt.date:
        raise NotImplementedError

    def to_python(self, value):
        if isinstance(value, dt.date):
            return value
        if value in self.empty_values or not str(value).strip():
            return None
        try:
            return self.parse(str(value))
        except BadMonthOrDate as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class IsoMonthField(_IsoField):
    """A month written "2023-04", as its first day. ``month_name`` is what the message
    calls it ("the month of the bar")."""

    def __init__(self, *, month_name: str = "a month", **kwargs):
        self.month_name = month_name
        super().__init__(**kwargs)

    def parse(self, text: str) -> dt.date:
        return parse_iso_month(text, name=self.month_name)


class IsoDateField(_IsoField):
    """A day written "2023-04-30"."""

    def parse(self, text: str) -> dt.date:
        return parse_iso_date(text)


class AsAtForm(forms.Form):
    """``?as_at=YYYY-MM-DD``: a page as it stood at the end of a past day."""

    as_at = IsoDateField(
        required=False, label="As at", help_text="See it as it stood at the end of this day."
    )

    def clean_as_at(self):
        value = self.cleaned_data["as_at"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("Enter a date that is today or in the past.")
        return value
