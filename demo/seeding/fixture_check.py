"""Reading and checking a plan fixture file (``fixtures/*.json``) before it is loaded.

``read_plan_fixture`` parses the file and checks its shape, and that the names and numbers
pointing at other records point at something, raising ``FixtureError`` naming the file
and the key. ``fixtures/README.md`` describes the shape.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from django.db import models

from governance.models import Cadence
from outcomes.models import Direction
from sendplan.models import FindingKind, PlanKind, StoryLevel


class FixtureError(ValueError):
    """The fixture file is not in the expected shape; the message names the file and key."""


_MONTH = re.compile(r"^\d{4}-\d{2}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Keys a transcriber may add anywhere for readers of the file; the loader ignores them.
_NOTE_KEYS = {"note", "line"}


def read_plan_fixture(path: str | Path) -> dict[str, Any]:
    """Parse and check the file; raise ``FixtureError`` naming the file and the bad key."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FixtureError(f"{path}: no such file.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FixtureError(f"{path}: not a JSON file in UTF-8 ({exc}).") from None
    _Checker(path).check(data)
    return data


class _Checker:
    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, problem: str):
        raise FixtureError(f"{self.path}: {where}: {problem}")

    def obj(self, value, where, required: dict, optional: dict | None = None) -> dict:
        optional = optional or {}
        if not isinstance(value, dict):
            self.fail(where, f"expected an object, got {type(value).__name__}.")
        missing = [key for key in required if key not in value]
        if missing:
            self.fail(where, f"missing key {missing[0]!r}.")
        unknown = set(value) - set(required) - set(optional) - _NOTE_KEYS
        if unknown:
            self.fail(where, f"unknown key {sorted(unknown)[0]!r}.")
        for key, check in {**required, **optional}.items():
            if key in value:
                check(value[key], f"{where}.{key}" if where else key)
        return value

    # Value checks: each takes (value, where).
    def text(self, value, where):
        if not isinstance(value, str):
            self.fail(where, f"expected text, got {type(value).__name__}.")

    def name(self, value, where):
        self.text(value, where)
        if not value.strip():
            self.fail(where, "must not be empty.")

    def boolean(self, value, where):
        if not isinstance(value, bool):
            self.fail(where, f"expected true or false, got {value!r}.")

    def number(self, value, where):
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(where, f"expected a number, got {value!r}.")

    def month(self, value, where):
        if value is None:
            return
        if not isinstance(value, str) or not _MONTH.match(value) or parse_month(value) is None:
            self.fail(where, f"expected a month such as '2022-12', or null; got {value!r}.")

    def date(self, value, where):
        if value is None:
            return
        try:
            valid = isinstance(value, str) and _DATE.match(value) and dt.date.fromisoformat(value)
        except ValueError:
            valid = False
        if not valid:
            self.fail(where, f"expected a date such as '2023-04-01', or null; got {value!r}.")

    def choice(self, choices: type[models.TextChoices], *, blank=False):
        allowed = list(choices.values)

        def check(value, where):
            if blank and value == "":
                return
            if value not in allowed:
                self.fail(where, f"expected one of {', '.join(allowed)}; got {value!r}.")

        return check

    def items(self, check_item):
        def check(value, where):
            if not isinstance(value, list):
                self.fail(where, f"expected a list, got {type(value).__name__}.")
            for i, item in enumerate(value):
                check_item(item, f"{where}[{i}]")

        return check

    # Record shapes.
    def target(self, value, where):
        self.obj(
            value,
            where,
            {
                "text": self.name,
                "target_month": self.month,
                "target_as_written": self.text,
                "is_ongoing": self.boolean,
            },
            {"measure": self.measure},
        )

    def measure(self, value, where):
        self.obj(
            value,
            where,
            {"unit": self.text, "target_value": self.number},
            {"baseline": self.number, "direction": self.choice(Direction, blank=True)},
        )

    def action(self, value, where):
        self.obj(
            value,
            where,
            {
                "text": self.name,
                "leads": self.items(self.name),
                "due": self.month,
                "due_as_written": self.text,
                "is_ongoing": self.boolean,
            },
            {"targets": self.items(self.target)},
        )

    def story(self, value, where):
        self.obj(
            value,
            where,
            {"month": self.month, "date_as_written": self.text, "narrative": self.name},
        )

    def issue(self, value, where):
        self.obj(
            value,
            where,
            {"ref": self.name, "description": self.text, "is_gap": self.boolean},
            {
                "strategy_links": self.items(self.name),
                "actions": self.items(self.action),
                "targets": self.items(self.target),
                "story": self.items(self.story),
            },
        )
        if not value["is_gap"] and not value["description"].strip():
            self.fail(f"{where}.description", "must not be empty unless is_gap is true.")

    def priority(self, value, where):
        self.obj(
            value,
            where,
            {"number": self.number, "title": self.name},
            {
                "description": self.text,
                "issues": self.items(self.issue),
                "story": self.items(self.story),
            },
        )

    def person(self, value, where):
        self.obj(value, where, {"name": self.name}, {"role": self.text, "organisation": self.text})

    def forum(self, value, where):
        self.obj(
            value,
            where,
            {"name": self.name, "slug": self.name, "cadence": self.choice(Cadence)},
            {
                "level": self.text,
                "cadence_as_written": self.text,
                "purpose": self.text,
                "members": self.items(self.person),
            },
        )

    def milestone(self, value, where):
        self.obj(
            value,
            where,
            {"period": self.name, "due_month": self.month, "text": self.name},
            {"priorities": self.items(self.number)},
        )

    def check(self, data):
        self.obj(
            data,
            "",
            {
                "area": lambda v, w: self.obj(v, w, {"name": self.name, "slug": self.name}),
                "plan": lambda v, w: self.obj(
                    v,
                    w,
                    {
                        "title": self.name,
                        "slug": self.name,
                        "kind": self.choice(PlanKind),
                    },
                    {
                        "inspection_month": self.month,
                        "inspection_as_written": self.text,
                        "publication_date": self.date,
                        "publication_as_written": self.text,
                        "story_level": self.choice(StoryLevel),
                        "introduction": self.text,
                        "vision": self.text,
                        "monitoring": self.text,
                        "source": self.text,
                    },
                ),
                "priorities": self.items(self.priority),
            },
            {
                "strategy_links": self.items(lambda v, w: self.obj(v, w, {"name": self.name})),
                "findings": self.items(
                    lambda v, w: self.obj(
                        v, w, {"kind": self.choice(FindingKind), "text": self.name}
                    )
                ),
                "people": self.items(self.person),
                "forums": self.items(self.forum),
                "milestones": self.items(self.milestone),
            },
        )
        self.check_references(data)

    def check_references(self, data):
        """Names and numbers that point at other records must point at something."""
        people = {p["name"] for p in data.get("people", [])}
        seen_people = set()
        for i, person in enumerate(data.get("people", [])):
            if person["name"] in seen_people:
                self.fail(f"people[{i}].name", f"{person['name']!r} is listed twice.")
            seen_people.add(person["name"])
        numbers, refs = set(), set()
        for p, priority in enumerate(data["priorities"]):
            where = f"priorities[{p}]"
            if priority["number"] in numbers:
                self.fail(f"{where}.number", f"priority {priority['number']} is listed twice.")
            numbers.add(priority["number"])
            for i, issue in enumerate(priority.get("issues", [])):
                if issue["ref"] in refs:
                    self.fail(f"{where}.issues[{i}].ref", f"{issue['ref']!r} is listed twice.")
                refs.add(issue["ref"])
                for a, action in enumerate(issue.get("actions", [])):
                    for n, lead in enumerate(action["leads"]):
                        if lead not in people:
                            self.fail(
                                f"{where}.issues[{i}].actions[{a}].leads[{n}]",
                                f"{lead!r} is not in people.",
                            )
        for f, forum in enumerate(data.get("forums", [])):
            for m, member in enumerate(forum.get("members", [])):
                if member["name"] not in people:
                    self.fail(
                        f"forums[{f}].members[{m}].name", f"{member['name']!r} is not in people."
                    )
        for m, milestone in enumerate(data.get("milestones", [])):
            for n, number in enumerate(milestone.get("priorities", [])):
                if number not in numbers:
                    self.fail(f"milestones[{m}].priorities[{n}]", f"no priority {number!r}.")


def parse_month(value: str | None) -> dt.date | None:
    """``2022-12`` as the first of that month; None for null or a month that cannot be."""
    if value is None:
        return None
    year, month = (int(part) for part in value.split("-"))
    try:
        return dt.date(year, month, 1)
    except ValueError:
        return None
