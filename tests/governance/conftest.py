"""A monthly forum of area A with two members, and its May 2023 meeting, for the forum and
meeting pages' tests; and the addresses of those pages."""

import datetime as dt

import pytest
from django.urls import reverse

from governance.models import Cadence
from tests import factories


@pytest.fixture
def forum(area_a, plan_a):
    forum = factories.ForumFactory(
        area=area_a,
        plan=plan_a,
        name="SEND Implementation Group",
        slug="send-implementation-group",
        cadence=Cadence.MONTHLY,
        level="Leadership and Operational Delivery",
        purpose="Leads the delivery of the plan.",
    )
    for n, (name, role, organisation) in enumerate(
        [
            ("Carla Scaife", "Chair", "Darlington Parent Carers Forum"),
            ("James Stroyan", "Group Director of People", "Darlington Borough Council"),
        ]
    ):
        person = factories.PersonFactory(area=area_a, name=name, organisation=organisation)
        factories.ForumMemberFactory(
            forum=forum, person=person, role=role, organisation=organisation, order=n
        )
    return forum


@pytest.fixture
def meeting(forum):
    return factories.MeetingFactory(
        forum=forum,
        scheduled_for=dt.date(2023, 5, 9),
        held_on=dt.date(2023, 5, 10),
        period_start=dt.date(2023, 4, 1),
        period_end=dt.date(2023, 4, 30),
    )


def forum_url(forum, name="governance:forum_detail", **extra):
    return reverse(name, kwargs={"area_slug": forum.area.slug, "forum_slug": forum.slug, **extra})


def meeting_url(meeting, name="governance:meeting_detail", **extra):
    return forum_url(meeting.forum, name, meeting_id=meeting.pk, **extra)
