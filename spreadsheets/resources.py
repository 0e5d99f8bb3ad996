"""The import of a whole plan, row by row, through django-import-export.

``PlanRowResource`` reads the plan sheet and ``StoryRowResource`` the updates sheet.
import-export drives the rows: ``ValueError`` from a widget and ``ValidationError`` from
our checks are reported against the row and column, other exceptions as row errors.
Neither resource is a ModelResource: a row of the plan table can create a priority, an
issue, an action with its leads and BRAGG status, and an outcome target with its RAG
rating, so the row's "instance" is a ``PlanRow`` and ``PlanWriter`` works out what it
means for the plan's records.

Nothing is written while the rows are read. The writer keeps, in memory, the records the
import creates, the fields it changes and the records it deletes; a preview reports
them, and a confirmed import with no problem writes them all at the end, in one
transaction, with simple-history's bulk helpers: one history row per record, each naming
the importing user and the import as its reason. (import-export's own bulk mode is not
used: it skips history and cannot tie a failure to a row.) Deletions go through Django's
deletion collector in one batch per model, so each still gets its history row.

Into a plan that already has content (``replace``), the writer updates in place rather
than deleting and re-creating: priorities are matched by number, issues by ref, actions
and outcome targets by their text under their issue (an edited line takes over a line
whose text the sheet no longer has), story-so-far entries by their position under their
issue or priority, and BRAGG and RAG rows by the import month. Only what differs is
written, and what the sheet no longer has is deleted. Importing the same file twice
therefore changes nothing the second time; deleted rows keep their history.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router
from django.db.models.deletion import Collector
from django.utils import timezone
from import_export import fields, resources
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import Error
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actions.models import (
    Action,
    ActionLead,
    ActionStatus,
    EntryState,
    StoryEntry,
    check_bragg_rules,
)
from outcomes.models import ImpactRating, OutcomeTarget
from sendplan.models import (
    Area,
    Issue,
    IssueStrategyLink,
    MilestonePriority,
    Person,
    Plan,
    Priority,
    StrategyLink,
)
from sendplan.ratings import BRAGG_NEEDS_NOTE
from sendplan.text import MAX_NARRATIVE_CHARS, sanitise_narrative

from .columns import ACTION_COLUMNS, PLAN_HEADERS, TARGET_COLUMNS, UPDATES_HEADERS
from .reading import BEYOND
from .widgets import (
    CompletedWidget,
    ListWidget,
    MonthWidget,
    RatingWidget,
    RefWidget,
    TextWidget,
)

IMPORT_REASON = "Imported from spreadsheet"
# The sheet has no column for the reason a status is Red or Amber, and the plan's rule
# asks for one: the import accepts the status and says where it came from.
IMPORTED_NOTE = "Imported from spreadsheet; the sheet gives no reason."

# Parents before children, for creating and changing records.
WRITE_ORDER = (
    Area,
    Plan,
    Priority,
    StrategyLink,
    Person,
    Issue,
    IssueStrategyLink,
    Action,
    ActionLead,
    ActionStatus,
    OutcomeTarget,
    ImpactRating,
    StoryEntry,
)
# Children before parents, so that no deletion cascades to a record the writer has not
# deleted itself (a cascaded row's history would name no user).
DELETE_ORDER = (
    ImpactRating,
    OutcomeTarget,
    ActionStatus,
    ActionLead,
    StoryEntry,
    Action,
    IssueStrategyLink,
    Issue,
    MilestonePriority,
    Priority,
)

_PRIORITY_PREFIX = re.compile(
    r"^(?:priority\s+)?(\d{1,4})(?:\s*[.:)]\s*|\s+(?=[^\d\s]))(.*)$", re.IGNORECASE | re.DOTALL
)
_PRIORITY_NUMBER_ONLY = re.compile(r"^(?:priority\s+)?(\d{1,4})\.?$", re.IGNORECASE)
_HAS_TAGS = re.compile(r"</?[a-zA-Z][^>]*>")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _same_text(a: str, b: str) -> bool:
    return _text_key(a) == _text_key(b)


def split_priority_title(text: str) -> tuple[int | None, str]:
    """ "1. The effectiveness of…" → (1, "The effectiveness of…"); "1" → (1, "")."""
    text = " ".join(text.split())
    if m := _PRIORITY_NUMBER_ONLY.match(text):
        return int(m[1]), ""
    if m := _PRIORITY_PREFIX.match(text):
        return int(m[1]), m[2].strip()
    return None, text


def narrative_html(text: str) -> str:
    """Story-so-far text as stored: HTML kept (and sanitised), plain text in paragraphs."""
    if not _HAS_TAGS.search(text):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\r\n\s*\r\n", text) if p.strip()]
        text = "".join(
            "<p>" + "<br>".join(html.escape(line.strip()) for line in p.splitlines()) + "</p>"
            for p in paragraphs
        )
    return sanitise_narrative(text)


def delete_with_history(objs: list[models.Model], *, user, reason: str, when: dt.datetime) -> None:
    """Delete ``objs`` (records of one model) as ``Model.delete()`` deletes one record, in
    one batch: the same cascades and signals, so simple-history writes each one's "-" row,
    naming ``user`` and ``reason``."""
    for obj in objs:
        obj._history_user = user
        obj._change_reason = reason
        obj._history_date = when
    collector = Collector(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    collector.delete()


class PlanRow:
    """One row of the plan sheet, as the widgets read it."""

    def __init__(self):
        self.number = 0
        self.is_blank = False
        self.ref = ""
        self.priority = ""
        self.issue = ""
        self.strategy_links: list[str] = []
        self.action = ""
        self.actioned_by: list[str] = []
        self.by_when = None
        self.completed: dt.date | None = None
        self.bragg = ""
        self.outcome_target = ""
        self.target_date = None
        self.impact_rag = ""
        self.priority_title = ""


class StoryRow:
    """One row of the updates sheet."""

    def __init__(self):
        self.number = 0
        self.is_blank = False
        self.ref = ""
        self.date = None
        self.text = ""


class PlanWriter:
    """Works out what the rows say for one plan, then writes it all at once (``write``).

    New records are kept unsaved in ``created``; an existing record that the sheet
    changes is changed in memory and kept in ``changed`` with the names of its changed
    fields; records to delete are kept in ``deleted``. Records read from the database are
    looked up by their ids; new ones, which have none until they are written, by what
    the sheet calls them (a priority's number, an issue's ref, a person's name)."""

    def __init__(
        self, *, area_name: str, plan_title: str, slug: str, user, month: dt.date, replace: bool
    ):
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
        self.created: dict[type, list[models.Model]] = defaultdict(list)
        self.changed: dict[type, dict[int, tuple[models.Model, set[str]]]] = defaultdict(dict)
        self.deleted: dict[type, dict[int, models.Model]] = defaultdict(dict)
        self.updates_result = None
        self.story_levels: set[str] = set()
        # Text-level state of the sheet, for blank cells and conflicting repeats.
        self.previous_ref = None
        self.previous_story_ref = None
        self.sheet_refs: set[str] = set()

    # --- Opening the plan --------------------------------------------------------------

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
        from django.utils.text import slugify

        base = slugify(self.area_name)[:110] or "area"
        slug, n = base, 1
        while Area.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    def _load(self) -> None:
        plan, area = self.plan, self.area
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
        # What this import has said and done so far.
        self.declared_priority: dict[int, tuple[str, int]] = {}
        self.declared_issue: dict[str, tuple[str, int]] = {}
        self.issue_order: dict[str, int] = {}
        self.action_count: dict[str, int] = {}
        self.target_count: dict[str, int] = {}
        self.last_action: dict[str, Action | None] = {}
        self.story_count: dict[tuple, int] = {}
        self.seen: dict[type, set[int]] = defaultdict(set)
        self.used: dict[str, set[int]] = defaultdict(set)
        self.sheet_texts: dict[str, dict[str, set[str]]] = defaultdict(dict)
        if area.pk is not None:
            self.people = {p.name.casefold(): p for p in Person.objects.filter(area=area)}
            self.links = {s.name.casefold(): s for s in StrategyLink.objects.filter(area=area)}
        if plan.pk is None:
            return
        self.priorities = {p.number: p for p in Priority.objects.filter(plan=plan)}
        self.issues = {i.ref: i for i in Issue.objects.filter(plan=plan)}
        ref_of = {i.pk: i.ref for i in self.issues.values()}
        number_of = {p.pk: p.number for p in self.priorities.values()}
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
        for entry in StoryEntry.objects.filter(plan=plan).order_by("order", "pk"):
            if entry.issue_id:
                key = ("issue", ref_of.get(entry.issue_id))
            else:
                key = ("priority", number_of.get(entry.priority_id))
            self.old_story[key].append(entry)

    # --- What the import changes ---------------------------------------------------------

    def _create(self, obj: models.Model) -> models.Model:
        self.created[type(obj)].append(obj)
        return obj

    def _delete(self, obj: models.Model) -> None:
        self.deleted[type(obj)].setdefault(obj.pk, obj)

    def _update(self, obj: models.Model, values: dict) -> bool:
        """Set ``values`` on a record, noting the fields that differ on one read from the
        database (a new record is written as it is in the end)."""
        changed = [key for key, value in values.items() if _differs(obj, key, value)]
        for key in changed:
            setattr(obj, key, values[key])
        if changed and obj.pk is not None:
            self.changed[type(obj)].setdefault(obj.pk, (obj, set()))[1].update(changed)
        return bool(changed)

    def _seen(self, obj: models.Model) -> None:
        """The sheet still has this record (only records read from the database count)."""
        if obj.pk is not None:
            self.seen[type(obj)].add(obj.pk)

    def counts(self) -> dict[str, dict[str, int]]:
        """ "actions": {"created": 12, "updated": 1}, leaving out what is nought."""
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        for kind, store in (
            ("created", self.created),
            ("updated", self.changed),
            ("deleted", self.deleted),
        ):
            for model, records in store.items():
                if records:
                    counts[str(model._meta.verbose_name_plural)][kind] = len(records)
        return dict(counts)

    def write(self) -> None:
        """Write what the rows said: new records parents first, then the changed ones,
        then the deletions children first. Call it inside a transaction."""
        for model in WRITE_ORDER:
            if records := self.created.get(model):
                bulk_create_with_history(
                    records,
                    model,
                    default_user=self.user,
                    default_change_reason=IMPORT_REASON,
                    default_date=self.now,
                )
        for model in WRITE_ORDER:
            changed = [
                (obj, names)
                for pk, (obj, names) in self.changed.get(model, {}).items()
                if pk not in self.deleted.get(model, {})
            ]
            if changed:
                bulk_update_with_history(
                    [obj for obj, _ in changed],
                    model,
                    sorted(set().union(*(names for _, names in changed))),
                    default_user=self.user,
                    default_change_reason=IMPORT_REASON,
                    default_date=self.now,
                )
        for model in DELETE_ORDER:
            if records := list(self.deleted.get(model, {}).values()):
                delete_with_history(records, user=self.user, reason=IMPORT_REASON, when=self.now)

    # --- Plan rows ---------------------------------------------------------------------

    def carry_down(self, row: dict) -> None:
        """A blank ref means "as the row above" (the updates sheet likewise)."""
        if all(_blank(v) for v in row.values()):
            return
        if _blank(row.get("ref")):
            if self.previous_ref is not None:
                row["ref"] = self.previous_ref
        else:
            self.previous_ref = row["ref"]
            self.sheet_refs.add(str(row["ref"]).strip())

    def check_row(self, row: PlanRow, errors: dict, skip: set[str]) -> None:
        def add(column: str, message: str) -> None:
            errors.setdefault(column, []).append(message)

        if "ref" not in skip and not row.ref:
            add(
                "ref",
                "Enter the issue's reference, such as 1.2. A blank ref means "
                '"as the row above", and no row above gives one.',
            )
        if row.ref and "ref" not in skip:
            number = int(row.ref.split(".")[0])
            written_number, title = split_priority_title(row.priority)
            declared = self.declared_priority.get(number)
            if "priority" in skip:
                pass
            elif written_number is not None and written_number != number:
                add(
                    "priority",
                    f"The ref {row.ref} puts this issue under priority {number}, but this "
                    f"cell names priority {written_number}.",
                )
            elif title and declared and not _same_text(title, declared[0]):
                add(
                    "priority",
                    f"Priority {number} is named differently on row {declared[1]} "
                    f'("{declared[0][:60]}"). Leave the cell blank or repeat that title.',
                )
            elif not title and not declared and written_number is not None:
                # The cell names the priority only by its number ("2", "Priority 2") and
                # no row gives its title: the number is the best title there is.
                title = f"Priority {number}"
            elif not title and not declared and number not in self.priorities:
                add(
                    "priority",
                    f"Enter the title of priority {number}: this is the first row that names it.",
                )
            if title and not declared:
                # What the sheet says, whether or not this row imports: later rows may
                # leave the cell blank.
                self.declared_priority[number] = (title, row.number)
            row.priority_title = title or (declared[0] if declared else "")
            declared_issue = self.declared_issue.get(row.ref)
            if row.issue and not declared_issue:
                self.declared_issue[row.ref] = (row.issue, row.number)
            if (
                "issue" not in skip
                and row.issue
                and declared_issue
                and not _same_text(row.issue, declared_issue[0])
            ):
                add(
                    "issue",
                    f"Issue {row.ref} is described differently on row {declared_issue[1]} "
                    f'("{declared_issue[0][:60]}"). Leave the cell blank or repeat the same '
                    f"text.",
                )
            elif not row.issue and declared_issue:
                row.issue = declared_issue[0]
        for column in ACTION_COLUMNS:
            if "action" in skip:
                break
            if column not in skip and not row.action and getattr(row, column):
                add(
                    column,
                    f"Enter the action this {column} belongs to in the action column, or "
                    f"leave {column} blank.",
                )
        for column in TARGET_COLUMNS:
            if "outcome_target" in skip:
                break
            if column not in skip and not row.outcome_target and getattr(row, column):
                add(
                    column,
                    f"Enter the outcome target this {column} belongs to in the "
                    f"outcome_target column, or leave {column} blank.",
                )
        if row.action and row.bragg and not ({"bragg", "completed"} & skip):
            try:
                check_bragg_rules(row.bragg, self._note_for(row.bragg, ""), row.completed)
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    for message in messages:
                        add("completed" if key == "completed_on" else "bragg", message)

    def write_row(self, row: PlanRow) -> None:
        number = int(row.ref.split(".")[0])
        priority = self._priority(number, row.priority_title)
        issue = self._issue(row, priority)
        action = None
        if row.action:
            action = self._action(issue, row)
            self._leads(action, row.actioned_by)
            self._status(action, row.bragg)
            self.last_action[row.ref] = action
        if row.outcome_target:
            measured_action = action if row.action else self.last_action.get(row.ref)
            target = self._target(issue, measured_action, row)
            self._rating(target, row.impact_rag)

    def _priority(self, number: int, title: str) -> Priority:
        priority = self.priorities.get(number)
        if priority is None:
            priority = self._create(Priority(plan=self.plan, number=number, title=title))
            self.priorities[number] = priority
        elif title:
            self._update(priority, {"title": title})
        self._seen(priority)
        return priority

    def _issue(self, row: PlanRow, priority: Priority) -> Issue:
        ref = row.ref
        first_time = ref not in self.issue_order
        if first_time:
            self.issue_order[ref] = len(self.issue_order)
        issue = self.issues.get(ref)
        if issue is None:
            issue = self._create(
                Issue(
                    plan=self.plan,
                    priority=priority,
                    ref=ref,
                    description=row.issue,
                    order=self.issue_order[ref],
                )
            )
            self.issues[ref] = issue
        else:
            values = {"priority": priority}
            if row.issue:
                values["description"] = row.issue
            if first_time:
                values["order"] = self.issue_order[ref]
            self._update(issue, values)
        self._seen(issue)
        for name in row.strategy_links:
            link = self._strategy_link(name)
            through = self.issue_links.get((ref, name.casefold()))
            if through is None:
                through = self._create(
                    IssueStrategyLink(plan=self.plan, issue=issue, strategy_link=link)
                )
                self.issue_links[ref, name.casefold()] = through
            self._seen(through)
        return issue

    def _strategy_link(self, name: str) -> StrategyLink:
        link = self.links.get(name.casefold())
        if link is None:
            link = self._create(StrategyLink(area=self.area, name=name))
            self.links[name.casefold()] = link
        return link

    def _person(self, name: str) -> Person:
        person = self.people.get(name.casefold())
        if person is None:
            person = self._create(Person(area=self.area, name=name))
            self.people[name.casefold()] = person
        return person

    def scan(self, dataset) -> None:
        """Note every action and outcome target text the sheet gives under each ref, so
        that replacing can tell an edited line from one that moved."""
        previous = None
        for values in dataset.dict:
            ref = values.get("ref")
            if _blank(ref):
                ref = previous
            previous = ref
            if ref is None:
                continue
            ref = f"{ref:g}" if isinstance(ref, float) else str(ref).strip()
            for column, kind in (("action", "actions"), ("outcome_target", "targets")):
                text = values.get(column)
                if isinstance(text, str) and text.strip():
                    self.sheet_texts[kind].setdefault(ref, set()).add(_text_key(text))

    def _match(self, old: list, text: str, ref: str, kind: str):
        """The existing record a line of the sheet updates, when replacing: the one with
        the same text, else one whose text the sheet no longer has (an edited line),
        else none (a new line). Matching by text keeps each action's BRAGG history with
        it when lines are inserted or moved."""
        used = self.used[kind]
        same = next(
            (o for o in old if o.pk not in used and _text_key(o.text) == _text_key(text)), None
        )
        if same is None:
            in_sheet = self.sheet_texts[kind].get(ref, set())
            same = next(
                (o for o in old if o.pk not in used and _text_key(o.text) not in in_sheet), None
            )
        if same is not None:
            used.add(same.pk)
        return same

    def _next(self, counter: dict, key) -> int:
        position = counter.get(key, 0)
        counter[key] = position + 1
        return position

    def _action(self, issue: Issue, row: PlanRow) -> Action:
        position = self._next(self.action_count, row.ref)
        due = row.by_when
        values = {
            "text": row.action,
            "order": position,
            "due_month": due.month if due else None,
            "due_as_written": due.as_written if due else "",
            "is_ongoing": bool(due and due.is_ongoing),
            "completed_on": row.completed,
        }
        old = self.old_actions.get(issue.pk, []) if issue.pk else []
        action = self._match(old, row.action, row.ref, "actions")
        if action is not None:
            self._update(action, values)
        else:
            # What Action.save() does for a new action, which the bulk write skips.
            values["original_due_month"] = values["due_month"]
            action = self._create(Action(plan=self.plan, issue=issue, **values))
        self._seen(action)
        return action

    def _leads(self, action: Action, names: list[str]) -> None:
        people = [self._person(name) for name in names]
        wanted = {p.pk for p in people if p.pk is not None}
        current = self.old_leads.get(action.pk, []) if action.pk else []
        kept = {}
        for lead in current:
            if lead.person_id in wanted and lead.person_id not in kept:
                kept[lead.person_id] = lead
            else:
                self._delete(lead)
        for order, person in enumerate(people):
            lead = kept.get(person.pk) if person.pk is not None else None
            if lead is None:
                lead = self._create(
                    ActionLead(plan=self.plan, action=action, person=person, order=order)
                )
            else:
                self._update(lead, {"order": order})
            self._seen(lead)

    def _note_for(self, status: str, note: str) -> str:
        if status in BRAGG_NEEDS_NOTE and not (note or "").strip():
            return IMPORTED_NOTE
        return note

    def _status(self, action: Action, bragg: str) -> None:
        existing = self.old_statuses.get(action.pk) if action.pk else None
        if not bragg:
            if existing is not None:
                self._delete(existing)
                self.old_statuses[action.pk] = None
            return
        if existing is not None:
            values = {
                "status": bragg,
                "note": self._note_for(bragg, existing.note),
                "state": EntryState.SUBMITTED,
            }
            if any(getattr(existing, k) != v for k, v in values.items()):
                values.update(rated_by=self.user, rated_at=self.now)
                self._update(existing, values)
            self._seen(existing)
            return
        status = ActionStatus(
            plan=self.plan,
            action=action,
            month=self.month,
            status=bragg,
            note=self._note_for(bragg, ""),
            state=EntryState.SUBMITTED,
            rated_by=self.user,
            rated_at=self.now,
        )
        check_bragg_rules(status.status, status.note, action.completed_on)
        self._create(status)
        self._seen(status)

    def _target(self, issue: Issue, action: Action | None, row: PlanRow) -> OutcomeTarget:
        position = self._next(self.target_count, row.ref)
        when = row.target_date
        values = {
            "text": row.outcome_target,
            "order": position,
            "action": action,
            "target_month": when.month if when else None,
            "target_as_written": when.as_written if when else "",
            "is_ongoing": bool(when and when.is_ongoing),
        }
        old = self.old_targets.get(issue.pk, []) if issue.pk else []
        target = self._match(old, row.outcome_target, row.ref, "targets")
        if target is not None:
            self._update(target, values)
        else:
            target = self._create(OutcomeTarget(plan=self.plan, issue=issue, **values))
        self._seen(target)
        return target

    def _rating(self, target: OutcomeTarget, rag: str) -> None:
        existing = self.old_ratings.get(target.pk) if target.pk else None
        if not rag:
            if existing is not None:
                self._delete(existing)
                self.old_ratings[target.pk] = None
            return
        if existing is not None:
            if existing.rag != rag or existing.state != EntryState.SUBMITTED:
                self._update(
                    existing,
                    {
                        "rag": rag,
                        "state": EntryState.SUBMITTED,
                        "rated_by": self.user,
                        "rated_at": self.now,
                    },
                )
            self._seen(existing)
            return
        rating = ImpactRating(
            plan=self.plan,
            target=target,
            month=self.month,
            rag=rag,
            state=EntryState.SUBMITTED,
            rated_by=self.user,
            rated_at=self.now,
        )
        self._create(rating)
        self._seen(rating)

    def delete_what_the_sheet_no_longer_has(self) -> None:
        """After the plan rows: every record of the plan that no row matched is to be
        deleted (``write`` deletes children first)."""
        if self.plan.pk is None:
            return
        plan, seen = self.plan, self.seen

        def gone(records, model):
            return [r for r in records if r.pk not in seen[model]]

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
        for entries in self.old_story.values():
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

    # --- Updates rows ------------------------------------------------------------------

    def carry_down_story(self, row: dict) -> None:
        if all(_blank(v) for v in row.values()):
            return
        if _blank(row.get("ref")):
            if self.previous_story_ref is not None:
                row["ref"] = self.previous_story_ref
        else:
            self.previous_story_ref = row["ref"]

    def _story_owner(self, ref: str):
        """("issue", the issue, its ref) or ("priority", the priority, its number)."""
        if "." in ref:
            issue = self.issues.get(ref)
            return ("issue", issue, ref) if issue else None
        priority = self.priorities.get(int(ref))
        return ("priority", priority, int(ref)) if priority else None

    def check_story_row(self, row: StoryRow, errors: dict, skip: set[str]) -> None:
        def add(column: str, message: str) -> None:
            errors.setdefault(column, []).append(message)

        if "ref" not in skip:
            if not row.ref:
                add(
                    "ref",
                    "Enter the issue (such as 1.2) or priority (such as 1) this story so far "
                    "belongs to.",
                )
            elif self._story_owner(row.ref) is None and row.ref not in self.sheet_refs:
                what = "issue" if "." in row.ref else "priority"
                add("ref", f"There is no {what} {row.ref} in the plan.")
        if "text" not in skip and not row.text:
            add("text", "Enter the story so far.")

    def write_story_row(self, row: StoryRow) -> None:
        owner = self._story_owner(row.ref)
        if owner is None:
            # Its issue is in the plan sheet but that row failed: the plan sheet's
            # errors say why, and the import will not be written.
            return
        level, obj, name = owner
        self.story_levels.add(level)
        key = (level, name)
        position = self._next(self.story_count, key)
        when = row.date
        values = {
            "month": when.month if when else None,
            "date_as_written": when.as_written if when else "",
            "narrative": narrative_html(row.text),
            "order": position,
            "state": EntryState.SUBMITTED,
        }
        existing = self.old_story.get(key, [])
        if position < len(existing):
            entry = existing[position]
            self._update(entry, values)
        else:
            entry = self._create(
                StoryEntry(
                    plan=self.plan,
                    author=self.user,
                    written_at=self.now,
                    **{level: obj},
                    **values,
                )
            )
        self._seen(entry)

    def delete_story_the_sheet_no_longer_has(self) -> None:
        for entries in self.old_story.values():
            for entry in entries:
                if entry.pk not in self.seen[StoryEntry]:
                    self._delete(entry)

    def finish_story_level(self) -> None:
        """A new plan whose story so far is all written per priority says so."""
        if self.plan_created and self.story_levels == {"priority"}:
            self.plan.story_level = "priority"


def _differs(obj: models.Model, name: str, value) -> bool:
    """Whether setting field ``name`` of ``obj`` to ``value`` changes it. A foreign key
    is compared by id, without fetching the record it points to; one to a record not
    yet written always differs."""
    field = obj._meta.get_field(name)
    if field.is_relation:
        current = getattr(obj, field.attname)
        if value is None:
            return current is not None
        return value.pk is None or value.pk != current
    return getattr(obj, name) != value


class _RowResource(resources.Resource):
    """What the two sheets share: rows read into plain objects and handed to the writer."""

    row_class: type = PlanRow

    class Meta:
        instance_loader_class = BaseInstanceLoader
        force_init_instance = True
        import_id_fields = ()
        skip_diff = True
        # Reading the rows writes nothing (the writer writes at the end), so no row needs
        # a savepoint of its own.
        use_transactions = False
        # Never import-export's bulk mode: it skips history and cannot name a bad row.
        use_bulk = False

    def __init__(self, *, writer: PlanWriter, **kwargs):
        super().__init__(**kwargs)
        self.writer = writer

    def get_db_connection_name(self):
        return "default"

    def init_instance(self, row=None):
        return self.row_class()

    def after_init_instance(self, instance, new, row, **kwargs):
        # import-export numbers data rows from 1; the header is the sheet's row 1.
        instance.number = kwargs["row_number"] + 1

    def import_instance(self, instance, row, **kwargs):
        instance.is_blank = all(_blank(v) for v in row.values())
        if instance.is_blank:
            return
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if row.get(BEYOND):
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                f"The cell in column {row[BEYOND]} has no header above it; move its "
                f"value into a column with a header or remove it."
            )
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return instance.is_blank and not import_validation_errors

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        self.check(instance, errors, set(errors))
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        self.save_row(instance)


