"""Who may see and do what, per area. Every page reaches its data through these helpers.

The permission matrix is ROLE_CAPABILITIES below (the README shows it as a table): every
role in an area may view its plans, dashboards, forums and issued reports; a SEND lead
updates the actions, targets and story so far they lead; a programme manager also updates
any item, runs the months, imports and exports, records meetings and issues reports;
implementation group and assurance executive members may also preview reports; a
programme manager or an assurance executive member approves changes to what the plan
promised (targets, large due-date moves) that someone else asked for; a partner reviewer
(the parent carer forum, say) may also sign off or dissent from a draft statement sent to
them for review; a site
administrator (superuser) may do everything in every area. An adviser (DfE or NHS England,
``AdviserGrant``) holds no membership: for the areas of their regions, or every area when
national, they may view only, never a draft or a preview, and see the regional page.

A user outside the area gets "not found" for every page of that area, so the existence of
another area's records is not revealed.

Programme managers and site administrators must also have entered an authenticator code in
this session before any capability beyond reading (``SENDPLAN_REQUIRE_MFA``): ``require()``
raises ``VerificationRequired`` and middleware sends them to the code page.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .models import AdviserGrant, Area, Membership, Person, Plan, Role

ADVISER = "adviser"
ADVISER_LABEL = "Adviser (read only)"


def role_label(role: str) -> str:
    """The words for a role of ROLE_CAPABILITIES, as the README's matrix heads its column."""
    return ADVISER_LABEL if role == ADVISER else Role(role).label


class Can(enum.StrEnum):
    VIEW = "view"
    UPDATE_OWN = "update_own"
    UPDATE_ANY = "update_any"
    MANAGE_MONTHS = "manage_months"
    IMPORT_EXPORT = "import_export"
    RECORD_MEETINGS = "record_meetings"
    PREVIEW_REPORTS = "preview_reports"
    ISSUE_REPORTS = "issue_reports"
    REVIEW_AS_PARTNER = "review_as_partner"
    APPROVE_CHANGES = "approve_changes"


ROLE_CAPABILITIES: dict[str, frozenset[Can]] = {
    Role.SEND_LEAD: frozenset({Can.VIEW, Can.UPDATE_OWN}),
    Role.PROGRAMME_MANAGER: frozenset(
        {
            Can.VIEW,
            Can.UPDATE_OWN,
            Can.UPDATE_ANY,
            Can.MANAGE_MONTHS,
            Can.IMPORT_EXPORT,
            Can.RECORD_MEETINGS,
            Can.PREVIEW_REPORTS,
            Can.ISSUE_REPORTS,
            Can.APPROVE_CHANGES,
        }
    ),
    Role.IMPLEMENTATION_GROUP: frozenset({Can.VIEW, Can.PREVIEW_REPORTS}),
    Role.ASSURANCE_EXECUTIVE: frozenset({Can.VIEW, Can.PREVIEW_REPORTS, Can.APPROVE_CHANGES}),
    Role.VIEWER: frozenset({Can.VIEW}),
    # The parent carer forum (or a school, the ICB): reads the area's plans, and signs off
    # or dissents from the draft statements sent to them for review.
    Role.PARTNER_REVIEWER: frozenset({Can.VIEW, Can.REVIEW_AS_PARTNER}),
    # Held through an AdviserGrant (a region, or national), not a membership of the area.
    ADVISER: frozenset({Can.VIEW}),
}
ALL_CAPABILITIES = frozenset(Can)
# What a programme manager or administrator may do before entering an authenticator code.
READ_CAPABILITIES = frozenset({Can.VIEW, Can.PREVIEW_REPORTS})


class VerificationRequired(PermissionDenied):
    """The user must enter an authenticator code before doing this (see the module doc)."""


def needs_second_factor(user) -> bool:
    """Whether ``user`` must verify with an authenticator before any write."""
    if not settings.SENDPLAN_REQUIRE_MFA or not user.is_authenticated:
        return False
    return (
        user.is_staff
        or user.is_superuser
        or Membership.objects.filter(user=user, role=Role.PROGRAMME_MANAGER).exists()
    )


