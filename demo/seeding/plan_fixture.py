"""Loading a plan transcribed into a fixture file (``fixtures/*.json``) into the database.

The files are domain-shaped JSON (area, plan, priorities, issues, actions...), not Django's
``loaddata`` format: loaddata saves raw rows and so writes no audit history. Here every
row goes through ``save()`` with the acting user set, so the history of a seeded plan says
who loaded it, and narratives pass through the same sanitiser as anything typed in.

``fixtures/README.md`` describes the shape and the transcription notes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from actions.models import Action, ActionLead, EntryState, StoryEntry
from governance.models import Cadence, Forum, ForumMember
from outcomes.models import Direction, OutcomeTarget
from sendplan.models import (
    Area,
    Finding,
    FindingKind,
    Issue,
    IssueStrategyLink,
    Milestone,
    MilestonePriority,
    Person,
    Plan,
    PlanKind,
    Priority,
    StoryLevel,
    StrategyLink,
)
from sendplan.text import sanitise_narrative

from .writer import HistoryWriter


class FixtureError(ValueError):
    """The fixture file is not in the expected shape; the message names the file and key."""


@dataclass
class LoadResult:
    plan: Plan
    created: bool
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def load_plan_fixture(path: str | Path, *, user) -> Plan:
    """Load the plan in ``path`` (once: a plan whose slug exists already is left alone)."""
    return seed_plan_fixture(path, user=user).plan


def seed_plan_fixture(path: str | Path, *, user) -> LoadResult:
    """As ``load_plan_fixture``, also saying whether it loaded and how many rows it wrote."""
    data = read_plan_fixture(path)
    with transaction.atomic():
        existing = Plan.objects.filter(slug=data["plan"]["slug"]).first()
        if existing is not None:
            return LoadResult(plan=existing, created=False)
        loader = _Loader(user=user, path=Path(path))
        plan = loader.load(data)
        return LoadResult(plan=plan, created=True, counts=loader.counts)


# --- Reading and checking the file ----------------------------------------------------

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


# --- Writing --------------------------------------------------------------------------


def parse_month(value: str | None) -> dt.date | None:
    if value is None:
        return None
    year, month = (int(part) for part in value.split("-"))
    try:
        return dt.date(year, month, 1)
    except ValueError:
        return None


def month_end_noon(month: dt.date) -> dt.datetime:
    """When a story entry for ``month`` counts as written: the month's last day, at noon."""
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    return timezone.make_aware(dt.datetime.combine(last, dt.time(12)))


def recorded_from(data: dict[str, Any]) -> dt.datetime | None:
    """When the plan's content was first on record: the start of its earliest dated story
    so far entry, else its publication date. The load's history is dated then."""
    months = [
        parse_month(entry["month"])
        for priority in data["priorities"]
        for holder in [priority, *priority.get("issues", [])]
        for entry in holder.get("story", [])
        if entry.get("month")
    ]
    if months:
        first = min(months)
    elif data["plan"].get("publication_date"):
        first = dt.date.fromisoformat(data["plan"]["publication_date"])
    else:
        return None
    return timezone.make_aware(dt.datetime.combine(first, dt.time(9)))


