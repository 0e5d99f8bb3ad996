"""The core plan: local areas, their plans, priorities, issues to be addressed, the people
named in a plan, reporting months, milestones, and who may sign in for which area.

Every plan record carries its ``plan`` (and so its area) directly, even where it could be
reached through its parent: pages scope every query by area in one indexed filter, and the
"as at" views read each history table by plan without joins through other history tables.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from .history import save_with_history


def first_of_month(value: dt.date | None) -> dt.date | None:
    return value.replace(day=1) if value else None


def validate_first_of_month(value: dt.date) -> None:
    if value and value.day != 1:
        raise ValidationError("Enter a month: the date must be the first day of the month.")


class UserManager(DjangoUserManager):
    def system_user(self) -> User:
        """The account that commands and imports act as when no user is named.

        Inactive with no usable password, so nobody can sign in as it; its own creation is
        recorded as done by itself, so no history row ever lacks a user.
        """
        username = settings.SENDPLAN_SYSTEM_USERNAME
        user = self.filter(username=username).first()
        if user is None:
            user = self.model(username=username, first_name="sendplan", last_name="(system)")
            user.is_active = False
            user.set_unusable_password()
            save_with_history(user, user=user)
        return user


class User(AbstractUser):
    """A login account. People named in a plan are ``Person`` rows; a person may have one."""

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Region(models.Model):
    """An English region (the nine by default, editable in the admin). Advisers hold their
    role for one or more regions, or nationally (``AdviserGrant``)."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)


def adviser_areas_filter(user, prefix: str = "") -> Q | None:
    """Which areas ``user`` advises on, as a filter on areas (``prefix`` reaches the area
    from another model, e.g. ``"area__"``): every area for a national adviser (an empty
    ``Q()``), the areas of their regions for a regional one; None when they hold no
    adviser grant."""
    grants = list(AdviserGrant.objects.filter(user=user).values_list("region_id", flat=True))
    if not grants:
        return None
    if None in grants:
        return Q()
    return Q(**{f"{prefix}region_id__in": grants})


class AreaQuerySet(models.QuerySet):
    def for_user(self, user) -> AreaQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        advised = adviser_areas_filter(user)
        if advised is None:
            return self.filter(memberships__user=user).distinct()
        if not advised:  # a national adviser
            return self
        mine = self.filter(memberships__user=user).values("id")
        return self.filter(advised | Q(id__in=mine))


class Area(models.Model):
    """A local area partnership: council, NHS, schools and parent carer forum of one place."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    region = models.ForeignKey(Region, models.SET_NULL, null=True, blank=True, related_name="areas")
    history = HistoricalRecords()

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "local area"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    SEND_LEAD = "send_lead", "SEND lead (action owner)"
    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    IMPLEMENTATION_GROUP = "implementation_group", "Implementation group member"
    ASSURANCE_EXECUTIVE = "assurance_executive", "Assurance executive member"
    VIEWER = "viewer", "Read-only viewer"
    PARTNER_REVIEWER = "partner_reviewer", "Partner reviewer"


class Membership(models.Model):
    """A user's role in one area. A user may hold different roles in different areas."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    area = models.ForeignKey(Area, models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    organisation = models.CharField(
        max_length=200,
        blank=True,
        help_text="The organisation a partner reviewer speaks for, such as the parent carer "
        "forum; printed beside their sign-off or dissent.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["area__name", "user__username", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "area", "role"], name="membership_unique_role_in_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} in {self.area}"


class AdviserGrant(models.Model):
    """A user holds the adviser role (DfE or NHS England) for a region, or nationally when
    ``region`` is empty: they read every plan of the areas in it, and nothing more."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="adviser_grants"
    )
    region = models.ForeignKey(
        Region,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="adviser_grants",
        help_text="Leave empty for a national adviser (every region).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__username", "region__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="adviser_grant_unique_region"),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(region__isnull=True),
                name="adviser_grant_unique_national",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – adviser for {self.region or 'every region (national)'}"


class TwoFactorSetupLinkQuerySet(models.QuerySet):
    def usable(self, at: dt.datetime | None = None) -> TwoFactorSetupLinkQuerySet:
        """Links not used yet and not expired."""
        return self.filter(used_at__isnull=True, expires_at__gt=at or timezone.now())


class TwoFactorSetupLink(models.Model):
    """A single-use link, issued by a site administrator, with which ``user`` sets up an
    authenticator app after signing in with their password (sendplan.otp). Only a hash of
    the link's token is kept. A new link for the same user ends the earlier ones."""

    LIFETIME = dt.timedelta(hours=24)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="two_factor_setup_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    objects = TwoFactorSetupLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = "two-factor set-up link"

    def __str__(self) -> str:
        return f"Set-up link for {self.user}, issued {self.issued_at:%Y-%m-%d %H:%M}"


class PlanKind(models.TextChoices):
    WSOA = "wsoa", "Written statement of action"
    PRIORITY_ACTION_PLAN = "priority_action_plan", "Priority action plan"
    PARTNERSHIP_ACTION_PLAN = "partnership_action_plan", "Partnership action plan"
    ACCELERATED_PROGRESS_PLAN = "accelerated_progress_plan", "Accelerated progress plan"


