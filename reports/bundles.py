"""The monitoring-visit bundle: a plan's (or one priority's) record and its evidence, as at
a moment, in one ZIP.

The ZIP holds ``index.pdf`` (each action and outcome target with its ratings month by
month, the story so far, the readiness findings and the list of the evidence, each file
with its name in the ZIP, date, who added it and SHA-256) and the evidence files under
``evidence/<issue ref>/``. Everything is read as it stood at the bundle's "as at" moment:
the plan from its audit history (``plan_state``), the evidence from its own
(``evidence_as_at``), so evidence withdrawn before that moment is left out and evidence
withdrawn since is still in.

The ZIP is written file by file straight from the evidence storage (``copyfileobj`` in
1 MB pieces), never holding more than one piece of one file in memory, so a bundle of
hundreds of megabytes builds in a worker of ordinary size.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import zipfile
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone

from evidence.models import Evidence, evidence_as_at, evidence_storage
from progress.plan_state import PlanState, PriorityState, end_of_day, plan_state
from sendplan.models import Plan

from .pdf.render import base_url, render_pdf_isolated, stylesheet_path

CHUNK = 1024 * 1024
INDEX_NAME = "index.pdf"


@dataclass
class BundleEvidence:
    """One piece of evidence as the bundle lists it."""

    evidence: Evidence
    item_words: str  # "Action 1.2: Hold termly panels"
    path: str = ""  # its name in the ZIP (files only)


@dataclass
class BundleContent:
    plan: Plan
    state: PlanState
    priorities: list[PriorityState]
    as_at: dt.datetime
    scope_words: str
    generated_by: str
    evidence: list[BundleEvidence] = field(default_factory=list)
    readiness: object | None = None

    @property
    def files(self) -> list[BundleEvidence]:
        return [e for e in self.evidence if e.evidence.is_file]

    @property
    def links(self) -> list[BundleEvidence]:
        return [e for e in self.evidence if not e.evidence.is_file]


@dataclass(frozen=True)
class BuiltBundle:
    sha256: str
    size: int
    file_count: int
    link_count: int
    index_pages: int


def _folder(ref: str) -> str:
    """A folder name from a plan's reference ("1.2", "Pillar 2", "A/3"): no slashes."""
    cleaned = re.sub(r"[^\w .()+,&-]", "_", ref or "").strip(" .")
    return cleaned or "no-ref"


def _unique(path: str, taken: set[str]) -> str:
    if path not in taken:
        taken.add(path)
        return path
    stem, dot, ext = path.rpartition(".")
    if not dot or "/" in ext:
        stem, ext = path, ""
    n = 2
    while True:
        candidate = f"{stem} ({n}).{ext}" if ext else f"{stem} ({n})"
        if candidate not in taken:
            taken.add(candidate)
            return candidate
        n += 1


def collect(
    plan: Plan, *, priority_id: int | None = None, as_at: dt.datetime | None = None, user=None
) -> BundleContent:
    """What the bundle of ``plan`` (or one of its priorities) holds as at ``as_at``."""
    as_at = as_at or timezone.now()
    month = timezone.localtime(as_at).date().replace(day=1)
    state = plan_state(plan, month=month, as_at=as_at, all_story=True)
    priorities = [p for p in state.priorities if priority_id is None or p.id == priority_id]
    if priority_id is not None and not priorities:
        raise ValueError("The priority is not in this plan (as at that moment).")
    scope = "the whole plan"
    if priority_id is not None:
        scope = priorities[0].label
    content = BundleContent(
        plan=plan,
        state=state,
        priorities=priorities,
        as_at=as_at,
        scope_words=scope,
        generated_by=str(user) if user else "sendplan",
    )
    _attach_evidence(content)
    return content


def _attach_evidence(content: BundleContent) -> None:
    # (kind, id) -> the item's state, its words in the list, and its folder in the ZIP.
    words: dict[tuple[str, int], tuple[object, str, str]] = {}
    for priority in content.priorities:
        for issue in priority.issues:
            folder = _folder(issue.ref)
            for action in issue.actions:
                words[("action", action.id)] = (
                    action,
                    f"Action {issue.ref}: {action.text}",
                    folder,
                )
            for target in issue.targets:
                words[("target", target.id)] = (
                    target,
                    f"Outcome target {issue.ref}: {target.text}",
                    folder,
                )
            for entry in issue.story:
                words[("story", entry.id)] = (entry, f"Story so far {issue.ref}", folder)
        for entry in priority.story:
            words[("story", entry.id)] = (
                entry,
                f"Story so far, {priority.short_label}",
                _folder(priority.short_label),
            )
    for item, _, _ in words.values():
        item.bundle_evidence = []  # what the index lists under the item
    taken: set[str] = {INDEX_NAME}
    rows = evidence_as_at(content.as_at, plan=content.plan)
    for evidence in sorted(rows, key=lambda e: (e.dated, e.added_at, e.pk)):
        if evidence.is_withdrawn or evidence.decision_id:
            continue
        key = (evidence.item_kind, evidence.item_id)
        if key not in words:  # another priority's, or an item gone by then
            continue
        item, item_words, folder = words[key]
        listed = BundleEvidence(evidence, item_words)
        if evidence.is_file:
            listed.path = _unique(f"evidence/{folder}/{evidence.file_name or 'evidence'}", taken)
        item.bundle_evidence.append(listed)
        content.evidence.append(listed)


def index_html(content: BundleContent) -> str:
    return render_to_string(
        "reports/pdf/bundle_index.html",
        {
            "bundle": content,
            "as_at_text": timezone.localtime(content.as_at).strftime("%-d %B %Y, %H:%M"),
            "stylesheet_url": stylesheet_path().as_uri(),
            "base_url": base_url(),
        },
    )


def write_bundle(out, content: BundleContent) -> BuiltBundle:
    """Write the bundle's ZIP to ``out`` (a writable, seekable binary file) and return its
    SHA-256 and size, read back from ``out`` in pieces."""
    pdf = render_pdf_isolated(index_html(content))
    stamp = timezone.localtime(content.as_at).timetuple()[:6]
    start = out.tell()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        zf.writestr(zipfile.ZipInfo(INDEX_NAME, date_time=stamp), pdf.content)
        for listed in content.files:
            info = zipfile.ZipInfo(listed.path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = listed.evidence.size
            source = evidence_storage().open(listed.evidence.file.name, "rb")
            with source, zf.open(info, "w") as target:
                shutil.copyfileobj(source, target, CHUNK)
    end = out.tell()
    out.seek(start)
    digest = hashlib.sha256()
    left = end - start
    while left > 0:
        piece = out.read(min(CHUNK, left))
        if not piece:
            break
        digest.update(piece)
        left -= len(piece)
    out.seek(end)
    return BuiltBundle(
        sha256=digest.hexdigest(),
        size=end - start,
        file_count=len(content.files),
        link_count=len(content.links),
        index_pages=pdf.page_count,
    )


def end_of(day: dt.date) -> dt.datetime:
    """The "as at" moment of a date: the end of that day."""
    return end_of_day(day)
