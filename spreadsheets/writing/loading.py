"""Opening the plan an import writes into, and reading what it already holds."""

from __future__ import annotations

from collections import defaultdict

from django.utils.text import slugify

from actions.models import Action, ActionLead, ActionStatus, StoryEntry
from outcomes.models import ImpactRating, OutcomeTarget
from sendplan.models import Area, Issue, IssueStrategyLink, Person, Plan, Priority, StrategyLink


class PlanLoading:
    """Finds or creates the area and the plan, and reads their records into memory.
    Records read from the database are looked up by their ids; new ones, which have none
    until they are written, by what the sheet calls them (a priority's number, an
    issue's ref, a person's name)."""

    def open_plan(self) -> None:
        self.area = Area.objects.filter(name__iexact=self.area_name).first()
        if self.area is None:
            self.area = self._create(Area(name=self.area_name, slug=self._free_area_slug()))
        self.plan = Plan.objects.filter(slug=self.slug).first()
        if self.plan is None:
            self.plan = self._create(Plan(area=self.area, title=self.plan_title, slug=self.slug))
            self.plan_created = True
        else:
            self._update(self.plan, {"title": self.plan_title})
        self._load()

    def _free_area_slug(self) -> str:
        base = slugify(self.area_name)[:110] or "area"
        slug, n = base, 1
        while Area.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    def _load(self) -> None:
        self.priorities: dict[int, Priority] = {}
        self.issues: dict[str, Issue] = {}
        self.people: dict[str, Person] = {}
        self.links: dict[str, StrategyLink] = {}
        self.issue_links: dict[tuple[str, str], IssueStrategyLink] = {}
        self.old_issue_links: list[IssueStrategyLink] = []
        self.old_actions: dict[int, list[Action]] = defaultdict(list)
        self.old_leads: dict[int, list[ActionLead]] = defaultdict(list)
        self.old_targets: dict[int, list[OutcomeTarget]] = defaultdict(list)
        self.old_statuses: dict[int, ActionStatus | None] = {}
        self.old_ratings: dict[int, ImpactRating | None] = {}
        self.old_story: dict[tuple, list[StoryEntry]] = defaultdict(list)
        self._start_counting()
        if self.area.pk is not None:
            self.people = {p.name.casefold(): p for p in Person.objects.filter(area=self.area)}
            self.links = {s.name.casefold(): s for s in StrategyLink.objects.filter(area=self.area)}
        if self.plan.pk is not None:
            self._load_plan_records(self.plan)

    def _start_counting(self) -> None:
        """What this import has said and done so far."""
        self.declared_priority: dict[int, tuple[str, int]] = {}
        self.declared_issue: dict[str, tuple[str, int]] = {}
        self.issue_order: dict[str, int] = {}
        self.action_count: dict[str, int] = {}
        self.target_count: dict[str, int] = {}
        self.last_action: dict[str, Action | None] = {}
        self.story_count: dict[tuple, int] = {}
        self.used: dict[str, set[int]] = defaultdict(set)
        self.sheet_texts: dict[str, dict[str, set[str]]] = defaultdict(dict)

    def _load_plan_records(self, plan: Plan) -> None:
        self.priorities = {p.number: p for p in Priority.objects.filter(plan=plan)}
        self.issues = {i.ref: i for i in Issue.objects.filter(plan=plan)}
        ref_of = {i.pk: i.ref for i in self.issues.values()}
        link_name_of = {s.pk: key for key, s in self.links.items()}
        for row in IssueStrategyLink.objects.filter(plan=plan):
            self.old_issue_links.append(row)
            if row.issue_id in ref_of and row.strategy_link_id in link_name_of:
                key = (ref_of[row.issue_id], link_name_of[row.strategy_link_id])
                self.issue_links[key] = row
        for action in Action.objects.filter(plan=plan).order_by("order", "pk"):
            self.old_actions[action.issue_id].append(action)
        for lead in ActionLead.objects.filter(plan=plan).order_by("order", "pk"):
            self.old_leads[lead.action_id].append(lead)
        for target in OutcomeTarget.objects.filter(plan=plan).order_by("order", "pk"):
            self.old_targets[target.issue_id].append(target)
        self.old_statuses = {
            s.action_id: s for s in ActionStatus.objects.filter(plan=plan, month=self.month)
        }
        self.old_ratings = {
            r.target_id: r for r in ImpactRating.objects.filter(plan=plan, month=self.month)
        }
        number_of = {p.pk: p.number for p in self.priorities.values()}
        for entry in StoryEntry.objects.filter(plan=plan).order_by("order", "pk"):
            if entry.issue_id:
                key = ("issue", ref_of.get(entry.issue_id))
            else:
                key = ("priority", number_of.get(entry.priority_id))
            self.old_story[key].append(entry)
