"""How long a report takes, step by step: the app's share against WeasyPrint's own.

``measure_report`` builds one report in this process and times each step: reading the
plan (queries), drawing the charts, rendering the HTML (templating), WeasyPrint's layout
(``HTML(...).render()``) and writing the PDF (``document.write_pdf()``). WeasyPrint's two
steps are the floor; the app's share (queries, charts, templating) should stay under a
fifth of the total. ``manage.py benchmark`` prints it; so does
``manage.py build_report --timings``.
"""

from __future__ import annotations

import datetime as dt
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.models import Forum
from governance.periods import Period
from sendplan.models import Plan

from .charts import report_charts
from .context import build_report_data
from .render import PDF_OPTIONS, base_url, report_html, safe_fetcher

STEPS = ("queries", "charts", "templating", "layout", "writing")
APP_STEPS = ("queries", "charts", "templating")


def _now() -> tuple[float, float]:
    """Wall-clock and this process's CPU time: on a shared machine the CPU time shows the
    work itself, the wall clock also the waiting for a core."""
    return time.perf_counter(), time.process_time()


def measure_report(
    *,
    plan: Plan,
    forum: Forum,
    period: Period,
    as_at: dt.datetime | None = None,
    warm: bool = True,
) -> dict:
    """Timings in seconds for one report, with its page count and query count.

    Each step has its wall-clock time (``layout``) and its CPU time (``cpu_layout``);
    ``app_share`` is the share of queries, charts and templating in the total.

    ``warm`` first imports WeasyPrint (and loads its fonts) so that a one-off start-up
    cost is not counted against the report.
    """
    from weasyprint import HTML

    if warm:
        HTML(string="<p>warm</p>").render()

    marks = [_now()]
    with CaptureQueriesContext(connection) as queries:
        data = build_report_data(plan=plan, forum=forum, period=period, as_at=as_at)
    marks.append(_now())
    data.charts = report_charts(data)
    marks.append(_now())
    html = report_html(data)
    marks.append(_now())
    fetcher = safe_fetcher()
    document = HTML(string=html, base_url=base_url(), url_fetcher=fetcher).render(**PDF_OPTIONS)
    marks.append(_now())
    content = document.write_pdf(**PDF_OPTIONS)
    marks.append(_now())

    result = {}
    for index, step in enumerate(STEPS):
        result[step] = marks[index + 1][0] - marks[index][0]
        result[f"cpu_{step}"] = marks[index + 1][1] - marks[index][1]
    for prefix in ("", "cpu_"):
        total = sum(result[f"{prefix}{step}"] for step in STEPS)
        app = sum(result[f"{prefix}{step}"] for step in APP_STEPS)
        result[f"{prefix}total"] = total
        result[f"{prefix}app_share"] = app / total if total else 0.0
    result.update(
        pages=len(document.pages),
        query_count=len(queries.captured_queries),
        html_bytes=len(html.encode()),
        pdf_bytes=len(content),
    )
    return result


def format_timings(result: dict) -> str:
    """The timings as lines for a terminal."""
    lines = [f"{'step':<11} {'wall':>8} {'cpu':>8}"]
    lines += [
        f"{step:<11} {result[step]:7.3f}s {result['cpu_' + step]:7.3f}s"
        for step in (*STEPS, "total")
    ]
    lines.append(
        f"app share   {result['app_share']:7.1%}  {result['cpu_app_share']:7.1%}"
        "  (queries + charts + templating)"
    )
    lines.append(
        f"pages {result['pages']}, queries {result['query_count']}, "
        f"HTML {result['html_bytes']:,} bytes, PDF {result['pdf_bytes']:,} bytes"
    )
    return "\n".join(lines)
