"""An uploaded spreadsheet as the reader takes it and gives it back.

``load_upload`` refuses a file by its size (``SENDPLAN_IMPORT_MAX_BYTES``) before reading
more than the limit; ``Limits`` carries the other limits (rows, unpacked bytes, bytes of
one part) to the child process that reads the file (``reading``, through ``sandbox``),
and ``Sheets`` is what that reading gives, kept between the preview and the import as
JSON (``Sheets.as_json``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import tablib
from django.conf import settings

from .columns import FormulaCell, Problem

DEFAULT_MAX_UNPACKED = 100 * 1024 * 1024
DEFAULT_MAX_PART = 20 * 1024 * 1024


class SpreadsheetError(Exception):
    """The file cannot be read at all: its problems say why."""

    def __init__(self, problems: list[Problem], columns: dict | None = None):
        self.problems = problems
        # The columns found, when a header row was found but no column is known: the
        # preview offers them to be chosen.
        self.columns = columns
        super().__init__("; ".join(str(p) for p in problems))


@dataclass
class Upload:
    """A file as received: its name (for the format) and its bytes."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def extension(self) -> str:
        return Path(self.name).suffix.lower()


@dataclass
class Sheets:
    """The datasets read from one file, and anything the reader wants the user to know."""

    plan: tablib.Dataset | None = None
    updates: tablib.Dataset | None = None
    notes: list[str] = field(default_factory=list)
    # The plan's columns as read: {"columns": [mapping.Column as JSON], "heading": field}.
    columns: dict | None = None
    # A Word document's rows: [table, row] of each dataset row (None: a sheet's rows
    # keep their numbers).
    places: list | None = None
    # The workbook's sheets of the plan as a whole ("about", "findings", "milestones"),
    # those it has.
    parts: dict[str, tablib.Dataset] = field(default_factory=dict)

    @property
    def is_word(self) -> bool:
        """Whether the rows came from a Word document's tables."""
        return self.places is not None

    def as_json(self) -> dict:
        return {
            "plan": _dataset_json(self.plan),
            "updates": _dataset_json(self.updates),
            "notes": list(self.notes),
            "columns": self.columns,
            "places": self.places,
            "parts": {name: _dataset_json(d) for name, d in self.parts.items()},
        }

    @classmethod
    def from_json(cls, data: dict) -> Sheets:
        return cls(
            plan=_dataset_from_json(data["plan"]),
            updates=_dataset_from_json(data["updates"]),
            notes=list(data["notes"]),
            columns=data.get("columns"),
            places=data.get("places"),
            parts={n: _dataset_from_json(d) for n, d in data.get("parts", {}).items()},
        )


@dataclass(frozen=True)
class Limits:
    """How much of a file the reader takes before it refuses it (the settings' values, handed
    to the child process that reads the file, which has no settings)."""

    max_rows: int
    max_unpacked: int
    max_part: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(max_rows=max_rows(), max_unpacked=max_unpacked(), max_part=max_part())


def max_bytes() -> int:
    return settings.SENDPLAN_IMPORT_MAX_BYTES


def max_rows() -> int:
    return settings.SENDPLAN_IMPORT_MAX_ROWS


def max_unpacked() -> int:
    return getattr(settings, "SENDPLAN_IMPORT_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED)


def max_part() -> int:
    return getattr(settings, "SENDPLAN_IMPORT_MAX_PART_BYTES", DEFAULT_MAX_PART)


def _too_big(name: str, size: int) -> SpreadsheetError:
    limit = max_bytes() / (1024 * 1024)
    return SpreadsheetError(
        [
            Problem(
                f"The file {name} is {size / (1024 * 1024):.1f} MB; the largest file that can "
                f"be imported is {limit:g} MB."
            )
        ]
    )


def load_upload(source, default_name: str = "upload") -> Upload:
    """Read ``source`` (a path, an uploaded file, a file object, bytes or an ``Upload``),
    refusing it by size before reading more than the limit."""
    limit = max_bytes()
    if isinstance(source, Upload):
        if len(source.data) > limit:
            raise _too_big(source.name, len(source.data))
        return source
    if isinstance(source, bytes | bytearray):
        if len(source) > limit:
            raise _too_big(default_name, len(source))
        return Upload(default_name, bytes(source))
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if not path.is_file():
            raise SpreadsheetError([Problem(f"There is no file {path}.")])
        size = path.stat().st_size
        if size > limit:
            raise _too_big(path.name, size)
        return Upload(path.name, path.read_bytes())
    name = Path(getattr(source, "name", "") or default_name).name
    size = getattr(source, "size", None)
    if size is not None and size > limit:
        raise _too_big(name, size)
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read(limit + 1)
    if len(data) > limit:
        raise _too_big(name, len(data))
    return Upload(name, data)


# --- As JSON ---------------------------------------------------------------------------
# A cell is None, text, a number or a yes/no as itself; what JSON has no type for (a
# formula, a date or time from a workbook, an infinite number) as {"kind": text}, so the
# import reads exactly what it would have read from the file.


def _dataset_json(dataset: tablib.Dataset | None) -> dict | None:
    if dataset is None:
        return None
    return {
        "headers": list(dataset.headers),
        "rows": [[_cell_json(v) for v in row] for row in dataset],
    }


def _dataset_from_json(data: dict | None) -> tablib.Dataset | None:
    if data is None:
        return None
    dataset = tablib.Dataset(headers=data["headers"])
    for row in data["rows"]:
        dataset.append([_cell_from_json(v) for v in row])
    return dataset


def _cell_json(value):
    if isinstance(value, FormulaCell):
        return {"formula": str(value)}
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"timedelta": value.total_seconds()}
    return str(value)


_FROM_JSON = {
    "formula": FormulaCell,
    "float": float,
    "datetime": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
    "time": dt.time.fromisoformat,
    "timedelta": lambda seconds: dt.timedelta(seconds=seconds),
}


def _cell_from_json(value):
    if isinstance(value, dict):
        ((kind, text),) = value.items()
        return _FROM_JSON[kind](text)
    return value
