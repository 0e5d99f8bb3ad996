"""The dashboard's bars and the lists of items behind each, and what its figures carry."""

import datetime as dt
import json
import re

import plotly.graph_objects
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, json_script

from actions.models import Action, ActionStatus
from reports.dashboard import Chart
from tests import factories
from tests.reports.dashboard_data import APRIL
from tests.reports.dashboard_data import dashboard_url as _url


def _at(day: dt.date, hour: int = 12):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


# --- Bars and their lists --------------------------------------------------------------


def _figures(body: str) -> dict:
    return {
        name: json.loads(data)
        for name, data in re.findall(
            r'<script id="([\w-]+)-data" type="application/json">(.*?)</script>', body, re.S
        )
    }


def _item_rows(html: str) -> list[str]:
    """The rows of the first items table in ``html`` (a bar's list or the items page)."""
    table = re.search(r'<table class="govuk-table sendplan-items-table">(.*?)</table>', html, re.S)
    body = table[1].split('<tbody class="govuk-table__body">')[1]
    return re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', body, re.S)


def _tag_words(rows: list[str]) -> set[str]:
    return {w for row in rows for w in re.findall(r'<strong class="govuk-tag[^>]*>([^<]+)', row)}


def test_every_bar_leads_to_the_list_of_exactly_its_items(client, viewer_a, built):
    """Every bar, of the month's charts by priority and of the trends, goes to the items
    page, as does its figure in the chart's table; the list there has as many items as
    the bar counts, each showing the bar's status word."""
    client.force_login(viewer_a)

    body = client.get(_url(built, "?month=2023-04")).content.decode()

    figures = _figures(body)
    assert set(figures) >= {"bragg-priority", "bragg-trend", "rag-priority", "rag-trend"}
    items_page = reverse("reports:dashboard_items", args=[built.slug]) + "?"
    bars = dict.fromkeys(["bragg-priority", "bragg-trend", "rag-priority", "rag-trend"], 0)
    for name in bars:
        for trace in figures[name]["data"]:
            for target, count in zip(trace["customdata"], trace["y"], strict=True):
                assert target.startswith(items_page)
                if not count:
                    continue
                assert f'href="{escape(target)}"' in body
                page = client.get(target).content.decode()
                rows = _item_rows(page)
                assert re.search(rf"<h1 [^>]*>[^<]* in \w+ 2023 \({count}\)</h1>", page)
                assert len(rows) == count, (name, trace["name"], target)
                assert _tag_words(rows) == {trace["name"]}
                bars[name] += 1
    # By priority: 5 statuses of actions and 3 of targets in each of 2 priorities. Trend:
    # March (all Grey, targets all not rated) and April (4 statuses and not rated; 3).
    assert bars == {"bragg-priority": 10, "bragg-trend": 6, "rag-priority": 6, "rag-trend": 4}
    assert "sendplan-bar-items" not in body  # no list is rendered on the dashboard itself


def test_every_figure_the_page_emits_is_what_plotly_itself_would_emit(client, viewer_a, built):
    """The figures are plain dicts; plotly stays the schema authority. Figure() raises on
    a property or value plotly does not know, and its JSON equals the dict, so nothing
    the page sends differs from what plotly's own objects would have written."""
    one = built.priorities.get(number=1)
    milestone = factories.MilestoneFactory(plan=built, period="Spring 2023", due_month=APRIL)
    factories.MilestonePriorityFactory(milestone=milestone, priority=one)
    factories.MilestoneFactory(plan=built, period="Autumn 2025", due_month=dt.date(2025, 11, 1))
    client.force_login(viewer_a)
    lead = built.area.people.get(name="Jo Littler")

    pages = {
        query: _figures(client.get(_url(built, query)).content.decode())
        for query in ["?month=2023-04", f"?month=2023-03&lead={lead.id}", "?month=2023-05"]
    }

    assert set(pages["?month=2023-04"]) == {
        "bragg-priority",
        "bragg-trend",
        "rag-priority",
        "rag-trend",
        "measures",
        "milestones-chart",
    }
    for query, figures in pages.items():
        for name, figure in figures.items():
            plotted = plotly.graph_objects.Figure(figure)
            assert json.loads(plotted.to_json()) == figure, (query, name)


def test_a_misspelt_figure_property_is_refused_by_plotly():
    figure = {"data": [{"type": "bar", "x": ["a"], "y": [1], "hovertemplat": "%{y}"}]}

    with pytest.raises(ValueError, match="hovertemplat"):
        plotly.graph_objects.Figure(figure)


def test_long_text_and_notes_are_cut_short_in_the_lists(client, viewer_a, built):
    action = Action.objects.get(text="Action 1.1.3")
    action.text = "Long " * 60
    action.save()
    status = ActionStatus.objects.get(action=action, month=APRIL)
    status.note = "Why " * 100
    status.save()
    client.force_login(viewer_a)

    body = client.get(_url(built, "?month=2023-04")).content.decode()

    red_amber = re.search(
        r'<section aria-labelledby="red-amber-actions-heading"(.*?)</section>', body, re.S
    )
    [row] = [r for r in _item_rows(red_amber[1]) if "Long Long" in r]
    assert ("Long " * 60)[:159] + "…</td>" in row
    assert ("Why " * 100)[:239] + "…</td>" in row


def test_each_chart_has_an_image_role_with_a_summary_and_a_table(client, viewer_a, built):
    client.force_login(viewer_a)

    body = client.get(_url(built, "?month=2023-04")).content.decode()

    labels = re.findall(
        r'<div class="sendplan-chart__figure[^"]*" role="img" aria-label="([^"]+)">', body
    )
    assert len(labels) == 5
    assert "2 Blue, 2 Green, 2 Amber, 2 Red, 0 Grey, 2 Not rated" in labels[0]
    assert body.count('<table class="govuk-table">') >= 5


# --- Security --------------------------------------------------------------------------


def test_hostile_labels_are_escaped_and_the_page_has_no_inline_script(client, viewer_a, plan_a):
    hostile = '<img src=x onerror=alert(1)> <a href="javascript:alert(2)">x</a> $\\href{x}$'
    priority = factories.PriorityFactory(plan=plan_a, number=1, title=hostile)
    issue = factories.IssueFactory(priority=priority, ref="1.1")
    target = factories.OutcomeTargetFactory(
        issue=issue, text=hostile, baseline=1, target_value=5, direction="increase"
    )
    factories.ImpactRatingFactory(target=target, month=APRIL, measured_value=3)
    client.force_login(viewer_a)

    body = client.get(_url(plan_a, "?month=2023-04")).content.decode()

    assert "<img src=x" not in body
    assert 'href="javascript:' not in body
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", body, re.S)
    inline = [
        attrs for attrs, text in scripts if text.strip() and 'type="application/json"' not in attrs
    ]
    assert inline == []
    assert '<script src="/static/vendor/plotly/plotly-strict.min.js">' in body
    measures = re.search(
        r'<script id="measures-data" type="application/json">(.*?)</script>', body, re.S
    )[1]
    label = json.loads(measures)["data"][0]["y"][0]
    assert "<img" not in label
    assert "&lt;img" in label


def test_a_figures_data_block_is_what_json_script_writes():
    figure = {"data": [{"type": "bar", "y": ["</script><script>alert(1)</script> & <!--"]}]}
    chart = Chart("c", "Title", "Summary", figure, "Caption", [], [["x"]])

    written = f'<script id="{chart.data_id}" type="application/json">{chart.figure_json}</script>'

    assert written == json_script(figure, chart.data_id)
    assert "</script><script>" not in chart.figure_json
