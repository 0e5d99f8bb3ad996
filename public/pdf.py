"""The public summary as a tagged PDF (PDF/UA-1, as the reports' packs are made), laid out
from the same page with no resource fetched: the summary is text only."""

from __future__ import annotations


def _refuse(url, *args, **kwargs):
    raise ValueError(f"The public summary's PDF fetches nothing ({url})")


def summary_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML

    style = CSS(string="body{font-family:Arial,sans-serif;font-size:12pt} h1{font-size:20pt}")
    return HTML(string=html, url_fetcher=_refuse).write_pdf(
        stylesheets=[style], pdf_variant="pdf/ua-1", presentational_hints=False
    )
