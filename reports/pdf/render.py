"""Turning a report into a tagged PDF, safely.

What people write (story so far, notes, names) goes into the HTML. It is sanitised on the
way in, but the renderer does not rely on that: WeasyPrint fetches every stylesheet,
image, font, SVG ``<image>`` and ``rel=attachment`` link through ``SafeFetcher``, which
reads only files under our own static directories and refuses everything else (other
files, ``http``, ``data:``...) without opening it. Each request is logged.

Layout runs in a forked child process that is killed after ``SENDPLAN_PDF_TIMEOUT``
seconds (60 by default), so a hostile or huge document cannot hold a worker for ever.
The child touches no database: it gets the finished HTML and returns the PDF bytes.
"""

from __future__ import annotations

import logging
import mimetypes
import multiprocessing
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

logger = logging.getLogger("sendplan.reports.pdf")

STYLESHEET = "reports/print.css"
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "presentational_hints": False}
ALLOWED_SUFFIXES = {".css", ".svg", ".png", ".jpg", ".jpeg", ".woff", ".woff2", ".ttf", ".otf"}


class ReportRenderError(Exception):
    """The PDF could not be made (timed out, or the renderer failed)."""


def static_roots() -> list[Path]:
    """The directories the renderer may read: our static sources and the collected files."""
    roots = []
    for entry in settings.STATICFILES_DIRS:
        path = entry[1] if isinstance(entry, list | tuple) else entry
        roots.append(Path(path).resolve())
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def stylesheet_path() -> Path:
    found = finders.find(STYLESHEET)
    if not found:
        raise ReportRenderError(f"The print stylesheet {STYLESHEET} is missing.")
    return Path(found).resolve()


def base_url() -> str:
    """A file URL of the static directory holding the print stylesheet: relative URLs
    resolve there (and are then checked by the fetcher like any other)."""
    root = stylesheet_path().parents[len(Path(STYLESHEET).parts) - 1]
    return root.as_uri() + "/"


def _fetcher_class():
    # Imported here: weasyprint loads pango and fontconfig, which only renders need.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):
        """Reads files under ``roots`` and nothing else; never opens a network socket."""

        def __init__(self, roots: list[Path]):
            super().__init__(timeout=1, allowed_protocols=("file",), allow_redirects=False)
            self.roots = roots
            self.log: list[tuple[str, str]] = []

        def allowed_path(self, url: str) -> Path | None:
            parts = urlsplit(url)
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
                return None
            path = Path(url2pathname(unquote(parts.path))).resolve()
            if path.suffix.lower() not in ALLOWED_SUFFIXES or not path.is_file():
                return None
            if any(path.is_relative_to(root) for root in self.roots):
                return path
            return None

        def fetch(self, url, headers=None):
            path = self.allowed_path(url)
            if path is None:
                shown = url if len(url) <= 120 else url[:120] + "…"
                self.log.append(("refused", shown))
                logger.warning("PDF renderer refused to fetch %s", shown)
                raise ValueError(f"Only the app's own static files may be fetched: {shown}")
            self.log.append(("fetched", str(path)))
            logger.info("PDF renderer read %s", path)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
            )

    return SafeFetcher


def safe_fetcher():
    return _fetcher_class()(static_roots())


def report_html(data) -> str:
    """The report's HTML, from a ``context.ReportData`` with its charts."""
    return render_to_string(
        "reports/pdf/report.html",
        {"report": data, "stylesheet_url": stylesheet_path().as_uri(), "base_url": base_url()},
    )


@dataclass
class RenderedPDF:
    content: bytes
    page_count: int
    fetch_log: list[tuple[str, str]] = field(default_factory=list)
    layout_seconds: float = 0.0
    writing_seconds: float = 0.0

    @property
    def refused(self) -> list[str]:
        return [url for outcome, url in self.fetch_log if outcome == "refused"]

    @property
    def fetched(self) -> list[str]:
        return [url for outcome, url in self.fetch_log if outcome == "fetched"]


def render_pdf(html: str, *, url_base: str | None = None) -> RenderedPDF:
    """Lay out and write the PDF in this process (no time limit: see ``render_pdf_isolated``)."""
    from weasyprint import HTML

    fetcher = safe_fetcher()
    started = time.perf_counter()
    document = HTML(string=html, base_url=url_base or base_url(), url_fetcher=fetcher).render(
        **PDF_OPTIONS
    )
    laid_out = time.perf_counter()
    content = document.write_pdf(**PDF_OPTIONS)
    written = time.perf_counter()
    return RenderedPDF(
        content,
        len(document.pages),
        fetcher.log,
        layout_seconds=laid_out - started,
        writing_seconds=written - laid_out,
    )


def _child(connection, html: str, url_base: str) -> None:
    try:
        result = render_pdf(html, url_base=url_base)
        connection.send(("ok", result))
    except Exception as exc:  # sent back to the parent, which raises it as its own error
        connection.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        connection.close()


def pdf_timeout() -> float:
    return float(getattr(settings, "SENDPLAN_PDF_TIMEOUT", 60))


def render_pdf_isolated(html: str, *, timeout: float | None = None) -> RenderedPDF:
    """Render in a forked child and kill it if it takes longer than ``timeout`` seconds.

    Fork, not spawn: the child starts at once with Django and WeasyPrint already loaded.
    It only lays out the given HTML, never touches the parent's database connection, and
    leaves through ``os._exit`` (as multiprocessing's fork does), so no inherited
    connection is closed under the parent.
    """
    timeout = pdf_timeout() if timeout is None else timeout
    url_base = base_url()
    # Imported here, in the parent, once per process: a child that had to import
    # WeasyPrint (pango, fontconfig, harfbuzz) itself would spend seconds on it every time.
    import weasyprint  # noqa: F401

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, html, url_base), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise ReportRenderError(
                f"The report took longer than {timeout:g} seconds to lay out and was stopped."
            )
        try:
            outcome, payload = receiver.recv()
        except EOFError:
            raise ReportRenderError("The PDF renderer stopped without a result.") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receiver.close()
    if outcome != "ok":
        raise ReportRenderError(f"The PDF renderer failed: {payload}")
    return payload
