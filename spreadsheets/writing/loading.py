"""Opening the plan an import writes into, and reading what it already holds."""

from __future__ import annotations

from collections import defaultdict

from django.utils.text import slugify

from actions.models import Action, ActionLead, ActionStatus, EntryState, StoryEntry
from outcomes.models import ImpactRating, OutcomeTarget
from sendplan.models import Area, Issue, IssueStrategyLink, Person, Plan, Priority, StrategyLink

from .checks import priority_key
from .rows import text_key


class PlanLoading:
    """Finds or creates the area and the plan, and reads their records into memory.
    Records read from the database are looked up by their ids; new ones, which have none
    until they are written, by what the sheet calls them (a priority's reference or
    title, an issue's ref with how many issues wrote it before, a person's name)."""

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
        self.priorities: dict[tuple, Priority] = {}
        # Priorities of the plan by their title, for a sheet that names them by it alone.
        self.priorities_by_title: dict[str, Priority] = {}
        self.issues: dict[tuple, Issue] = {}
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
        self.old_drafts: list[StoryEntry] = []
        self._start_counting()
        if self.area.pk is not None:
            self.people = {p.name.casefold(): p for p in Person.objects.filter(area=self.area)}
            self.links = {s.name.casefold(): s for s in StrategyLink.objects.filter(area=self.area)}
        if self.plan.pk is not None:
            self._load_plan_records(self.plan)

    def _start_counting(self) -> None:
        """What this import has said and done so far."""
        # priority key -> (title, reference as written, the row that first named it)
        self.declared_priority: dict[tuple, tuple[str, str, int]] = {}
        self.current_priority: tuple | None = None
        # (ref, priority key, issue text, issue key) of the row above's issue
        self.current_issue: tuple | None = None
        self.ref_count: dict[str, int] = {}
        self.priority_order: dict[tuple, int] = {}
        self.issue_order: dict[tuple, int] = {}
        # key -> (the order given last, the id of the record it was given to): _place
        self.issue_places: dict[None, tuple] = {}
        self.action_count: dict[tuple, tuple] = {}
        self.target_count: dict[tuple, tuple] = {}
        self.last_action: dict[tuple, Action | None] = {}
        self.story_count: dict[tuple, int] = {}
        self.story_places: dict[tuple, tuple] = {}
        self.used: dict[str, set[int]] = defaultdict(set)
        self.sheet_texts: dict[str, dict[str, set[str]]] = defaultdict(dict)

    def _load_plan_records(self, plan: Plan) -> None:
        priorities = list(Priority.objects.filter(plan=plan).order_by("number"))
        for p in priorities:
            self.priorities.setdefault(priority_key(p.ref, p.title), p)
            self.priorities_by_title.setdefault(text_key(p.title), p)
        number_of = {p.pk: p.number for p in priorities}
        # Issues in the export's order, each keyed by its ref and how many issues before
        # it wrote the same ref, as the checks key the sheet's issues.
        count: dict[str, int] = {}
        issues = sorted(
            Issue.objects.filter(plan=plan),
            key=lambda i: (number_of.get(i.priority_id, 0), i.order, i.ref, i.pk),
        )
        for issue in issues:
            seen = count.get(issue.ref, 0)
            count[issue.ref] = seen + 1
            self.issues[issue.ref, seen] = issue
        ref_of = {i.pk: key for key, i in self.issues.items()}
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
        key_of = {p.pk: key for key, p in self.priorities.items()}
        for entry in StoryEntry.objects.filter(plan=plan).order_by("order", "pk"):
            if entry.state != EntryState.SUBMITTED:
                # A lead's draft is not yet the plan's word: the sheet neither gives nor
                # replaces it, and it goes only with its issue or priority.
                self.old_drafts.append(entry)
                continue
            if entry.issue_id:
                key = ("issue", ref_of.get(entry.issue_id))
            else:
                key = ("priority", key_of.get(entry.priority_id))
            self.old_story[key].append(entry)
