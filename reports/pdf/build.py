"""Building one report: read the plan, draw the charts, write the HTML, make the PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from governance.models import Forum
from governance.periods import Period
from sendplan.models import Plan

from .charts import report_charts
from .context import Commentary, ReportData, build_report_data
from .render import RenderedPDF, render_pdf, render_pdf_isolated, report_html


@dataclass
class BuiltReport:
    data: ReportData
    pdf: RenderedPDF

    @property
    def filename(self) -> str:
        return report_filename(self.data)


def report_filename(data: ReportData) -> str:
    forum = data.forum.slug
    return f"{data.plan.slug}-{forum}-{data.period.code}.pdf"


def generated_by_name(user) -> str:
    """Who built the report, by name: the login's own, else the person it belongs to; the
    login name only as a last resort."""
    if user is None:
        return ""
    if user.get_full_name():
        return user.get_full_name()
    person = user.people.order_by("name").values_list("name", flat=True).first()
    return person or user.username


def prepare_report(
    *,
    plan: Plan,
    forum: Forum,
    period: Period,
    as_at: dt.datetime | None = None,
    user=None,
    is_preview: bool = True,
    meeting=None,
    commentary: Commentary | None = None,
) -> ReportData:
    data = build_report_data(
        plan=plan,
        forum=forum,
        period=period,
        as_at=as_at,
        generated_by=generated_by_name(user),
        is_preview=is_preview,
        meeting=meeting,
        commentary=commentary,
    )
    data.charts = report_charts(data)
    return data


def build_report(
    *,
    plan: Plan,
    forum: Forum,
    period: Period,
    as_at: dt.datetime | None = None,
    user=None,
    is_preview: bool = True,
    meeting=None,
    isolated: bool = True,
    commentary: Commentary | None = None,
) -> BuiltReport:
    """The report as a PDF. ``isolated`` renders in a child process with a time limit."""
    data = prepare_report(
        plan=plan,
        forum=forum,
        period=period,
        as_at=as_at,
        user=user,
        is_preview=is_preview,
        meeting=meeting,
        commentary=commentary,
    )
    html = report_html(data)
    pdf = render_pdf_isolated(html) if isolated else render_pdf(html)
    return BuiltReport(data, pdf)
