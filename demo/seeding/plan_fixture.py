"""Loading a plan transcribed into a fixture file (``fixtures/*.json``) into the database.

The files are domain-shaped JSON (area, plan, priorities, issues, actions...), not Django's
``loaddata`` format: loaddata saves raw rows and so writes no audit history. Here every
row goes through ``save()`` with the acting user set, so the history of a seeded plan says
who loaded it, and narratives pass through the same sanitiser as anything typed in.

``fixtures/README.md`` describes the shape and the transcription notes; ``fixture_check``
reads and checks the file before anything is written.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from actions.models import Action, ActionLead, EntryState, StoryEntry
from governance.models import Forum, ForumMember
from outcomes.models import OutcomeTarget
from sendplan.models import (
    Area,
    Finding,
    Issue,
    IssueStrategyLink,
    Milestone,
    MilestonePriority,
    Person,
    Plan,
    Priority,
    StoryLevel,
    StrategyLink,
)
from sendplan.text import sanitise_narrative

from .fixture_check import FixtureError, parse_month, read_plan_fixture
from .writer import HistoryWriter

__all__ = [
    "FixtureError",
    "LoadResult",
    "load_plan_fixture",
    "month_end_noon",
    "read_plan_fixture",
    "seed_plan_fixture",
]


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


# --- Writing --------------------------------------------------------------------------


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
                    # The seeded plans number their priorities: the number is the reference.
                    ref=str(p.get("ref", p["number"])),
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
        targets = self.actions(plan, issue, data.get("actions", []), people)
        targets += [(t, None) for t in data.get("targets", [])]
        targets.sort(key=lambda pair: pair[0].get("line", float("inf")))
        self.targets(plan, issue, targets)
        self.story(plan, data.get("story", []), issue=issue)
        return issue

    def actions(self, plan, issue, entries, people) -> list[tuple[dict, Action]]:
        """Save the issue's actions with their leads; return their targets, each with its
        action."""
        targets = []
        for a_order, a in enumerate(entries):
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
        return targets

    def targets(self, plan, issue, targets) -> None:
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
