"""Form fields for the months and days pages write in their own links and fields.

They read through ``sendplan.months`` (the one way a month or a day comes in), so a form
gives the same message as the 400 page for the same bad value.
"""

from __future__ import annotations

import datetime as dt

from django import forms

from .months import BadMonthOrDate, parse_iso_date, parse_iso_month


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
