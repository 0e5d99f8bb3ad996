"""Reading BRAGG statuses and RAG impact ratings as sheets write them.

A sheet may give a rating as its letter (B, R, A, G), its colour, the words of the plan's
key ("On track, no concerns") or our own label ("Green – on track, no concerns"), in any
case. The Darlington key gives Grey the letter "G" too ("Not started, not due (G)"): a
lone "G" is read as Green, and Grey must be written "Grey", "Gr" or with its words.
"""

from __future__ import annotations

import re

from sendplan.ratings import BRAGG, RAG

_NOT_WORDS = re.compile(r"[^a-z0-9]+")
_KEY_LETTER = re.compile(r"\(\s*[a-z]{1,2}\s*\)$")


def _key(text: str) -> str:
    return " ".join(_NOT_WORDS.sub(" ", text.lower()).split())


def _table(choices, extra: dict[str, str]) -> dict[str, str]:
    table = {}
    for value, label in choices:
        table[_key(value)] = value
        table[_key(label)] = value
        # "Green – on track, no concerns" → also "on track, no concerns" on its own.
        words = label.split("–", 1)[-1]
        table[_key(words)] = value
    table.update({_key(k): v for k, v in extra.items()})
    return table


BRAGG_WORDS = _table(
    BRAGG.choices,
    {
        "b": BRAGG.BLUE,
        "r": BRAGG.RED,
        "a": BRAGG.AMBER,
        "g": BRAGG.GREEN,
        "gr": BRAGG.GREY,
        "gray": BRAGG.GREY,
        "complete": BRAGG.BLUE,
        "completed": BRAGG.BLUE,
        "completed embedded sustained": BRAGG.BLUE,
        "not started": BRAGG.GREY,
        "not due": BRAGG.GREY,
        "not started not due": BRAGG.GREY,
        "on track some concerns": BRAGG.AMBER,
        "on track no concerns": BRAGG.GREEN,
        "major concerns": BRAGG.RED,
    },
)

RAG_WORDS = _table(
    RAG.choices,
    {
        "r": RAG.RED,
        "a": RAG.AMBER,
        "g": RAG.GREEN,
        "impact not measured": RAG.RED,
        "negative impact": RAG.RED,
        "impact not measured or negative impact": RAG.RED,
        "impact being measured": RAG.AMBER,
        "impact being measured either neutral or not yet measured": RAG.AMBER,
        "not yet measured": RAG.AMBER,
        "positive impact": RAG.GREEN,
        "positive impact both measured and demonstrable": RAG.GREEN,
    },
)


def _parse(text: object, table: dict[str, str]) -> str | None:
    written = " ".join(str(text if text is not None else "").split())
    if not written:
        return ""
    key = _key(written)
    if key in table:
        return table[key]
    # The key writes each status as its words and a letter: "Major concerns (R)".
    # The words decide, since Grey and Green share the letter G.
    without_letter = _key(_KEY_LETTER.sub("", written.lower()))
    if without_letter and without_letter in table:
        return table[without_letter]
    return None


def parse_bragg(text: object) -> str:
    """The BRAGG value of a cell, "" when blank. Raises ValueError for anything else."""
    value = _parse(text, BRAGG_WORDS)
    if value is None:
        raise ValueError(
            f'Enter a BRAGG status: Blue, Red, Amber, Green or Grey (or B, R, A, G); "{text}" '
            f"is not one."
        )
    return value


def parse_rag(text: object) -> str:
    """The RAG value of a cell, "" when blank. Raises ValueError for anything else."""
    value = _parse(text, RAG_WORDS)
    if value is None:
        raise ValueError(
            f'Enter a RAG impact rating: Red, Amber or Green (or R, A, G); "{text}" is not one.'
        )
    return value