class StoryLevel(models.TextChoices):
    ISSUE = "issue", "Each issue to be addressed"
    PRIORITY = "priority", "Each priority"


class PlanQuerySet(models.QuerySet):
    def for_user(self, user) -> PlanQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        advised = adviser_areas_filter(user, "area__")
        if advised is None:
            return self.filter(area__memberships__user=user).distinct()
        if not advised:  # a national adviser
            return self
        mine = self.filter(area__memberships__user=user).values("id")
        return self.filter(advised | Q(id__in=mine))


class Plan(models.Model):
    """An improvement plan written after an area SEND inspection."""

    area = models.ForeignKey(Area, models.PROTECT, related_name="plans")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=32, choices=PlanKind.choices, default=PlanKind.WSOA)
    inspection_date = models.DateField(
        null=True, blank=True, help_text="The month of the Ofsted/CQC area SEND inspection."
    )
    publication_date = models.DateField(null=True, blank=True)
    introduction = models.TextField(blank=True)
    vision = models.TextField(blank=True)
    monitoring = models.TextField(
        blank=True, help_text="How the plan says progress and outcomes are monitored."
    )
    story_level = models.CharField(
        "story so far is written for",
        max_length=16,
        choices=StoryLevel.choices,
        default=StoryLevel.ISSUE,
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="The document this plan was transcribed from."
    )
    evidence_required_for_blue = models.BooleanField(
        "evidence required before Blue",
        default=False,
        help_text="An action may be rated Blue only once it has evidence attached.",
    )
    history = HistoricalRecords()

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["area__name", "title"]

    def __str__(self) -> str:
        return self.title


class PlanRecord(models.Model):
    """Base for records that belong to one plan (and through it, to one area)."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        parent = self.parent_plan_id()
        if parent is not None:
            if self.plan_id is None:
                self.plan_id = parent
            elif self.plan_id != parent:
                raise ValidationError("A record must belong to the same plan as its parent.")
        super().save(*args, **kwargs)

    def parent_plan_id(self) -> int | None:
        """The plan of the parent record, which this record's plan must equal."""
        return None


class FindingKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"
    SIGNIFICANT_WEAKNESS = "significant_weakness", "Area of significant weakness"


class Finding(PlanRecord):
    """What the inspection found: a strength or an area for improvement."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=32, choices=FindingKind.choices)
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "kind", "order"]

    def __str__(self) -> str:
        return self.text[:80]


PRIORITY_REF_MAX = 20
_BARE_NUMBER = re.compile(r"^\d+$")


class Priority(PlanRecord):
    """A priority or area for improvement (Darlington: an area of significant weakness).

    ``number`` is the priority's place in the plan (1, 2, 3...): it orders the plan and
    names the priority in addresses, and is never shown as its reference. ``ref`` is the
    reference as the plan writes it ("2", "A", "Pillar 2", "AFI 1"), or blank when the
    plan gives the priority only a title.
    """

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="priorities")
    number = models.PositiveIntegerField(
        "place in the plan", help_text="Orders the plan's priorities: 1 comes first."
    )
    ref = models.CharField(
        "reference",
        max_length=PRIORITY_REF_MAX,
        blank=True,
        help_text='As the plan writes it, such as 2, A or "Pillar 2"; blank if it has none.',
    )
    title = models.TextField()
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="priority_unique_number")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def short_label(self) -> str:
        return priority_short_label(self.ref, self.title)

    @property
    def label(self) -> str:
        return priority_label(self.ref, self.title)


def priority_short_label(ref: str, title: str) -> str:
    """How a page names a priority where there is room for a few words (a chart's column,
    a filter, a breadcrumb). A reference that is a bare number reads "Priority 2", as the
    plans that number their priorities say it; any other reference is shown exactly as the
    plan writes it ("A", "Pillar 2", "AFI 1"); a priority with no reference is named by
    its title, shortened to 40 characters."""
    ref = ref.strip()
    if _BARE_NUMBER.match(ref):
        return f"Priority {ref}"
    if ref:
        return ref
    return _shorten(title, 40)


def priority_label(ref: str, title: str) -> str:
    """A priority's heading: its short label and its title ("Priority 2: Inclusion",
    "Pillar 2: Inclusion"); the title alone when the priority has no reference or its
    title already begins with the reference as written ("Pillar 2 - Inclusion")."""
    ref, title = ref.strip(), " ".join(title.split())
    short = priority_short_label(ref, title)
    if not ref or any(_begins_with(title, words) for words in (ref, short)):
        return title
    return f"{short}: {title}" if title else short


def _begins_with(text: str, words: str) -> bool:
    """Whether ``text`` begins with ``words`` as a whole ("Pillar 2 - …", not "Pillar 20")."""
    head = text[: len(words)]
    rest = text[len(words) : len(words) + 1]
    return head.casefold() == words.casefold() and not rest.isalnum()


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


class StrategyLink(models.Model):
    """A reusable tag naming a strategy an issue serves (Inclusion, EHCP, Local Offer...)."""

    area = models.ForeignKey(Area, models.CASCADE, related_name="strategy_links")
    name = models.CharField(max_length=120)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="strategy_link_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Issue(PlanRecord):
    """An issue to be addressed under a priority, with its reference as the plan writes it
    ("1.2", "2", "A2", "Action 1.1"); two issues of a plan may share a reference."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="issues")
    priority = models.ForeignKey(Priority, models.CASCADE, related_name="issues")
    ref = models.CharField(max_length=20, help_text="As the plan writes it, such as 1.2.")
    description = models.TextField(blank=True)
    is_gap = models.BooleanField(
        "gap in the source",
        default=False,
        help_text="The source document is illegible or missing here; nothing was invented.",
    )
    order = models.PositiveIntegerField(default=0)
    strategy_links = models.ManyToManyField(
        StrategyLink, through="IssueStrategyLink", related_name="issues", blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "ref"]
        verbose_name = "issue to be addressed"
        verbose_name_plural = "issues to be addressed"
        # No uniqueness on ref: a plan may write the same reference twice, and both are kept.
        indexes = [models.Index(fields=["plan", "ref"], name="issue_plan_ref")]

    def __str__(self) -> str:
        return f"{self.ref} {self.description[:70]}".strip()

    @property
    def url_key(self) -> str:
        """The issue's part of its page's address, not knowing whether another issue
        shares its reference (the page then asks which one is meant)."""
        return issue_url_key(self.ref, self.pk)

    def parent_plan_id(self):
        return self.priority.plan_id if self.priority_id else None


