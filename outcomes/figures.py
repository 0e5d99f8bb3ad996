"""Whether a measured figure makes sense for its target: written once, for the monthly
update and the spreadsheet import.

A percentage is between 0 and 100. A count (a target in whole numbers of people, plans,
cases...) is a whole number, never below 0. A figure far beyond both the baseline and the
target (more than ten times the larger of them) may be a slip of the keyboard: it is kept
only once the person confirms it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

PERCENT_UNITS = {"%", "percent", "per cent", "percentage"}
# Units that measure an amount or a rate, not a number of things: fractions are fine.
NOT_COUNTS = ("day", "week", "month", "year", "hour", "average", "rate", "score", "ratio", "£")
FAR_BEYOND = 10


@dataclass(frozen=True)
class FigureProblem:
    message: str
    can_confirm: bool  # True: the figure is kept once the person confirms it


def _is_whole(value: Decimal | None) -> bool:
    return value is not None and value == value.to_integral_value()


def is_percent(unit: str) -> bool:
    return unit.strip().lower() in PERCENT_UNITS


def is_count(unit: str, baseline: Decimal | None, target: Decimal | None) -> bool:
    words = unit.strip().lower()
    if not words or is_percent(unit) or any(w in words for w in NOT_COUNTS):
        return False
    return _is_whole(target) and (baseline is None or _is_whole(baseline))


def with_unit(value: Decimal | float | int | None, unit: str) -> str:
    """A figure as pages, packs and e-mails write it: "56%", "53 weeks", "120".

    A percentage sign sits against the number; any other unit follows a space. Trailing
    zeros go ("56.50" reads "56.5"); an absent figure is the empty string."""
    if value is None:
        return ""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    number = f"{value.normalize():f}"
    unit = unit.strip()
    if unit.startswith("%"):
        return f"{number}{unit}"
    return f"{number} {unit}".strip()


def figure_problem(
    value: Decimal | None, *, unit: str, baseline: Decimal | None, target: Decimal | None
) -> FigureProblem | None:
    """What is wrong with ``value`` for a target measured in ``unit``, if anything."""
    if value is None:
        return None
    shown = with_unit(value, unit if is_percent(unit) else "")
    if is_percent(unit) and not Decimal(0) <= value <= Decimal(100):
        return FigureProblem(f"Enter a percentage from 0 to 100; {shown} is not one", False)
    if is_count(unit, baseline, target) and (value < 0 or not _is_whole(value)):
        return FigureProblem(
            f"Enter the number of {unit.strip()} as a whole number, 0 or more", False
        )
    known = [abs(v) for v in (baseline, target) if v is not None]
    if known and abs(value) > FAR_BEYOND * max(max(known), Decimal(1)):
        return FigureProblem(
            f"{shown} is far beyond both the baseline and the target: check it, or confirm "
            "the figure is right",
            True,
        )
    return None
