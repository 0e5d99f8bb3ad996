"""The updates sheet: story-so-far entries, matched by their position under their issue
or priority."""

from __future__ import annotations

import html
import re

from actions.models import EntryState, StoryEntry
from sendplan.text import sanitise_narrative

from .rows import StoryRow, add_error, blank, text_key

_HAS_TAGS = re.compile(r"</?[a-zA-Z][^>]*>")


def narrative_html(text: str) -> str:
    """Story-so-far text as stored: HTML kept (and sanitised), plain text in paragraphs."""
    if not _HAS_TAGS.search(text):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\r\n\s*\r\n", text) if p.strip()]
        text = "".join(
            "<p>" + "<br>".join(html.escape(line.strip()) for line in p.splitlines()) + "</p>"
            for p in paragraphs
        )
    return sanitise_narrative(text)


class StoryWriting:
    def carry_down_story(self, row: dict) -> None:
        if all(blank(v) for v in row.values()):
            return
        if blank(row.get("ref")) and blank(row.get("priority")):
            if self.previous_story_ref is not None:
                row["ref"], row["priority"] = self.previous_story_ref
        else:
            self.previous_story_ref = (row.get("ref"), row.get("priority"))

    def _story_priority(self, text: str):
        """The priority a story row names by its reference or, failing that, its title."""
        text = " ".join(text.split())
        for key in (("ref", text.casefold()), ("title", text_key(text))):
            if key in self.priorities:
                return ("priority", self.priorities[key], key)
        return None

    def _story_owner(self, row: StoryRow):
        """("issue", the issue, its key) or ("priority", the priority, its key). A ref two
        issues write names the first of them."""
        if row.priority:
            return self._story_priority(row.priority)
        issue = self.issues.get((row.ref, 0))
        if issue is not None:
            return ("issue", issue, (row.ref, 0))
        # Sheets written before the priority column name a priority by its number.
        return self._story_priority(row.ref)

    def check_story_row(self, row: StoryRow, errors: dict, skip: set[str]) -> None:
        if not ({"ref", "priority"} & skip):
            if not row.ref and not row.priority:
                add_error(
                    errors,
                    "ref",
                    "Enter the issue (such as 1.2) this story so far belongs to, or its "
                    "priority in the priority column.",
                )
            elif self._story_owner(row) is None and row.ref not in self.sheet_refs:
                if row.priority:
                    add_error(
                        errors, "priority", f"There is no priority {row.priority} in the plan."
                    )
                else:
                    add_error(
                        errors, "ref", f"There is no issue or priority {row.ref} in the plan."
                    )
        if "text" not in skip and not row.text:
            add_error(errors, "text", "Enter the story so far.")

    def write_story_row(self, row: StoryRow) -> None:
        owner = self._story_owner(row)
        if owner is None:
            # Its issue is in the plan sheet but that row failed: the plan sheet's
            # errors say why, and the import will not be written.
            return
        level, obj, name = owner
        self.story_levels.add(level)
        key = (level, name)
        position = self._next(self.story_count, key)
        existing = self.old_story.get(key, [])
        entry = existing[position] if position < len(existing) else None
        when = row.date
        values = {
            "month": when.month if when else None,
            "date_as_written": when.as_written if when else "",
            "narrative": narrative_html(row.text),
            "order": self._place(self.story_places, key, entry),
            "state": EntryState.SUBMITTED,
        }
        if entry is not None:
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