class PlanRowResource(_RowResource):
    ref = fields.Field(attribute="ref", column_name="ref", widget=RefWidget())
    priority = fields.Field(
        attribute="priority", column_name="priority", widget=TextWidget(what="priority's title")
    )
    issue = fields.Field(
        attribute="issue", column_name="issue", widget=TextWidget(what="issue to be addressed")
    )
    strategy_links = fields.Field(
        attribute="strategy_links",
        column_name="strategy_links",
        widget=ListWidget(120, "strategy link"),
    )
    action = fields.Field(attribute="action", column_name="action", widget=TextWidget())
    actioned_by = fields.Field(
        attribute="actioned_by", column_name="actioned_by", widget=ListWidget(120, "lead's name")
    )
    by_when = fields.Field(attribute="by_when", column_name="by_when", widget=MonthWidget())
    completed = fields.Field(
        attribute="completed", column_name="completed", widget=CompletedWidget()
    )
    bragg = fields.Field(attribute="bragg", column_name="bragg", widget=RatingWidget("bragg"))
    outcome_target = fields.Field(
        attribute="outcome_target", column_name="outcome_target", widget=TextWidget()
    )
    target_date = fields.Field(
        attribute="target_date", column_name="target_date", widget=MonthWidget()
    )
    impact_rag = fields.Field(
        attribute="impact_rag", column_name="impact_rag", widget=RatingWidget("rag")
    )

    row_class = PlanRow

    def __init__(self, *, writer: PlanWriter, updates=None, **kwargs):
        super().__init__(writer=writer, **kwargs)
        self.updates = updates

    def before_import(self, dataset, **kwargs):
        self.writer.open_plan()
        self.writer.scan(dataset)

    def before_import_row(self, row, **kwargs):
        self.writer.carry_down(row)

    def check(self, instance, errors, skip):
        self.writer.check_row(instance, errors, skip)

    def save_row(self, instance):
        self.writer.write_row(instance)

    def after_import(self, dataset, result, **kwargs):
        writer = self.writer
        if writer.plan is None:
            return
        if writer.replace:
            writer.delete_what_the_sheet_no_longer_has()
        if self.updates is not None:
            story = StoryRowResource(writer=writer)
            writer.updates_result = story.import_data(self.updates, use_transactions=False)
            updates = writer.updates_result
            if updates.has_errors() or updates.has_validation_errors():
                # The story so far failed: so has the import.
                result.append_base_error(Error(UpdatesFailed()))
        writer.finish_story_level()


class UpdatesFailed(Exception):
    """Marks the plan import as failed because the updates sheet had problems."""


class StoryRowResource(_RowResource):
    ref = fields.Field(attribute="ref", column_name="ref", widget=RefWidget(allow_priority=True))
    date = fields.Field(
        attribute="date", column_name="date", widget=MonthWidget(allow_ongoing=False)
    )
    text = fields.Field(
        attribute="text",
        column_name="text",
        widget=TextWidget(max_length=MAX_NARRATIVE_CHARS, what="story so far"),
    )

    row_class = StoryRow

    def before_import_row(self, row, **kwargs):
        self.writer.carry_down_story(row)

    def check(self, instance, errors, skip):
        self.writer.check_story_row(instance, errors, skip)

    def save_row(self, instance):
        self.writer.write_story_row(instance)

    def after_import(self, dataset, result, **kwargs):
        if self.writer.replace:
            self.writer.delete_story_the_sheet_no_longer_has()


assert tuple(PlanRowResource.fields) == PLAN_HEADERS  # noqa: S101
assert tuple(StoryRowResource.fields) == UPDATES_HEADERS  # noqa: S101
