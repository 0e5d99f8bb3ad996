"""The dashboard's quantified outcome targets agree with the ratings and say honestly what
is not known; the charts' numbers are upright and only where a bar has room for them."""

import datetime as dt
import json
import re
from decimal import Decimal

import plotly.graph_objects
import pytest
from django.urls import reverse

from outcomes import rules
from reports.dashboard.charts import MIN_SHARE, plotly_figure, status_traces
from reports.dashboard.measures import _progress_layout, _progress_trace
from sendplan.ratings import RAG
from tests import factories
from tests.reports.dashboard_data import APRIL, MARCH, build_plan
from tests.reports.test_dashboard_bars import _figures


def _page(client, plan) -> str:
    url = reverse("reports:dashboard", args=[plan.slug]) + "?month=2023-04"
    return client.get(url).content.decode()


def _measure_rows(body: str) -> dict[str, list[str]]:
    """The table of the quantified targets: each row's cells (text only, tags as words)
    by the row's first cell."""
    section = re.search(r'<section class="sendplan-chart" aria-labelledby="measures-heading">'
                        r"(.*?)</section>", body, re.S)[1]  # fmt: skip
    rows = {}
    for row in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', section, re.S)[1:]:
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        text = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]
        rows[text[0]] = text
    return rows


@pytest.fixture
def targets(plan_a):
    """Three quantified targets of issue 1.1, rated in March and April 2023."""
    issue = factories.IssueFactory(
        priority=factories.PriorityFactory(plan=plan_a, number=1), ref="1.1"
    )

    def target(text, *, baseline, rag, measured, target_month=dt.date(2023, 12, 1)):
        made = factories.OutcomeTargetFactory(
            issue=issue, text=text, baseline=baseline, target_value=Decimal(75), unit="%",
            direction="increase", target_month=target_month,
        )  # fmt: skip
        factories.ImpactRatingFactory(target=made, month=MARCH, rag=RAG.AMBER, measured_value=None)
        factories.ImpactRatingFactory(target=made, month=APRIL, rag=rag, measured_value=measured)
        return made

    return {
        # Up from 40 to 50, but past its date and rated Red: the issue's case.
        "red": target(
            "Red but rising",
            baseline=Decimal(40),
            rag=RAG.RED,
            measured=Decimal(50),
            target_month=MARCH,
        ),  # fmt: skip
        "unmeasured": target("Never measured", baseline=Decimal(40), rag=RAG.AMBER, measured=None),
        "no-baseline": target(
            "No baseline given", baseline=None, rag=RAG.GREEN, measured=Decimal(60)
        ),  # fmt: skip
    }


def test_a_target_rated_red_is_not_called_on_course(client, viewer_a, plan_a, targets):
    client.force_login(viewer_a)

    body = _page(client, plan_a)

    row = _measure_rows(body)["1.1: Red but rising"]
    assert row[1:] == [
        "40",
        "50 (April 2023)",
        "75",
        "%",
        "Moving towards the target",
        "Red – impact not measured or negative impact",
    ]
    assert "On course" not in body
    # The exceptions list says the same rating.
    past = re.search(r'<section aria-labelledby="targets-past-date-heading"(.*?)</section>', body,
                     re.S)[1]  # fmt: skip
    assert "Red but rising" in past
    assert "latest Red" in past


def test_a_target_with_no_figure_says_not_measured(client, viewer_a, plan_a, targets):
    client.force_login(viewer_a)

    row = _measure_rows(_page(client, plan_a))["1.1: Never measured"]

    assert row[2] == "Not measured"
    assert row[5] == "Not measured"
    assert row[6].startswith("Amber")


def test_a_target_with_no_baseline_says_so(client, viewer_a, plan_a, targets):
    client.force_login(viewer_a)

    row = _measure_rows(_page(client, plan_a))["1.1: No baseline given"]

    assert row[1] == "No baseline"
    assert row[5] == "Not known: no baseline to compare with"
    assert row[6].startswith("Green")


def test_the_chart_colours_each_bar_by_its_latest_rating(client, viewer_a, plan_a, targets):
    client.force_login(viewer_a)

    figure = _figures(_page(client, plan_a))["measures"]

    [trace] = figure["data"]
    assert trace["hovertext"] == ["Red"]  # the only target with a baseline and a figure
    assert trace["marker"]["color"] == ["#ca3535"]
    assert trace["textangle"] == 0


