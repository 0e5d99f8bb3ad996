"""Who is in a synthetic area: its logins with their roles, its people, and its forums
with their members and meetings."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from governance.models import Forum, ForumMember, Meeting
from sendplan.models import Membership, Person, Role
from sendplan.months import add_months

from .bulk import BulkWriter, area_slug, at
from .words import (
    CADENCE_MONTHS,
    FIRST_NAMES,
    FORUMS,
    JOB_TITLES,
    LAST_NAMES,
    LEAD_LOGINS,
    LEAD_PEOPLE,
    ORGANISATIONS,
    PEOPLE_PER_AREA,
)


class PeopleWriter(BulkWriter):
    def _users(self) -> dict[str, object]:
        User = get_user_model()
        prefix = area_slug(self.number)
        logins = [(f"lead{i + 1}", Role.SEND_LEAD) for i in range(LEAD_LOGINS)]
        logins += [
            ("pm", Role.PROGRAMME_MANAGER),
            ("sig", Role.IMPLEMENTATION_GROUP),
            ("sae", Role.ASSURANCE_EXECUTIVE),
            ("viewer", Role.VIEWER),
        ]
        users = self.create(
            User,
            [
                User(
                    username=f"{prefix}-{name}",
                    first_name=self.shape.choice(FIRST_NAMES),
                    last_name=self.shape.choice(LAST_NAMES),
                    email=f"{prefix}-{name}@example.org",
                    password=self.password_hash,
                )
                for name, _ in logins
            ],
        )
        self.create(
            Membership,
            [
                Membership(user=user, area=self.area, role=role)
                for user, (_, role) in zip(users, logins, strict=True)
            ],
        )
        return {name: user for user, (name, _) in zip(users, logins, strict=True)}

    def _people(self) -> list[Person]:
        rng = self.shape
        names: list[str] = []
        while len(names) < PEOPLE_PER_AREA:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if name not in names:
                names.append(name)
        login_for = {i: self.users[f"lead{i + 1}"] for i in range(LEAD_LOGINS)}
        login_for[LEAD_PEOPLE] = self.users["pm"]
        people = [
            Person(
                area=self.area,
                name=name,
                role=rng.choice(JOB_TITLES),
                organisation=f"Generated area {self.number:02d} {rng.choice(ORGANISATIONS)}",
                email=f"person{i + 1}@area{self.number:02d}.example.org",
                user=login_for.get(i),
            )
            for i, name in enumerate(names)
        ]
        return self.create(Person, people)

    def _forums(self, people) -> None:
        rng = self.rng
        forums = self.create(
            Forum,
            [
                Forum(
                    area=self.area,
                    plan=self.plan,
                    name=name,
                    slug=slug,
                    level=level,
                    cadence=cadence,
                    cadence_as_written=cadence.label,
                    order=i,
                )
                for i, (name, slug, level, cadence, _) in enumerate(FORUMS)
            ],
        )
        members, meetings = [], []
        for forum, (_, _, _, cadence, size) in zip(forums, FORUMS, strict=True):
            for k, person in enumerate(self.shape.sample(people, size)):
                members.append(
                    ForumMember(
                        forum=forum,
                        person=person,
                        role=person.role,
                        organisation=person.organisation,
                        order=k,
                    )
                )
            step = CADENCE_MONTHS[cadence]
            for m in range(step - 1, len(self.months), step):
                reviewed_from = self.months[m - step + 1]
                next_month = add_months(self.months[m], 1)
                meeting = Meeting(
                    forum=forum,
                    scheduled_for=next_month.replace(day=rng.randint(8, 15)),
                    held_on=None if self._is_open(m) else next_month.replace(day=15),
                    period_start=reviewed_from,
                    period_end=add_months(self.months[m], 1) - dt.timedelta(days=1),
                )
                meeting._history_date = at(reviewed_from, 1, 10)
                meeting._history_user = self.users["pm"]
                meetings.append(meeting)
        self.create(ForumMember, members)
        self.create(Meeting, meetings)
