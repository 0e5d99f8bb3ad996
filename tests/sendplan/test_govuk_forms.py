"""GOV.UK form fields (sendplan/templatetags/govuk_forms.py and the partials in
templates/components): each input is tied to its label, hint and error message, as
screen readers need, and says nothing it should not."""

import datetime as dt
import re
from html.parser import HTMLParser

from django import forms
from django.template import Context, Template

from sendplan.forms import GovukCheckboxes, GovukDateField, GovukMonthField, GovukRadios


def render(source: str, **context) -> str:
    return Template("{% load govuk_forms %}" + source).render(Context(context))


def elements(html: str) -> dict[str, dict]:
    """Every element with an id, by id: its tag and attributes."""
    found = {}

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if "id" in attrs:
                assert attrs["id"] not in found, f"duplicate id {attrs['id']}"
                found[attrs["id"]] = {"tag": tag, **attrs}

    Parser().feed(html)
    return found


class _Form(forms.Form):
    status = forms.ChoiceField(
        label="BRAGG status for May 2023",
        choices=[("red", "Red"), ("green", "Green")],
        required=False,
        widget=GovukRadios(hints={"red": "Major concerns", "green": "On track, no concerns"}),
    )
    note = forms.CharField(
        label="Note",
        help_text="Say why, if the action is Red or Amber.",
        max_length=100,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    name = forms.CharField(
        label="Name",
        help_text="As it appears in the plan",
        widget=forms.TextInput(attrs={"class": "x", "autocomplete": "off"}),
    )
    secret = forms.CharField(label="Password", widget=forms.PasswordInput)
    completed_on = GovukDateField(
        what="the completion date", label="Completion date", help_text="For example, 27 3 2023"
    )
    due = GovukMonthField(what="the new due month", label="New due month", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
    items = forms.MultipleChoiceField(
        label="Actions it concerns",
        choices=[("1", "1.1: Consult"), ("2", "1.2: Publish")],
        required=False,
        widget=GovukCheckboxes,
    )
    owner = forms.ChoiceField(
        label="Owner", choices=[("", "No owner yet"), ("7", "Carla & Co")], required=False
    )


def _bound(**data) -> _Form:
    form = _Form(data=data)
    form.is_valid()
    return form


def test_radios_number_from_the_label_id_and_describe_each_choice_by_its_hint():
    form = _Form(initial={"status": "green"})

    html = render("{% govuk_radios form.status small=True %}", form=form)
    ids = elements(html)

    first = ids[form["status"].id_for_label]
    assert (first["tag"], first["value"]) == ("input", "red")
    assert first["aria-describedby"] == "id_status_1-hint"
    assert ids["id_status_1-hint"]["class"] == "govuk-hint govuk-radios__hint"
    assert ">Major concerns</div>" in html
    assert '<label class="govuk-label govuk-radios__label" for="id_status_2">Green</label>' in html
    assert "checked" in ids["id_status_2"] and "checked" not in first
    assert "govuk-radios--small" in html
    assert "<legend" in html and "BRAGG status for May 2023</legend>" in html


def test_radios_with_an_error_tie_the_message_to_the_fieldset():
    form = _bound(status="purple")

    html = render("{% govuk_radios form.status %}", form=form)
    ids = elements(html)

    fieldset = re.search(r"<fieldset[^>]*>", html).group(0)
    assert 'aria-describedby="id_status-error"' in fieldset
    assert ids["id_status-error"]["class"] == "govuk-error-message"
    assert '<span class="govuk-visually-hidden">Error:</span> Select a valid choice.' in html
    assert "govuk-form-group--error" in html


def test_a_textarea_ties_its_hint_and_error_and_keeps_what_was_typed():
    form = _bound(note="\nFirst line & <b>more</b>" + "x" * 100)

    html = render("{% govuk_textarea form.note %}", form=form)
    ids = elements(html)

    textarea = ids["id_note"]
    assert textarea["aria-describedby"] == "id_note-hint id_note-error"
    assert textarea["class"] == "govuk-textarea govuk-textarea--error"
    assert (textarea["rows"], textarea["maxlength"]) == ("3", "100")
    assert ids["id_note-hint"]["tag"] == "div"
    assert '<label class="govuk-label" for="id_note">Note</label>' in html
    # A newline follows the tag, as browsers drop it: the leading newline typed is kept.
    assert ">\n\nFirst line &amp; &lt;b&gt;more&lt;/b&gt;x" in html


def test_a_text_input_ties_hint_and_error_to_the_input():
    form = _bound(name="")

    html = render('{% govuk_text_input form.name label_class="govuk-label--m" %}', form=form)
    ids = elements(html)

    field = ids["id_name"]
    assert field["aria-describedby"] == "id_name-hint id_name-error"
    assert field["class"] == "x govuk-input--error"
    assert (field["type"], field["autocomplete"]) == ("text", "off")
    assert "govuk-form-group--error" in html
    assert "govuk-label govuk-label--m" in html
    assert '<span class="govuk-visually-hidden">Error:</span> This field is required.' in html


def test_a_password_is_never_written_back_into_the_page():
    form = _bound(secret="correct horse")

    html = render("{% govuk_text_input form.secret %}", form=form)

    assert 'type="password"' in html
    assert "correct horse" not in html


def test_a_date_input_labels_each_part_and_keeps_the_values_typed():
    form = _bound(completed_on_0="31", completed_on_1="2", completed_on_2="2023")

    html = render("{% govuk_date_input form.completed_on %}", form=form)
    ids = elements(html)

    fieldset = re.search(r"<fieldset[^>]*>", html).group(0)
    assert 'role="group"' in fieldset
    assert 'aria-describedby="id_completed_on-hint id_completed_on-error"' in fieldset
    assert "must be a real date" in html
    for index, (label, value) in enumerate([("Day", "31"), ("Month", "2"), ("Year", "2023")]):
        part = ids[f"id_completed_on_{index}"]
        assert (part["name"], part["value"]) == (f"completed_on_{index}", value)
        assert "govuk-input--error" in part["class"]
        assert f'for="id_completed_on_{index}">{label}</label>' in html
    assert form["completed_on"].id_for_label == "id_completed_on_0"


def test_a_date_input_marks_only_the_parts_left_out_or_not_numbers():
    left_out = _bound(completed_on_0="12", completed_on_1="", completed_on_2="2023")
    not_number = _bound(completed_on_0="12", completed_on_1="May", completed_on_2="2023")

    for form, message in [
        (left_out, "Enter the completion date as a day, month and year, such as 27 3 2023"),
        (not_number, "The completion date must be a real date, such as 27 3 2023"),
    ]:
        ids = elements(render("{% govuk_date_input form.completed_on %}", form=form))
        assert form.errors["completed_on"] == [message]
        marked = [i for i in range(3) if "--error" in ids[f"id_completed_on_{i}"]["class"]]
        assert marked == [1]


def test_a_date_field_can_word_its_messages_and_allow_any_year():
    class Meeting(forms.Form):
        held_on = GovukDateField(
            what="the date",
            earliest_year=None,
            error_messages={"incomplete": "The date must include a day, month and year"},
            required=False,
        )

    def errors(day, month, year):
        form = Meeting(data={"held_on_0": day, "held_on_1": month, "held_on_2": year})
        return form.cleaned_data if form.is_valid() else form.errors["held_on"]

    assert errors("12", "", "2023") == ["The date must include a day, month and year"]
    assert errors("31", "2", "2023") == ["The date must be a real date, such as 27 3 2023"]
    assert errors("12", "5", "23") == {"held_on": dt.date(23, 5, 12)}
    assert errors("", "", "") == {"held_on": None}


def test_checkboxes_number_from_the_label_id_and_keep_what_was_ticked():
    form = _bound(items=["2"])

    html = render("{% govuk_checkboxes form.items small=True %}", form=form)
    ids = elements(html)

    assert form["items"].id_for_label == "id_items_1"
    assert (ids["id_items_1"]["type"], ids["id_items_1"]["value"]) == ("checkbox", "1")
    assert "checked" in ids["id_items_2"] and "checked" not in ids["id_items_1"]
    assert "govuk-checkboxes govuk-checkboxes--small" in html
    assert '<label class="govuk-label govuk-checkboxes__label" for="id_items_2">' in html
    assert "Actions it concerns</legend>" in html


def test_radios_can_sit_side_by_side():
    html = render("{% govuk_radios form.status inline=True %}", form=_Form())

    assert 'class="govuk-radios govuk-radios--inline"' in html


def test_a_select_shows_its_choices_and_ties_its_error_to_it():
    form = _bound(owner="99")

    html = render('{% govuk_select form.owner label_class="govuk-label--m" %}', form=form)
    ids = elements(html)

    assert ids["id_owner"]["class"] == "govuk-select govuk-select--error"
    assert ids["id_owner"]["aria-describedby"] == "id_owner-error"
    assert '<label class="govuk-label govuk-label--m" for="id_owner">Owner</label>' in html
    assert '<option value="7">Carla &amp; Co</option>' in html
    assert "Select a valid choice." in html
    assert "selected" not in html
    chosen = render("{% govuk_select form.owner %}", form=_Form(initial={"owner": "7"}))
    assert '<option value="7" selected>' in chosen


def test_a_month_input_has_only_month_and_year():
    form = _Form(initial={"due": None})

    html = render("{% govuk_date_input form.due %}", form=form)
    ids = elements(html)

    assert [ids[f"id_due_{i}"]["name"] for i in (0, 1)] == ["due_0", "due_1"]
    assert "id_due_2" not in ids
    assert "govuk-input--error" not in html
    assert "aria-describedby" not in html


def test_hidden_fields_keep_their_values():
    form = _Form(prefix="action-3", initial={"version": 7})

    html = render("{% govuk_hidden_fields form %}", form=form)

    assert html.strip() == (
        '<input type="hidden" name="action-3-version" value="7" id="id_action-3-version">'
    )


def test_labels_hints_and_values_are_escaped():
    class Hostile(forms.Form):
        figure = forms.CharField(label="Measured (<b>%</b>)", help_text='The target is "<i>"')

    form = Hostile(data={"figure": '"><script>alert(1)</script>'})
    form.is_valid()

    html = render("{% govuk_text_input form.figure %}", form=form)

    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "Measured (&lt;b&gt;%&lt;/b&gt;)" in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_a_file_input_with_an_error_has_the_file_uploads_error_class():
    class UploadForm(forms.Form):
        file = forms.FileField(widget=forms.FileInput(attrs={"class": "govuk-file-upload"}))

    html = render("{% govuk_text_input form.file %}", form=UploadForm(data={}, files={}))

    field = elements(html)["id_file"]
    assert field["class"] == "govuk-file-upload govuk-file-upload--error"
    assert field["type"] == "file"
