"""Charts for the PDF, drawn as SVG on the server.

WeasyPrint runs no JavaScript, so the dashboards' plotly charts cannot go into a PDF.
These are hand-built SVG: a few rectangles and labels, far cheaper than importing
matplotlib for every report, and the text uses the fonts WeasyPrint already has. Every
chart writes each status's word beside its colour, has a ``<title>`` and ``<desc>``, and
comes with its data as a table, which the report prints next to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe

from sendplan import ratings

# The one palette (sendplan.ratings): (fill, text) per value, so the PDF matches the pages.
COLOURS = ratings.COLOURS
FONT = "Liberation Sans, DejaVu Sans, sans-serif"
INK = "#0b0c0c"
RULE = "#b1b4b6"


@dataclass
class Chart:
    id: str
    title: str
    svg: SafeString
    description: str
    headers: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)


def _text(x, y, text, *, size=9, anchor="start", weight="normal", fill=INK) -> str:
    return (
        f'<text x="{x:g}" y="{y:g}" font-family="{FONT}" font-size="{size}" '
        f'text-anchor="{anchor}" font-weight="{weight}" fill="{fill}">{escape(str(text))}</text>'
    )


def _rect(x, y, w, h, fill, stroke=None) -> str:
    outline = f' stroke="{stroke}" stroke-width="0.75"' if stroke else ""
    return f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" fill="{fill}"{outline}/>'


def _svg(chart_id: str, title: str, description: str, width: float, height: float, body):
    return mark_safe(  # noqa: S308 - every piece of text in it went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:g}" '
        f'height="{height:g}" viewBox="0 0 {width:g} {height:g}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f"{''.join(body)}</svg>"
    )


def bar_chart(chart_id: str, title: str, counts: list[dict]) -> Chart:
    """Horizontal bars, one per status, with the status word and the count beside it."""
    label_w, bar_w, row_h, top = 62, 170, 18, 4
    width = label_w + bar_w + 34
    height = top + row_h * len(counts) + 4
    most = max([c["count"] for c in counts] + [1])
    body = []
    for i, row in enumerate(counts):
        y = top + i * row_h
        fill, _ = COLOURS[row["value"]]
        length = bar_w * row["count"] / most
        body.append(_text(label_w - 6, y + 12, row["word"], anchor="end", weight="bold"))
        if row["count"]:
            body.append(_rect(label_w, y + 2, max(length, 2), row_h - 5, fill, stroke=INK))
        body.append(_text(label_w + length + 4, y + 12, row["count"]))
    description = "; ".join(f"{c['word']}: {c['count']}" for c in counts)
    return Chart(
        chart_id,
        title,
        _svg(chart_id, title, description, width, height, body),
        description,
        headers=["Status", "Number"],
        rows=[[c["word"], c["count"]] for c in counts],
    )


def trend_chart(chart_id: str, title: str, months: list, trend: dict[str, list[int]]) -> Chart:
    """Stacked columns of BRAGG statuses by month, with a legend naming each colour."""
    order = ratings.BRAGG_ORDER
    words = {value: ratings.word("bragg", value) for value in order}
    left, top, plot_h, col_w, gap = 26, 6, 120, 26, 12
    width = max(left + len(months) * (col_w + gap) + 8, 300)
    legend_y = top + plot_h + 26
    height = legend_y + 16
    total = max([sum(trend[v][i] for v in order) for i in range(len(months))] + [1])
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 4}" y2="{top + plot_h}" '
        f'stroke="{RULE}" stroke-width="1"/>',
        _text(left - 4, top + 8, total, anchor="end", size=7),
        _text(left - 4, top + plot_h, 0, anchor="end", size=7),
    ]
    for i, month in enumerate(months):
        x = left + 6 + i * (col_w + gap)
        y = top + plot_h
        for value in order:
            count = trend[value][i]
            if not count:
                continue
            h = plot_h * count / total
            y -= h
            fill, ink = COLOURS[value]
            body.append(_rect(x, y, col_w, h, fill, stroke=INK))
            if h >= 10:
                middle = x + col_w / 2
                body.append(_text(middle, y + h / 2 + 3, count, size=7, anchor="middle", fill=ink))
        label = f"{month:%b %y}"
        body.append(_text(x + col_w / 2, top + plot_h + 11, label, size=7, anchor="middle"))
    x = left
    for value in order:
        fill, _ = COLOURS[value]
        body.append(_rect(x, legend_y - 8, 9, 9, fill, stroke=INK))
        body.append(_text(x + 12, legend_y, words[value], size=8))
        x += 12 + 4.6 * len(words[value]) + 10
    month_names = [f"{m:%b %Y}" for m in months]
    description = " ".join(
        f"{name}: " + ", ".join(f"{words[v]} {trend[v][i]}" for v in order if trend[v][i]) + "."
        for i, name in enumerate(month_names)
    )
    return Chart(
        chart_id,
        title,
        _svg(chart_id, title, description, width, height, body),
        description,
        headers=["Month", *[words[v] for v in order]],
        rows=[[f"{m:%b %y}", *[trend[v][i] for v in order]] for i, m in enumerate(months)],
    )


def report_charts(data) -> list[Chart]:
    """The summary page's charts for a ``ReportData``."""
    return [
        bar_chart(
            "chart-bragg",
            f"Actions by BRAGG status, {data.status_month:%B %Y}",
            data.bragg_counts,
        ),
        bar_chart(
            "chart-rag",
            f"Outcome targets by RAG impact rating, {data.status_month:%B %Y}",
            data.rag_counts,
        ),
        trend_chart(
            "chart-trend",
            "Actions by BRAGG status, month by month",
            data.trend_months,
            data.trend,
        ),
    ]
