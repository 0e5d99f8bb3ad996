"""GOV.UK Frontend form fields for bound Django fields, written by the partials in
``templates/components``.

    {% load govuk_forms %}
    {% govuk_radios form.status legend_class="govuk-fieldset__legend--s" small=True %}
    {% govuk_checkboxes form.actions small=True %}
    {% govuk_select form.owner label_class="govuk-label--m" %}
    {% govuk_textarea form.note %}
    {% govuk_date_input form.completed_on %}
    {% govuk_text_input form.username label_class="govuk-label--m" %}
    {% govuk_hidden_fields form %}

Each tag works out, once and in Python, what GOV.UK's markup needs (ids, the values to
show, which radio is checked, the error classes, the hint and error message the input is
described by) and its partial writes the markup. The partials write the inputs
themselves rather than through Django's widget templates, which cost about a third of a
millisecond per input: the monthly update shows eighteen small forms of up to fourteen
inputs each. For the same reason the text handed to the partials is escaped here, once
(an escaped string costs the template half as much to write); the partials still
escape anything that is not.

Ids follow GOV.UK Frontend: the hint is ``<id>-hint`` and the error message
``<id>-error``. Radios and checkboxes are numbered from 1 and the first one's id is the
field's ``id_for_label`` (sendplan.forms.GovukRadios, GovukCheckboxes), which
components/error_summary.html links to; the parts of a date are ``<id>_0``, ``<id>_1``...
as Django names them.
"""

from __future__ import annotations

import html
from functools import lru_cache

from django import template
from django.forms import BoundField
from django.forms.utils import flatatt
from django.utils.safestring import SafeData, SafeString

register = template.Library()

# Written by the partials themselves, so never copied from the widget's attrs.
OWN_ATTRIBUTES = {"class", "id", "name", "type", "value", "label", "aria-describedby"}


def _escaped(value) -> SafeString:
    """``value`` as Django's escape() writes it (left as it is if already safe)."""
    if isinstance(value, SafeData):
        return value
    return SafeString(html.escape(str(value)))


def _field_context(field: BoundField) -> dict:
    """What every GOV.UK field shows: its label, hint and error message, and the
    ``aria-describedby`` tying them to the input (or to the fieldset of a group)."""
    auto_id = _escaped(field.auto_id)
    hint_id, error_id = SafeString(f"{auto_id}-hint"), SafeString(f"{auto_id}-error")
    hint = _escaped(field.help_text) if field.help_text else ""
    errors = [_escaped(error) for error in field.errors]
    described_by = [i for i, shown in ((hint_id, hint), (error_id, errors)) if shown]
    return {
        "id": auto_id,
        "name": _escaped(field.html_name),
        "label": _escaped(field.label),
        "hint": hint,
        "hint_id": hint_id,
        "errors": errors,
        "error_id": error_id,
        "described_by": SafeString(" ".join(described_by)),
    }


@lru_cache(maxsize=512)
def _flat_attributes(attrs: tuple) -> str:
    # A form's widgets have the same few attributes on every page (rows, maxlength...).
    return flatatt(dict(attrs))


def _other_attributes(field: BoundField, attrs: dict | None = None) -> str:
    """The widget's attributes the partial does not write itself (rows, maxlength,
    autocomplete, inputmode...), with Django's required and disabled, as HTML."""
    widget = field.field.widget
    attrs = field.build_widget_attrs(dict(widget.attrs if attrs is None else attrs), widget)
    return _flat_attributes(
        tuple((k, v) for k, v in attrs.items() if k not in OWN_ATTRIBUTES and v is not False)
    )


def _options(field: BoundField, context: dict) -> list[dict]:
    """The choices of a radios, checkboxes or select field, numbered from 1 (ids
    ``<id>_1``...), each with whether it is chosen and the hint its widget gives it
    (``GovukRadios(hints=...)``)."""
    widget = field.field.widget
    hints = getattr(widget, "hints", {})
    chosen = set(widget.format_value(field.value()))
    options = []
    for number, (value, label) in enumerate(field.field.choices, start=1):
        option_id = SafeString(f"{context['id']}_{number}")
        hint = hints.get(value, "")
        options.append(
            {
                "id": option_id,
                "hint_id": SafeString(f"{option_id}-hint"),
                "value": _escaped(value),
                "label": _escaped(label),
                "hint": _escaped(hint) if hint else "",
                "checked": str(value) in chosen,
            }
        )
    return options


