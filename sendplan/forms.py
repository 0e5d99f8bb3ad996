"""The GOV.UK form kit: radios, date and month inputs with messages that say what to fix,
and the BRAGG and RAG keys as radio choices with their definitions as hints. Rendered by
the partials in templates/components/ through sendplan.templatetags.govuk_forms; and the
fields that read a month or a day from a page's own links (``?month=2023-04``) through
``sendplan.months``, the one way a month or a day comes in, so a form gives the same
message as the 400 page for the same bad value."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ValidationError

from .months import BadMonthOrDate, parse_iso_date, parse_iso_month

EARLIEST_YEAR = 2000


class GovukRadios(forms.RadioSelect):
    """Radios as components/radios.html writes them, ``hints`` giving a choice's hint by
    its value. The radios are numbered from 1 and the field's label id is the first
    radio's, as GOV.UK error summaries link to it."""

    def __init__(self, attrs=None, choices=(), hints=None):
        super().__init__(attrs, choices)
        self.hints = dict(hints or {})

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "1" if index is None else index)


class GovukDateWidget(DateInputWidget):
    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else ""


class GovukDateField(DateInputField):
    """The GOV.UK date input (day, month, year) with messages that say what to fix."""

    widget = GovukDateWidget

    def __init__(self, *, what: str, **kwargs):
        self.what = what
        kwargs.setdefault("require_all_fields", False)
        super().__init__(**kwargs)
        message = f"Enter {what} as a day, month and year, such as 27 3 2023"
        self.error_messages["required"] = message
        self.error_messages["incomplete"] = message
        for sub in self.fields:
            sub.validators = []
            sub.error_messages["incomplete"] = message

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        try:
            day, month, year = (int(str(v).strip()) for v in data_list)
            value = dt.date(year, month, day)
        except (TypeError, ValueError, OverflowError):
            raise ValidationError(
                f"{self.what[0].upper()}{self.what[1:]} must be a real date, such as 27 3 2023"
            ) from None
        if value.year < EARLIEST_YEAR:
            raise ValidationError(f"Enter {self.what} with a four-digit year, such as 2023")
        return value


class GovukMonthWidget(forms.MultiWidget):
    """The GOV.UK date input without the day: month and year."""

    template_name = DateInputWidget.template_name

    def __init__(self, attrs=None):
        css = "govuk-input govuk-date-input__input"
        widgets = [
            forms.TextInput(attrs={"class": f"{css} govuk-input--width-2", "label": "Month"}),
            forms.TextInput(attrs={"class": f"{css} govuk-input--width-4", "label": "Year"}),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        return (value.month, value.year) if value else (None, None)

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else ""


class GovukMonthField(forms.MultiValueField):
    widget = GovukMonthWidget

    def __init__(self, *, what: str, **kwargs):
        self.what = what
        message = f"Enter {what} as a month and year, such as 9 2023"
        fields = (
            forms.CharField(error_messages={"incomplete": message}),
            forms.CharField(error_messages={"incomplete": message}),
        )
        super().__init__(
            fields=fields,
            require_all_fields=False,
            error_messages={"required": message, "incomplete": message},
            **kwargs,
        )

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        try:
            month, year = (int(str(v).strip()) for v in data_list)
            value = dt.date(year, month, 1)
        except (TypeError, ValueError, OverflowError):
            raise ValidationError(
                f"{self.what[0].upper()}{self.what[1:]} must be a real month, such as 9 2023"
            ) from None
        if value.year < EARLIEST_YEAR:
            raise ValidationError(f"Enter {self.what} with a four-digit year, such as 2023")
        return value


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