class _Loader(HistoryWriter):
    def __init__(self, *, user, path: Path):
        super().__init__(user)
        self.path = path

    def load(self, data: dict[str, Any]) -> Plan:
        self.at = recorded_from(data)
        area = self.area(data["area"])
        people = {p["name"]: self.person(area, p) for p in data.get("people", [])}
        for link in data.get("strategy_links", []):
            self.strategy_link(area, link["name"])
        plan = self.plan(area, data["plan"])
        for order, finding in enumerate(data.get("findings", [])):
            self.save(Finding(plan=plan, kind=finding["kind"], text=finding["text"], order=order))
        priorities = {}
        issue_order = 0
        for p in data["priorities"]:
            priority = self.save(
                Priority(
                    plan=plan,
                    number=p["number"],
                    title=p["title"],
                    description=p.get("description", ""),
                )
            )
            priorities[priority.number] = priority
            self.story(plan, p.get("story", []), priority=priority)
            for i in p.get("issues", []):
                self.issue(plan, area, priority, i, issue_order, people)
                issue_order += 1
        for order, forum in enumerate(data.get("forums", [])):
            self.forum(area, plan, forum, order, people)
        for order, m in enumerate(data.get("milestones", [])):
            milestone = self.save(
                Milestone(
                    plan=plan,
                    period=m["period"],
                    due_month=parse_month(m["due_month"]),
                    text=m["text"],
                    order=order,
                )
            )
            for number in m.get("priorities", []):
                self.save(
                    MilestonePriority(plan=plan, milestone=milestone, priority=priorities[number])
                )
        return plan

    def area(self, data) -> Area:
        area = Area.objects.filter(slug=data["slug"]).first()
        if area is None:
            if Area.objects.filter(name=data["name"]).exists():
                raise FixtureError(
                    f"{self.path}: area: an area named {data['name']!r} exists with another "
                    f"slug than {data['slug']!r}."
                )
            area = self.save(Area(name=data["name"], slug=data["slug"]))
        return area

    def person(self, area: Area, data) -> Person:
        person = Person.objects.filter(area=area, name=data["name"]).first()
        if person is None:
            person = self.save(
                Person(
                    area=area,
                    name=data["name"],
                    role=data.get("role", ""),
                    organisation=data.get("organisation", ""),
                )
            )
        return person

    def strategy_link(self, area: Area, name: str) -> StrategyLink:
        link = StrategyLink.objects.filter(area=area, name=name).first()
        return link or self.save(StrategyLink(area=area, name=name))

    def plan(self, area: Area, data) -> Plan:
        return self.save(
            Plan(
                area=area,
                title=data["title"],
                slug=data["slug"],
                kind=data["kind"],
                inspection_date=parse_month(data.get("inspection_month")),
                publication_date=(
                    dt.date.fromisoformat(data["publication_date"])
                    if data.get("publication_date")
                    else None
                ),
                introduction=data.get("introduction", ""),
                vision=data.get("vision", ""),
                monitoring=data.get("monitoring", ""),
                story_level=data.get("story_level", StoryLevel.ISSUE),
                source=data.get("source", ""),
            )
        )

    def issue(self, plan, area, priority, data, order, people) -> Issue:
        issue = self.save(
            Issue(
                plan=plan,
                priority=priority,
                ref=data["ref"],
                description=data["description"],
                is_gap=data["is_gap"],
                order=order,
            )
        )
        for name in data.get("strategy_links", []):
            link = self.strategy_link(area, name)
            self.save(IssueStrategyLink(plan=plan, issue=issue, strategy_link=link))

        # Targets keep the table's order: by their line in the seed where the transcriber
        # gave it, otherwise action targets first, then the issue's own.
        targets = []
        for a_order, a in enumerate(data.get("actions", [])):
            due = parse_month(a["due"])
            action = self.save(
                Action(
                    plan=plan,
                    issue=issue,
                    text=a["text"],
                    order=a_order,
                    due_month=due,
                    original_due_month=due,
                    due_as_written=a["due_as_written"],
                    is_ongoing=a["is_ongoing"],
                )
            )
            for l_order, name in enumerate(a["leads"]):
                self.save(ActionLead(plan=plan, action=action, person=people[name], order=l_order))
            targets += [(t, action) for t in a.get("targets", [])]
        targets += [(t, None) for t in data.get("targets", [])]
        targets.sort(key=lambda pair: pair[0].get("line", float("inf")))
        for t_order, (t, action) in enumerate(targets):
            measure = t.get("measure") or {}
            self.save(
                OutcomeTarget(
                    plan=plan,
                    issue=issue,
                    action=action,
                    text=t["text"],
                    order=t_order,
                    target_month=parse_month(t["target_month"]),
                    target_as_written=t["target_as_written"],
                    is_ongoing=t["is_ongoing"],
                    unit=measure.get("unit", ""),
                    baseline=_decimal(measure.get("baseline")),
                    target_value=_decimal(measure.get("target_value")),
                    direction=measure.get("direction", ""),
                )
            )
        self.story(plan, data.get("story", []), issue=issue)
        return issue

    def story(self, plan: Plan, entries, *, issue=None, priority=None) -> None:
        undated_at = (
            timezone.make_aware(dt.datetime.combine(plan.publication_date, dt.time(12)))
            if plan.publication_date
            else timezone.now()
        )
        for order, s in enumerate(entries):
            month = parse_month(s["month"])
            self.save(
                StoryEntry(
                    plan=plan,
                    issue=issue,
                    priority=priority,
                    month=month,
                    date_as_written=s["date_as_written"],
                    narrative=sanitise_narrative(s["narrative"]),
                    state=EntryState.SUBMITTED,
                    author=None,
                    written_at=month_end_noon(month) if month else undated_at,
                    order=order,
                )
            )

    def forum(self, area, plan, data, order, people) -> None:
        if Forum.objects.filter(area=area, slug=data["slug"]).exists():
            return
        forum = self.save(
            Forum(
                area=area,
                plan=plan,
                name=data["name"],
                slug=data["slug"],
                level=data.get("level", ""),
                cadence=data["cadence"],
                cadence_as_written=data.get("cadence_as_written", ""),
                purpose=data.get("purpose", ""),
                order=order,
            )
        )
        for m_order, member in enumerate(data.get("members", [])):
            self.save(
                ForumMember(
                    forum=forum,
                    person=people[member["name"]],
                    role=member.get("role", ""),
                    organisation=member.get("organisation", ""),
                    order=m_order,
                )
            )


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))