def _choices(field: BoundField, kind: str, type_: str, **options) -> dict:
    context = _field_context(field)
    choices = _options(field, context)
    if options.get("inline"):
        # Side by side, the choices carry no hints: the page explains them once.
        for choice in choices:
            choice["hint"] = ""
    context.update(kind=kind, type=type_, options=choices, **options)
    return context


@register.inclusion_tag("components/choices.html")
def govuk_radios(
    field: BoundField, legend_class: str = "", small: bool = False, inline: bool = False
) -> dict:
    """GOV.UK radios in a fieldset, each choice with the hint its widget gives it."""
    return _choices(field, "radios", "radio", legend_class=legend_class, small=small, inline=inline)


@register.inclusion_tag("components/choices.html")
def govuk_checkboxes(field: BoundField, legend_class: str = "", small: bool = False) -> dict:
    """GOV.UK checkboxes in a fieldset, for a multiple choice field
    (sendplan.forms.GovukCheckboxes)."""
    return _choices(field, "checkboxes", "checkbox", legend_class=legend_class, small=small)


@register.inclusion_tag("components/checkbox.html")
def govuk_checkbox(field: BoundField) -> dict:
    """One GOV.UK checkbox for a boolean field, its label beside the box."""
    context = _field_context(field)
    context["checked"] = bool(field.value())
    return context


@register.inclusion_tag("components/select.html")
def govuk_select(field: BoundField, label_class: str = "") -> dict:
    """A GOV.UK select, its options the field's choices (an empty one first if the field
    offers it)."""
    context = _field_context(field)
    context.update(options=_options(field, context), label_class=label_class)
    return context


@register.inclusion_tag("components/textarea.html")
def govuk_textarea(field: BoundField, label_class: str = "") -> dict:
    """A GOV.UK textarea; the widget's attrs give its rows and maxlength."""
    context = _field_context(field)
    context.update(
        value=_escaped(field.field.widget.format_value(field.value()) or ""),
        attrs=_other_attributes(field),
        label_class=label_class,
    )
    return context


@register.inclusion_tag("components/text_input.html")
def govuk_text_input(field: BoundField, label_class: str = "", suffix: str = "") -> dict:
    """A GOV.UK text input; the widget's attrs give its classes (a width), autocomplete
    and inputmode, and its type (text, password, file...). A password is never shown
    again."""
    context = _field_context(field)
    widget = field.field.widget.get_context(field.html_name, field.value(), {})["widget"]
    css = widget["attrs"].get("class") or "govuk-input"
    if context["errors"]:
        # A file input (class govuk-file-upload) has its own error class.
        file_upload = "govuk-file-upload" in css.split()
        css += " govuk-file-upload--error" if file_upload else " govuk-input--error"
    context.update(
        type=_escaped(widget["type"]),
        value=_escaped(widget["value"] or ""),
        css=_escaped(css),
        attrs=_other_attributes(field, widget["attrs"]),
        label_class=label_class,
        suffix=suffix,
    )
    return context


@register.inclusion_tag("components/date_input.html")
def govuk_date_input(field: BoundField, legend_class: str = "") -> dict:
    """The GOV.UK date input for a MultiValueField (day, month and year, or month and
    year): each part's label and width class come from its sub-widget's attrs."""
    context = _field_context(field)
    widget = field.field.widget
    value = field.value()
    if not isinstance(value, list | tuple):
        value = widget.decompress(value)
    # sendplan.forms.GovukDateField notes the parts left out or not a number; without such
    # a note, a wrong date marks every part.
    to_fix = getattr(field.field, "parts_to_fix", ())
    parts = []
    for index, (sub, suffix) in enumerate(zip(widget.widgets, widget.widgets_names, strict=True)):
        css = sub.attrs.get("class", "govuk-input govuk-date-input__input")
        if (index in to_fix) if to_fix else context["errors"]:
            css += " govuk-input--error"
        parts.append(
            {
                "id": SafeString(f"{context['id']}_{index}"),
                "name": _escaped(f"{field.html_name}{suffix}"),
                "label": _escaped(sub.attrs.get("label", "")),
                "class": _escaped(css),
                "value": _escaped(
                    sub.format_value(value[index] if index < len(value) else None) or ""
                ),
            }
        )
    context.update(parts=parts, legend_class=legend_class)
    return context


@register.inclusion_tag("components/hidden_fields.html")
def govuk_hidden_fields(form) -> dict:
    """A form's hidden fields (a version, a fingerprint), without Django's widget
    templates."""
    return {
        "fields": [
            {
                "id": _escaped(field.auto_id),
                "name": _escaped(field.html_name),
                "value": _escaped(field.field.widget.format_value(field.value()) or ""),
            }
            for field in form.hidden_fields()
        ]
    }