def is_verified(user) -> bool:
    """Whether this session entered an authenticator code (set by OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


@dataclass
class AreaAccess:
    """What the signed-in user may do in one area."""

    area: Area
    roles: frozenset[str]
    capabilities: frozenset[Can]
    person_ids: frozenset[int] = field(default_factory=frozenset)
    is_site_admin: bool = False
    needs_verification: bool = False

    def can(self, capability: Can) -> bool:
        return capability in self.capabilities

    def require(self, capability: Can) -> None:
        if not self.can(capability):
            raise PermissionDenied("Your role in this area does not allow this.")
        if self.needs_verification and capability not in READ_CAPABILITIES:
            raise VerificationRequired("Enter a code from your authenticator app first.")

    def require_write(self, capability: Can) -> None:
        """``require``, and for a write the authenticator code too, even where the
        capability alone is one that reading needs (building a bundle needs
        ``preview_reports`` and makes a record)."""
        self.require(capability)
        if self.needs_verification:
            raise VerificationRequired("Enter a code from your authenticator app first.")

    def may_update(self, lead_ids) -> bool:
        """Whether the user may update an item led by the people ``lead_ids``."""
        if self.can(Can.UPDATE_ANY):
            return True
        return self.can(Can.UPDATE_OWN) and bool(self.person_ids & set(lead_ids))

    # Template-friendly spellings of can(): {% if access.can_manage_months %}
    @property
    def can_update_own(self) -> bool:
        return self.can(Can.UPDATE_OWN)

    @property
    def can_update_any(self) -> bool:
        return self.can(Can.UPDATE_ANY)

    @property
    def can_manage_months(self) -> bool:
        return self.can(Can.MANAGE_MONTHS)

    @property
    def can_import_export(self) -> bool:
        return self.can(Can.IMPORT_EXPORT)

    @property
    def can_record_meetings(self) -> bool:
        return self.can(Can.RECORD_MEETINGS)

    @property
    def can_preview_reports(self) -> bool:
        return self.can(Can.PREVIEW_REPORTS)

    @property
    def can_issue_reports(self) -> bool:
        return self.can(Can.ISSUE_REPORTS)

    @property
    def can_review_as_partner(self) -> bool:
        return self.can(Can.REVIEW_AS_PARTNER)

    def can_approve_changes(self) -> bool:
        return self.can(Can.APPROVE_CHANGES)

    @property
    def role_names(self) -> list[str]:
        names = [role_label(r) for r in sorted(self.roles)]
        if self.is_site_admin:
            names.append("Site administrator")
        return names


@dataclass
class PlanAccess(AreaAccess):
    plan: Plan | None = None


def area_access(user, area: Area) -> AreaAccess:
    """The user's roles in ``area``; raises Http404 when they have none there."""
    if not user.is_authenticated:
        raise Http404
    roles = frozenset(
        Membership.objects.filter(user=user, area=area).values_list("role", flat=True)
    )
    # Asked only of someone with no role here: a member already views, and their pages
    # keep their query counts.
    if not roles and not user.is_superuser and advises(user, area):
        roles = frozenset({ADVISER})
    if not roles and not user.is_superuser:
        raise Http404("No such page in your areas.")
    capabilities = (
        ALL_CAPABILITIES
        if user.is_superuser
        else frozenset().union(*(ROLE_CAPABILITIES[r] for r in roles))
    )
    person_ids = frozenset(Person.objects.filter(user=user, area=area).values_list("id", flat=True))
    needs_verification = needs_second_factor(user) and not is_verified(user)
    return AreaAccess(area, roles, capabilities, person_ids, user.is_superuser, needs_verification)


def advises(user, area: Area) -> bool:
    """Whether ``user`` holds the adviser role for ``area``: nationally, or for its region."""
    grants = AdviserGrant.objects.filter(user=user)
    if area.region_id is None:
        return grants.filter(region__isnull=True).exists()
    return grants.filter(Q(region__isnull=True) | Q(region_id=area.region_id)).exists()


def adviser_region_ids(user) -> list[int | None] | None:
    """The regions ``user`` advises on (None in the list: nationally); None when they are
    no adviser. The regional page asks this, so advisers and nobody else reach it."""
    if not user.is_authenticated:
        return None
    grants = list(AdviserGrant.objects.filter(user=user).values_list("region_id", flat=True))
    return grants or None


def get_area(request: HttpRequest, area_slug: str, need: Can = Can.VIEW) -> AreaAccess:
    area = get_object_or_404(Area, slug=area_slug)
    access = area_access(request.user, area)
    request.area = area  # set first, so that a refusal is logged with its area
    access.require(need)
    return access


def get_plan(request: HttpRequest, plan_slug: str, need: Can = Can.VIEW) -> PlanAccess:
    """The plan named in the URL and what the user may do with it.

    Not found for users outside the plan's area; PermissionDenied for a member whose
    role lacks ``need``.
    """
    plan = get_object_or_404(Plan.objects.select_related("area"), slug=plan_slug)
    base = area_access(request.user, plan.area)
    access = PlanAccess(**base.__dict__, plan=plan)
    request.area = plan.area  # set first, so that a refusal is logged with its area
    access.require(need)
    request.plan_access = access  # for the page header's plan navigation
    return access
