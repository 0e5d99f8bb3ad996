"""The summary's writes: save the draft, publish it (freezing a version), withdraw one."""

from __future__ import annotations

import re

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from sendplan.history import save_with_history
from sendplan.models import Membership, Person, Plan, Priority

from .models import PriorityAccount, PublicSummary, SummaryVersion, VersionState


def cache_key(area_slug: str, plan_slug: str, version_id: int | None = None) -> str:
    return f"public-summary:{area_slug}:{plan_slug}:{version_id or 'latest'}"


def forget_cached_pages(plan: Plan) -> None:
    ids = [None, *plan.public_summary.versions.values_list("id", flat=True)]
    cache.delete_many([cache_key(plan.area.slug, plan.slug, i) for i in ids])
    cache.delete(cache_key(plan.area.slug, plan.slug, "pdf"))


@transaction.atomic
def get_draft(*, plan: Plan, user=None) -> SummaryVersion:
    """The plan's draft, made on first use from the latest published version's words (so
    the next summary starts from the last one), or empty."""
    summary = PublicSummary.objects.filter(plan=plan).first()
    if summary is None:
        summary = PublicSummary(plan=plan)
        save_with_history(summary, user=user)
    draft = summary.versions.filter(state=VersionState.DRAFT).first()
    if draft is None:
        draft = SummaryVersion(summary=summary, state=VersionState.DRAFT)
        save_with_history(draft, user=user)
        latest = summary.versions.published().first()
        before = {a.priority_id: a for a in latest.accounts.all()} if latest else {}
        for priority in Priority.objects.filter(plan=plan):
            old = before.get(priority.id)
            account = PriorityAccount(
                version=draft,
                priority=priority,
                account=old.account if old else "",
                status=old.status if old else PriorityAccount.status.field.default,
            )
            save_with_history(account, user=user)
    return draft


def names_in(plan: Plan, accounts) -> list[tuple[PriorityAccount, str]]:
    """Each (account, name) where an account names someone of the plan's area: a person
    the plan names, or a member who signs in. Names of one word are not looked for (too
    many ordinary words are someone's first name)."""
    people = set(Person.objects.filter(area=plan.area).values_list("name", flat=True))
    for first, last in Membership.objects.filter(area=plan.area).values_list(
        "user__first_name", "user__last_name"
    ):
        people.add(f"{first} {last}")
    patterns = [
        (name, re.compile(r"\b" + r"\s+".join(map(re.escape, name.split())) + r"\b", re.I))
        for name in sorted(n.strip() for n in people)
        if len(name.split()) > 1
    ]
    found = []
    for account in accounts:
        text = f"{account.account}\n{account.changed_for_families}"
        found += [(account, name) for name, pattern in patterns if pattern.search(text)]
    return found


@transaction.atomic
def publish_summary(
    *, plan: Plan, user=None, is_example: bool = False, names_agreed: bool = False
) -> SummaryVersion:
    """Freezes the draft as a published version, dated now; the next edit starts a new
    draft. A draft with nothing written for any priority is refused, and so is one naming
    someone of the area unless the publisher confirms that everyone named agreed to be."""
    draft = get_draft(plan=plan, user=user)
    accounts = list(draft.accounts.select_related("priority"))
    if not any(a.account.strip() for a in accounts):
        raise ValueError("Write an account of at least one priority before publishing")
    named = names_in(plan, accounts)
    if named and not names_agreed:
        account, name = named[0]
        raise ValueError(
            f"The account of “{account.priority.title}” names {name}. Officers are named "
            "only if they chose to be: take the name out, or confirm that everyone named "
            "agreed to be named"
        )
    draft.state = VersionState.PUBLISHED
    draft.names_agreed = bool(named) and names_agreed
    draft.is_example = is_example
    draft.published_at = timezone.now()
    save_with_history(draft, user=user, reason="Published")
    forget_cached_pages(plan)
    return draft


@transaction.atomic
def withdraw_version(*, version: SummaryVersion, user=None) -> None:
    """A withdrawn version is never public again (its address answers 404)."""
    if version.state != VersionState.PUBLISHED:
        raise ValueError("Only a published version can be withdrawn")
    version.state = VersionState.WITHDRAWN
    version.withdrawn_at = timezone.now()
    save_with_history(version, user=user, reason="Withdrawn")
    forget_cached_pages(version.summary.plan)
