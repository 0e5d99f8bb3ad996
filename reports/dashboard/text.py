"""Short forms of text for the dashboard's labels, choices and lists."""

from __future__ import annotations

import html


def plot_text(text: str) -> str:
    """Text for a chart label: plotly reads a few HTML tags in labels, so escape them."""
    return html.escape(str(text), quote=True)


def shorten(text: str, length: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1] + "…"


def truncate(text: str, length: int) -> str:
    """``text`` cut to ``length`` characters with an ellipsis, as ``truncatechars`` does
    (without its cost per call, which long lists paid row after row)."""
    return text if len(text) <= length else text[: length - 1] + "…"
