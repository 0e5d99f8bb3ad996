"""Factories for tests. Seed and demo data live in fixtures/, not here."""

import datetime as dt

import factory
from django.utils import timezone

from actions.models import Action, ActionLead, ActionStatus, EntryState, StoryEntry
from governance.models import (
    Attendance,
    AttendanceStatus,
    Cadence,
    Decision,
    DecisionKind,
    Forum,
    ForumMember,
    Meeting,
)
from outcomes.models import ImpactRating, OutcomeTarget
from sendplan.models import (
    AdviserGrant,
    Area,
    Issue,
    Membership,
    Milestone,
    MilestonePriority,
    Person,
    Plan,
    PlanKind,
    Priority,
    Region,
    ReportingMonth,
    Role,
    StrategyLink,
    User,
)
from sendplan.ratings import BRAGG, RAG


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.LazyAttribute(lambda a: a.name.lower().replace(" ", "-"))


class RegionFactory(factory.django.DjangoModelFactory):
    """One of the nine English regions the migration creates, or a new one."""

    class Meta:
        model = Region
        django_get_or_create = ["name"]

    name = "North East"
    slug = factory.LazyAttribute(lambda r: r.name.lower().replace(" ", "-"))


class AdviserGrantFactory(factory.django.DjangoModelFactory):
    """The adviser role for a region; ``region=None`` for a national adviser."""

    class Meta:
        model = AdviserGrant

    user = factory.SubFactory(UserFactory)
    region = factory.SubFactory(RegionFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    area = factory.SubFactory(AreaFactory)
    role = Role.VIEWER


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    area = factory.SubFactory(AreaFactory)
    title = factory.Sequence(lambda n: f"Written Statement of Action {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    kind = PlanKind.WSOA
    inspection_date = dt.date(2022, 1, 1)
    publication_date = dt.date(2023, 4, 1)


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    ref = factory.LazyAttribute(lambda o: str(o.number))
    title = factory.Sequence(lambda n: f"Priority {n + 1}")


class StrategyLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategyLink
        django_get_or_create = ["area", "name"]

    area = factory.SubFactory(AreaFactory)
    name = "Inclusion"


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    priority = factory.SubFactory(PriorityFactory)
    plan = factory.SelfAttribute("priority.plan")
    ref = factory.Sequence(lambda n: f"1.{n + 1}")
    description = factory.Sequence(lambda n: f"Issue to be addressed number {n}")
    order = factory.Sequence(lambda n: n)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ["area", "name"]

    area = factory.SubFactory(AreaFactory)
    name = factory.Faker("name", locale="en_GB")
    role = "SEND lead"
    organisation = "Borough Council"


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    issue = factory.SubFactory(IssueFactory)
    plan = factory.SelfAttribute("issue.plan")
    text = factory.Sequence(lambda n: f"Action number {n}")
    due_month = dt.date(2023, 3, 1)
    order = factory.Sequence(lambda n: n)


class ActionLeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionLead

    action = factory.SubFactory(ActionFactory)
    plan = factory.SelfAttribute("action.plan")
    person = factory.SubFactory(PersonFactory, area=factory.SelfAttribute("..plan.area"))


class ActionStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionStatus

    action = factory.SubFactory(ActionFactory)
    plan = factory.SelfAttribute("action.plan")
    month = dt.date(2023, 4, 1)
    status = BRAGG.GREEN
    state = EntryState.SUBMITTED
    rated_at = factory.LazyFunction(timezone.now)


class OutcomeTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeTarget

    issue = factory.SubFactory(IssueFactory)
    plan = factory.SelfAttribute("issue.plan")
    text = factory.Sequence(lambda n: f"Outcome target number {n}")
    target_month = dt.date(2023, 12, 1)
    order = factory.Sequence(lambda n: n)


class ImpactRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImpactRating

    target = factory.SubFactory(OutcomeTargetFactory)
    plan = factory.SelfAttribute("target.plan")
    month = dt.date(2023, 4, 1)
    rag = RAG.AMBER
    state = EntryState.SUBMITTED


class StoryEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoryEntry

    issue = factory.SubFactory(IssueFactory)
    plan = factory.SelfAttribute("issue.plan")
    month = dt.date(2023, 4, 1)
    narrative = "<p>Work is progressing.</p>"
    state = EntryState.SUBMITTED


class ReportingMonthFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingMonth

    plan = factory.SubFactory(PlanFactory)
    month = dt.date(2023, 5, 1)


class ForumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Forum

    area = factory.SubFactory(AreaFactory)
    name = "SEND Implementation Group"
    slug = "send-implementation-group"
    cadence = Cadence.MONTHLY


class ForumMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ForumMember

    forum = factory.SubFactory(ForumFactory)
    person = factory.SubFactory(PersonFactory, area=factory.SelfAttribute("..forum.area"))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    forum = factory.SubFactory(ForumFactory)
    scheduled_for = dt.date(2023, 5, 10)
    period_start = dt.date(2023, 4, 1)
    period_end = dt.date(2023, 4, 30)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    plan = factory.SubFactory(PlanFactory)
    period = "Spring 2025"
    due_month = dt.date(2025, 5, 1)
    text = factory.Sequence(lambda n: f"Milestone number {n}")
    order = factory.Sequence(lambda n: n)


class MilestonePriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MilestonePriority

    milestone = factory.SubFactory(MilestoneFactory)
    priority = factory.SubFactory(PriorityFactory, plan=factory.SelfAttribute("..milestone.plan"))
    plan = factory.SelfAttribute("milestone.plan")


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory, area=factory.SelfAttribute("..meeting.forum.area"))
    status = AttendanceStatus.PRESENT


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    kind = DecisionKind.DECISION
    text = factory.Sequence(lambda n: f"Decision number {n}")
