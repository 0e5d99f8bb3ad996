"""``PlanWriter``: what the rows of a plan import say for one plan, written all at once.

Nothing is written while the rows are read: the writer keeps the records the import
creates, changes and deletes in memory (``changes``), a preview reports them, and a
confirmed import with no problem writes them all at the end (``write``).

Into a plan that already has content (``replace``), the writer updates in place rather
than deleting and re-creating: priorities are matched by reference (else title), issues
by ref and how many issues before wrote the same ref, actions
and outcome targets by their text under their issue (an edited line takes over a line
whose text the sheet no longer has), story-so-far entries by their position under their
issue or priority, and BRAGG and RAG rows by the import month. Only what differs is
written, and what the sheet no longer has is deleted. Importing the same file twice
therefore changes nothing the second time; deleted rows keep their history.

Each step is a module of its own: opening the plan (``loading``), checking a row
(``checks``), its priority and issue (``issues``), its action, leads and status
(``actions``), its outcome target and rating (``targets``) and the updates sheet
(``story``).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from actions.models import Action, ActionStatus
from outcomes.models import ImpactRating, OutcomeTarget
from sendplan.models import Area, Issue, IssueStrategyLink, MilestonePriority, Plan, Priority

from ..columns import PLAN_HEADERS
from .actions import ActionWriting
from .changes import WORD_DOCUMENT, Changes
from .checks import RowChecks
from .issues import IssueWriting
from .loading import PlanLoading
from .plan_parts import PlanPartsWriting
from .rows import ISSUE_CONTENT, PlanRow, blank, text_key
from .story import StoryWriting
from .targets import KEEP, TargetWriting


class PlanWriter(
    PlanLoading,
    RowChecks,
    IssueWriting,
    ActionWriting,
    TargetWriting,
    StoryWriting,
    PlanPartsWriting,
    Changes,
):
    """Works out what the rows say for one plan, then writes it all at once (``write``)."""

    def __init__(
        self,
        *,
        area_name: str,
        plan_title: str,
        slug: str,
        user,
        month: dt.date,
        replace: bool,
        present: frozenset[str] = frozenset(PLAN_HEADERS),
        word: bool = False,
    ):
        super().__init__()
        # A Word document's import says so in the history it writes.
        if word:
            self.source = WORD_DOCUMENT
        # The fields the sheet has a column for: a field it leaves out keeps what the plan
        # holds (a council's own sheet has no baseline column, say).
        self.present = present
        # Figures the sheet gives that look wrong but may be right: said in the preview.
        self.figure_notes: list[str] = []
        self.area_name = area_name
        self.plan_title = plan_title
        self.slug = slug
        self.user = user
        self.month = month
        self.replace = replace
        # One time for the whole import: ratings, story so far and every history row.
        self.now = timezone.now()
        self.area: Area | None = None
        self.plan: Plan | None = None
        self.plan_created = False
        self.updates_result = None
        self.story_levels: set[str] = set()
        # Text-level state of the sheet, for blank cells and conflicting repeats.
        self.previous_ref = None
        # Each priority the rows name, in their order, and what the rows put under it:
        # the outline the preview shows (``outline_lines``).
        self.outline: dict[tuple, dict] = {}
        self.previous_story_ref = None
        self.sheet_refs: set[str] = set()

    def scan(self, dataset) -> None:
        """Note every action and outcome target text the sheet gives under each ref, so
        that replacing can tell an edited line from one that moved."""
        previous = None
        for values in dataset.dict:
            ref = values.get("ref")
            if blank(ref):
                ref = previous
            previous = ref
            if ref is None:
                continue
            ref = f"{ref:g}" if isinstance(ref, float) else str(ref).strip()
            for column, kind in (("action", "actions"), ("outcome_target", "targets")):
                text = values.get(column)
                if isinstance(text, str) and text.strip():
                    self.sheet_texts[kind].setdefault(ref, set()).add(text_key(text))

    def carry_down(self, row: dict) -> None:
        """A blank ref means "as the row above" (the updates sheet likewise), except on a
        row that gives a priority and nothing under it."""
        if all(blank(v) for v in row.values()):
            return
        if blank(row.get("ref")):
            priority_only = all(blank(row.get(c)) for c in ISSUE_CONTENT) and not (
                blank(row.get("priority")) and blank(row.get("priority_ref"))
            )
            if self.previous_ref is not None and not priority_only:
                row["ref"] = self.previous_ref
        else:
            self.previous_ref = row["ref"]
            self.sheet_refs.add(str(row["ref"]).strip())

    def write_row(self, row: PlanRow) -> None:
        priority = self._priority(
            row.priority_key,
            row.written_priority_ref,
            row.priority_title,
            row.priority_description if "priority_description" in self.present else None,
        )
        # The records themselves, by identity: a line the file repeats ("as above") is
        # counted as the one record the import makes of it.
        tally = self.outline.setdefault(
            row.priority_key,
            {"priority": priority, "issues": set(), "actions": set(), "targets": set()},
        )
        if row.is_priority_only:
            return
        issue = self._issue(row, priority)
        tally["issues"].add(id(issue))
        action = None
        if row.action:
            action = self._action(issue, row)
            self._leads(action, row.actioned_by)
            self._status(action, row.bragg)
            self.last_action[row.key] = action
            tally["actions"].add(id(action))
        if row.outcome_target:
            measured_action = action if row.action else self.last_action.get(row.key)
            target = self._target(issue, measured_action, row)
            figure = row.latest_figure if "latest_figure" in self.present else KEEP
            self._rating(target, row.impact_rag, figure)
            tally["targets"].add(id(target))

    def _match(self, old: list, text: str, ref: str, kind: str):
        """The existing record a line of the sheet updates, when replacing: the one with
        the same text, else one whose text the sheet no longer has (an edited line),
        else none (a new line). Matching by text keeps each action's BRAGG history with
        it when lines are inserted or moved."""
        used = self.used[kind]
        same = next(
            (o for o in old if o.pk not in used and text_key(o.text) == text_key(text)), None
        )
        if same is None:
            in_sheet = self.sheet_texts[kind].get(ref, set())
            same = next(
                (o for o in old if o.pk not in used and text_key(o.text) not in in_sheet), None
            )
        if same is not None:
            used.add(same.pk)
        return same

    def _place(self, counter: dict, key, record=None) -> int:
        """The ``order`` of the next record under ``key``, where ``record`` is the plan's
        own record the row matched (None: a new one). The plan's record keeps its order
        while that still puts it after the one before: the plan's numbering need not start
        at 0, go up by one or differ (ties are read by id, oldest first), so a file in the
        plan's order changes nothing. Otherwise, and for a new record, one more than the
        one before."""
        before, before_id = counter.get(key, (-1, None))
        kept = getattr(record, "order", None) if record is not None else None
        pk = record.pk if record is not None else None
        after = kept is not None and (
            kept > before or (kept == before and None not in (before_id, pk) and pk > before_id)
        )
        place = kept if after else before + 1
        counter[key] = (place, pk)
        return place

    def _next(self, counter: dict, key) -> int:
        position = counter.get(key, 0)
        counter[key] = position + 1
        return position

    def delete_what_the_sheet_no_longer_has(self) -> None:
        """After the plan rows: every record of the plan that no row matched is to be
        deleted (``write`` deletes children first)."""
        if self.plan.pk is None:
            return
        plan, seen = self.plan, self.seen

        def gone(records, model):
            # Records the sheet creates (no pk yet) are new, never gone.
            return [r for r in records if r.pk is not None and r.pk not in seen[model]]

        targets = gone([t for ts in self.old_targets.values() for t in ts], OutcomeTarget)
        actions = gone([a for acts in self.old_actions.values() for a in acts], Action)
        issues = gone(self.issues.values(), Issue)
        priorities = gone(self.priorities.values(), Priority)
        # Ratings and statuses of every month, not only the import's.
        if targets:
            for rating in ImpactRating.objects.filter(plan=plan, target__in=targets):
                self._delete(rating)
        if actions:
            for status in ActionStatus.objects.filter(plan=plan, action__in=actions):
                self._delete(status)
        for record in targets + actions:
            self._delete(record)
        for action in actions:
            for lead in self.old_leads.get(action.pk, []):
                self._delete(lead)
        for entries in [*self.old_story.values(), self.old_drafts]:
            for entry in entries:
                if not (entry.issue_id in seen[Issue] or entry.priority_id in seen[Priority]):
                    self._delete(entry)
        for through in gone(self.old_issue_links, IssueStrategyLink):
            self._delete(through)
        for record in issues + priorities:
            self._delete(record)
        if priorities:
            for through in MilestonePriority.objects.filter(plan=plan, priority__in=priorities):
                self._delete(through)

    def outline_lines(self) -> list[dict]:
        """The plan as the rows read, a line per priority in the file's order: its name
        as pages will show it, and how many issues, actions and outcome targets the file
        puts under it. A programme manager sees from it that heading rows became the
        priorities they meant."""
        return [
            {
                "label": tally["priority"].label,
                "issues": len(tally["issues"]),
                "actions": len(tally["actions"]),
                "targets": len(tally["targets"]),
            }
            for tally in self.outline.values()
        ]
