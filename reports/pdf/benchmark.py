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
from sendplan.models import Plan

from .charts import report_charts
from .context import build_report_data
from .periods import Period
from .render import PDF_OPTIONS, base_url, report_html, safe_fetcher


def measure_report(
    *,
    plan: Plan,
    forum: Forum,
    period: Period,
    as_at: dt.datetime | None = None,
    warm: bool = True,
) -> dict:
    """Timings in seconds for one report, with its page count and query count.

    ``warm`` first imports WeasyPrint (and loads its fonts) so that a one-off start-up
    cost is not counted against the report.
    """
    from weasyprint import HTML

    if warm:
        HTML(string="<p>warm</p>").render()

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        data = build_report_data(plan=plan, forum=forum, period=period, as_at=as_at)
    read = time.perf_counter()
    data.charts = report_charts(data)
    drawn = time.perf_counter()
    html = report_html(data)
    templated = time.perf_counter()
    fetcher = safe_fetcher()
    document = HTML(string=html, base_url=base_url(), url_fetcher=fetcher).render(**PDF_OPTIONS)
    laid_out = time.perf_counter()
    content = document.write_pdf(**PDF_OPTIONS)
    written = time.perf_counter()

    timings = {
        "queries": read - started,
        "charts": drawn - read,
        "templating": templated - drawn,
        "layout": laid_out - templated,
        "writing": written - laid_out,
    }
    total = written - started
    app = timings["queries"] + timings["charts"] + timings["templating"]
    return {
        **timings,
        "total": total,
        "app_share": app / total if total else 0.0,
        "pages": len(document.pages),
        "query_count": len(queries.captured_queries),
        "html_bytes": len(html.encode()),
        "pdf_bytes": len(content),
    }


def format_timings(result: dict) -> str:
    """The timings as lines for a terminal."""
    lines = [
        f"{step:<11} {result[step]:7.3f} s"
        for step in ("queries", "charts", "templating", "layout", "writing", "total")
    ]
    lines.append(f"app share   {result['app_share']:7.1%} (queries + charts + templating)")
    lines.append(
        f"pages {result['pages']}, queries {result['query_count']}, "
        f"HTML {result['html_bytes']:,} bytes, PDF {result['pdf_bytes']:,} bytes"
    )
    return "\n".join(lines)