ISSUE_ID_KEY = re.compile(r"^id-(\d+)$")


def issue_url_key(ref: str, pk: int, *, shared: bool = False) -> str:
    """An issue's part of an address: its reference as written ("1.2", "A2") when that
    names it alone, else "id-<its id>": for a reference two issues share (``shared``), one
    an address cannot hold ("/", "." or ".."), and one that looks like an id key."""
    ref = ref.strip()
    if not ref or shared or "/" in ref or ref in {".", ".."} or ISSUE_ID_KEY.match(ref):
        return f"id-{pk}"
    return ref


def issue_lookup(key: str) -> dict:
    """The filter for the issue an address names: "id-<id>" (``issue_url_key``), else
    every issue with that reference."""
    if m := ISSUE_ID_KEY.match(key):
        return {"id": int(m[1])}
    return {"ref": key}


class IssueStrategyLink(PlanRecord):
    """Through row: keeps its own history so the plan's tags can be seen as at a date."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="+")
    issue = models.ForeignKey(Issue, models.CASCADE, related_name="strategy_link_rows")
    strategy_link = models.ForeignKey(StrategyLink, models.CASCADE, related_name="issue_rows")
    history = HistoricalRecords()

    class Meta:
        ordering = ["issue", "strategy_link__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "strategy_link"], name="issue_strategy_link_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issue.ref} – {self.strategy_link}"

    def parent_plan_id(self):
        return self.issue.plan_id if self.issue_id else None


class Person(models.Model):
    """Someone named in a plan or a forum. Not a login: a person may never sign in."""

    area = models.ForeignKey(Area, models.CASCADE, related_name="people")
    name = models.CharField(max_length=120)
    role = models.CharField("job title", max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        help_text="The login account of this person, if they sign in.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "name"]
        verbose_name_plural = "people"
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="person_unique_name")]

    def __str__(self) -> str:
        return self.name


class MonthStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ReportingMonth(PlanRecord):
    """A month of a plan's monitoring cycle: open for updates, then closed."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="reporting_months")
    month = models.DateField(validators=[validate_first_of_month])
    status = models.CharField(max_length=8, choices=MonthStatus.choices, default=MonthStatus.OPEN)
    deadline = models.DateField(null=True, blank=True, help_text="Updates are due by this day.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="reporting_month_unique"),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status="open"),
                name="reporting_month_one_open_per_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} – {self.month:%B %Y} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == MonthStatus.OPEN


class Milestone(PlanRecord):
    """A dated commitment (Durham: "Spring 2025"), linked to the priorities it serves."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="milestones")
    period = models.CharField(max_length=60, help_text='As the plan writes it: "Spring 2025".')
    due_month = models.DateField(
        null=True, blank=True, validators=[validate_first_of_month], help_text="Last month of it."
    )
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)
    priorities = models.ManyToManyField(
        Priority, through="MilestonePriority", related_name="milestones", blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "due_month", "order"]

    def __str__(self) -> str:
        return f"{self.period}: {self.text[:60]}"


class MilestonePriority(PlanRecord):
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="+")
    milestone = models.ForeignKey(Milestone, models.CASCADE, related_name="priority_rows")
    priority = models.ForeignKey(Priority, models.CASCADE, related_name="milestone_rows")
    history = HistoricalRecords()

    class Meta:
        ordering = ["milestone", "priority__number"]
        verbose_name = "milestone priority"
        verbose_name_plural = "milestone priorities"
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "priority"], name="milestone_priority_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.milestone} – {self.priority}"

    def parent_plan_id(self):
        return self.milestone.plan_id if self.milestone_id else None
