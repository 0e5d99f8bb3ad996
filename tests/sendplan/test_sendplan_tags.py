"""The template tags every page uses: BRAGG and RAG tags, months, tables, error summaries.
(Form fields: test_govuk_forms.py.)"""

import datetime as dt

import pytest
from django import forms
from django.template import Context, Template
from django.utils.safestring import mark_safe

from sendplan.ratings import BRAGG, RAG


def render(source: str, **context) -> str:
    return Template("{% load sendplan_tags %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("value", "word", "definition"),
    [
        ("blue", "Blue", "completed, embedded, sustained"),
        ("red", "Red", "major concerns"),
        ("amber", "Amber", "on track, some concerns"),
        ("green", "Green", "on track, no concerns"),
        ("grey", "Grey", "not started, not due"),
    ],
)
def test_bragg_tag_shows_the_word_and_its_definition(value, word, definition):
    html = render("{% bragg_tag value %}", value=value)

    assert f'class="govuk-tag sendplan-tag--bragg-{value}"' in html
    assert f">{word}<" in html
    assert f'<span class="govuk-visually-hidden"> – {definition}</span>' in html
    assert f'title="{word} – {definition}"' in html


def test_bragg_tag_accepts_the_choice_itself():
    assert ">Amber<" in render("{% bragg_tag value %}", value=BRAGG.AMBER)


@pytest.mark.parametrize("value", [None, ""])
def test_missing_bragg_status_reads_not_rated(value):
    html = render("{% bragg_tag value %}", value=value)

    assert ">Not rated</strong>" in html
    assert "sendplan-tag--bragg-none" in html


def test_unknown_bragg_value_is_shown_as_stored_not_hidden():
    html = render("{% bragg_tag value %}", value="purple")

    assert ">purple</strong>" in html
    assert "sendplan-tag--bragg-none" in html


@pytest.mark.parametrize(
    ("scheme", "value"),
    [("bragg", v) for v in [*BRAGG.values, "", "purple"]] + [("rag", v) for v in RAG.values],
)
def test_status_tag_is_the_bragg_or_rag_tag_of_its_scheme(scheme, value):
    assert render("{% status_tag scheme value %}", scheme=scheme, value=value) == render(
        f"{{% {scheme}_tag value %}}", value=value
    )


def test_status_tag_in_a_list_shows_each_rows_own_value():
    rows = [("bragg", "red"), ("rag", "red"), ("bragg", "blue"), ("bragg", "red"), ("rag", "")]

    html = render(
        "{% for scheme, value in rows %}{% status_tag scheme value %}|{% endfor %}", rows=rows
    )

    assert html.split("|")[:-1] == [render(f"{{% {s}_tag value %}}", value=v) for s, v in rows]


def test_status_tag_escapes_what_it_shows():
    html = render("{% status_tag 'bragg' value %}", value="<b>x</b>")

    assert "<b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


@pytest.mark.parametrize(
    ("value", "word", "definition"),
    [
        ("red", "Red", "impact not measured or negative impact"),
        ("amber", "Amber", "impact being measured, either neutral or not yet measured"),
        ("green", "Green", "positive impact, both measured and demonstrable"),
    ],
)
def test_rag_tag_shows_the_word_and_its_definition(value, word, definition):
    html = render("{% rag_tag value %}", value=value)

    assert f'class="govuk-tag sendplan-tag--rag-{value}"' in html
    assert f">{word}<" in html
    assert f"> – {definition}</span>" in html


def test_rag_tag_does_not_accept_a_bragg_only_colour():
    assert "sendplan-tag--rag-none" in render("{% rag_tag value %}", value="blue")


def test_missing_rag_rating_reads_not_rated():
    assert ">Not rated</strong>" in render("{% rag_tag value %}", value=None)


def test_every_bragg_and_rag_choice_has_a_definition_after_a_dash():
    # The tags split "Amber – on track, some concerns" at the dash; a relabelled choice
    # without one would lose its definition silently.
    for choice in [*BRAGG, *RAG]:
        assert " – " in choice.label


def test_month_filter_writes_the_month_as_plans_do():
    assert render("{{ d|month }}", d=dt.date(2023, 4, 1)) == "April 2023"


def test_month_filter_leaves_a_missing_month_empty():
    assert render("{{ d|month }}", d=None) == ""


def test_govuk_table_escapes_text_and_keeps_safe_html():
    html = render(
        "{% govuk_table rows headers=headers caption='Actions' %}",
        headers=["Ref", {"text": "Count", "numeric": True}],
        rows=[["<b>1.1</b>", {"text": 3, "numeric": True}], [mark_safe("<em>1.2</em>"), 4]],
    )

    assert "&lt;b&gt;1.1&lt;/b&gt;" in html
    assert "<em>1.2</em>" in html
    assert "govuk-table__header--numeric" in html
    assert 'class="govuk-table__cell govuk-table__cell--numeric">3<' in html
    assert "govuk-table__caption--m" in html


def test_govuk_table_can_make_the_first_cell_a_row_header():
    html = render("{% govuk_table rows first_cell_is_header=True %}", rows=[["1.1", "x"]])

    assert '<th scope="row" class="govuk-table__header">1.1</th>' in html


def test_summary_list_links_change_actions_with_the_key_for_screen_readers():
    html = render(
        '{% include "components/summary_list.html" with rows=rows %}',
        rows=[
            {"key": "Due month", "value": "April 2023", "href": "/edit/"},
            {"key": "Lead", "value": "<script>"},
        ],
    )

    assert '<span class="govuk-visually-hidden"> due month</span>' in html
    assert "govuk-summary-list__row--no-actions" in html
    assert "&lt;script&gt;" in html


class _Form(forms.Form):
    name = forms.CharField(
        help_text="As it appears in the plan", widget=forms.TextInput(attrs={"class": "x"})
    )


def test_error_summary_is_empty_for_a_valid_form():
    form = _Form(data={"name": "ok"})
    form.is_valid()

    html = render('{% include "components/error_summary.html" with form=form %}', form=form)

    assert html.strip() == ""


def test_bragg_key_lists_all_five_colours_with_their_meaning():
    html = render("{% bragg_key %}")

    for word in ("Blue", "Red", "Amber", "Green", "Grey"):
        assert f">{word}</strong>" in html
    assert "Completed, embedded, sustained" in html
    assert "BRAGG status key" in html


def test_rag_key_lists_red_amber_green_with_their_meaning():
    html = render("{% rag_key caption='Impact key' %}")

    assert html.count("<strong") == 3
    assert "Positive impact, both measured and demonstrable" in html
    assert "Impact key" in html