def test_the_rating_shown_is_the_latest_even_from_an_earlier_month(client, viewer_a, plan_a):
    issue = factories.IssueFactory(priority=factories.PriorityFactory(plan=plan_a, number=1))
    target = factories.OutcomeTargetFactory(
        issue=issue, text="Rated in March", baseline=Decimal(10), target_value=Decimal(5)
    )
    factories.ImpactRatingFactory(target=target, month=MARCH, rag=RAG.RED, measured_value=12)
    client.force_login(viewer_a)

    [row] = _measure_rows(_page(client, plan_a)).values()

    # No direction given: a target below its baseline is better lower.
    assert row[2] == "12 (March 2023)"
    assert row[5] == "Moving away from the target"
    assert row[6] == "Red – impact not measured or negative impact March 2023"


@pytest.mark.parametrize(
    ("measured", "baseline", "target", "direction", "expected"),
    [
        (None, 40, 75, "increase", None),
        (50, None, 75, "increase", None),
        (80, None, 75, "increase", rules.MET),
        (75, 40, 75, "maintain", rules.MET),
        (50, 40, 75, "increase", rules.TOWARDS),
        (30, 40, 75, "increase", rules.AWAY),
        (40, 40, 75, "increase", rules.UNCHANGED),
        (8, 10, 5, "decrease", rules.TOWARDS),
        (12, 10, 5, "", rules.AWAY),
        (4, 10, 5, "", rules.MET),
        (12, 10, 20, "", rules.TOWARDS),
    ],
)
def test_movement_follows_the_direction(measured, baseline, target, direction, expected):
    assert (
        rules.movement(measured=measured, baseline=baseline, target=target, direction=direction)
        == expected
    )


# --- Numbers in the bars ------------------------------------------------------------------


def _stacked(figure: dict) -> list[dict]:
    return [t for t in figure["data"] if t["type"] == "bar" and t["orientation"] == "v"]


def test_no_chart_rotates_its_numbers_and_thin_segments_have_none(client, viewer_a, plan_a):
    build_plan(plan_a)
    client.force_login(viewer_a)

    figures = _figures(_page(client, plan_a))

    bars = [t for f in figures.values() for t in f["data"] if t["type"] == "bar"]
    assert len(bars) == 2 * 6 + 2 * 4 + 1
    assert all(t["textangle"] == 0 for t in bars)
    for name, figure in figures.items():
        stacked = _stacked(figure)
        tops = [sum(column) for column in zip(*(t["y"] for t in stacked), strict=True)]
        for trace in stacked:
            for value, text in zip(trace["y"], trace["text"], strict=True):
                thin = value < max(tops) * MIN_SHARE
                assert text == ("" if thin or not value else str(value)), (name, trace["name"])


def test_a_thin_segment_is_left_blank_and_a_wide_one_numbered():
    counts = {value: [0, 0] for value in ["green", "amber", "red", "none"]}
    counts["green"] = [30, 2]
    counts["red"] = [1, 0]
    urls = {value: ["#", "#"] for value in counts}

    traces = {t["name"]: t for t in status_traces("rag", ["A", "B"], counts, urls)}

    assert traces["Green"]["text"] == ["30", ""]
    assert traces["Red"]["text"] == ["", ""]
    assert traces["Green"]["y"] == [30, 2]  # the numbers stay in the data (and the table)
    assert {t["textangle"] for t in traces.values()} == {0}


def test_a_short_progress_bar_writes_its_figure_beside_it_or_not_at_all():
    shown = [
        {"issue_ref": "1.1", "text": f"T{n}", "id": n, "rating": rating, "progress": progress}
        for n, (rating, progress) in enumerate([("red", -3.0), ("amber", 10.0), ("none", 60.0)])
    ]
    figure = plotly_figure([_progress_trace(shown)], _progress_layout(shown))

    [trace] = figure["data"]
    assert trace["textposition"] == ["none", "outside", "inside"]
    assert trace["textangle"] == 0
    assert trace["hovertext"] == ["Red", "Amber", "Not rated"]
    assert json.loads(plotly.graph_objects.Figure(figure).to_json()) == figure
