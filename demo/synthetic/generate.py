"""Making synthetic areas: ``generate_areas`` and the writer that puts an area together."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from public import services as public_services
from sendplan.history import save_with_history
from sendplan.models import AdviserGrant, Area, Region
from sendplan.ratings import BRAGG

from .bulk import CHANGE_REASON, area_slug
from .monthly import MonthlyWriter
from .people import PeopleWriter
from .structure import StructureWriter
from .words import DEFAULT_START


@dataclass
class Result:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def system_user():
    """The account commands act as when no user is named (see ``User.objects``)."""
    return get_user_model().objects.system_user()


def generate_areas(
    *,
    areas: int,
    months: int,
    seed: int,
    password: str,
    user,
    start: dt.date = DEFAULT_START,
    first: int = 1,
    progress=None,
) -> Result:
    """Create areas ``first`` .. ``first + areas - 1`` that do not exist yet.

    Area n is drawn from ``Random(f"{seed}-{n}")``, so it is the same whichever other
    areas a run makes, and a second run (or a run with more areas) adds only what is
    missing. Each area is written in its own transaction. Areas go into the regions in
    turn (area 1 the first region by id, area 2 the second...), an area made by an earlier
    run without a region too.
    """
    result = Result()
    # One hash for every generated login: hashing is deliberately slow (hundreds of
    # milliseconds), and these are throwaway accounts sharing one known password.
    password_hash = make_password(password, salt=f"generated{seed}")
    regions = list(Region.objects.order_by("id"))
    for number in range(first, first + areas):
        slug = area_slug(number)
        region = regions[(number - 1) % len(regions)] if regions else None
        existing = Area.objects.filter(slug=slug).first()
        if existing is not None:
            if existing.region_id is None and region is not None:
                existing.region = region
                save_with_history(existing, user=user, reason="generated: put in a region")
                result.counts["regions given to areas"] += 1
            result.skipped.append(slug)
            continue
        with transaction.atomic():
            writer = AreaWriter(
                number=number,
                months=months,
                # Two streams: the plan's shape (people, actions, leads, targets) does not
                # depend on the number of months, so area 1 has the same leads and items in
                # a 1 x 12 copy as in a 50 x 36 one; dates and monthly updates do.
                shape=random.Random(f"{seed}-{number}-shape"),  # noqa: S311 - not secrets
                rng=random.Random(f"{seed}-{number}"),  # noqa: S311
                password_hash=password_hash,
                system=user,
                start=start,
            )
            writer.region = region
            counts = writer.write()
        result.created.append(slug)
        result.counts.update(counts)
        if progress:
            progress(slug, sum(counts.values()))
    result.counts.update(_advisers(regions, password_hash, user))
    return result


def _advisers(regions, password_hash: str, user) -> Counter[str]:
    """Adviser logins: ``national-adviser`` for every region and ``<region>-adviser`` for
    each, with the generated logins' password; made only where missing."""
    counts: Counter[str] = Counter()
    User = get_user_model()
    for username, region in [("national-adviser", None)] + [
        (f"{r.slug}-adviser", r) for r in regions
    ]:
        login = User.objects.filter(username=username).first()
        if login is None:
            words = region.name if region else "National"
            login = User(username=username, first_name=words, last_name="adviser")
            login.password = password_hash
            save_with_history(login, user=user, reason=CHANGE_REASON)
            counts["adviser logins"] += 1
        if not AdviserGrant.objects.filter(user=login, region=region).exists():
            save_with_history(
                AdviserGrant(user=login, region=region), user=user, reason=CHANGE_REASON
            )
            counts["adviser grants"] += 1
    return counts


class AreaWriter(PeopleWriter, StructureWriter, MonthlyWriter):
    """One area, written in the order its rows would have been: who, then the plan, then
    the months, then the forums."""

    region: Region | None = None

    def write(self) -> Counter[str]:
        n = self.number
        area = Area(name=f"Generated area {n:02d}", slug=area_slug(n), region=self.region)
        self.area = self.create(Area, [area])[0]
        self.users = self._users()
        people = self._people()
        self._plan()
        issues = self._issues()
        actions = self._actions(issues, people)
        targets = self._targets(issues, actions)
        self._reporting_months()
        self._action_statuses(actions)
        self._impact_ratings(targets)
        self._story(issues)
        self._forums(people)
        self._public_summary()
        return self.counts

    def _public_summary(self) -> None:
        """A published summary for families, as an area that publishes one has: a short
        account of each priority (its status drawn like the plan's), so the public page is
        timed on every installation."""
        draft = public_services.get_draft(plan=self.plan, user=self.system)
        for account in draft.accounts.select_related("priority"):
            account.account = (
                f"We are working on {account.priority.title.lower()}. "
                "We meet families each month and check our work with them."
            )
            account.status = self.rng.choice([BRAGG.GREEN, BRAGG.AMBER, BRAGG.AMBER, BRAGG.RED])
            save_with_history(account, user=self.system)
        public_services.publish_summary(plan=self.plan, user=self.system)
        self.counts["published public summaries"] += 1
