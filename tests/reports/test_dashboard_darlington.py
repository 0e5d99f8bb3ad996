"""The dashboard with the Darlington plan and seed_demo's example ratings.

The counts are compared with direct counts of the rating rows; the exception lists with
items checked by hand against the plan (/work/shared/seeds/darlington-wsoa-2023.txt, for
the due and target dates) and seed_demo's example ratings for April 2023.
"""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from actions.models import Action, ActionLead, ActionStatus, EntryState
from governance.models import Forum, ForumMember, Meeting
from outcomes.models import ImpactRating, OutcomeTarget
from reports.dashboard import Filters, build_dashboard
from sendplan.models import Person, Plan, User
from sendplan.ratings import BRAGG, RAG

APRIL = dt.date(2023, 4, 1)


@pytest.fixture
def darlington(db):
    call_command("seed_demo", stdout=io.StringIO())
    return Plan.objects.get(slug="darlington-wsoa-2023")


@pytest.fixture
def member(darlington):
    return User.objects.get(username="darlington-sig")


def _url(plan, query="?month=2023-04"):
    return reverse("reports:dashboard", args=[plan.slug]) + query


def test_april_2023_counts_match_a_direct_count_of_the_data(client, darlington, member):
    board = build_dashboard(darlington, month=APRIL, as_at=None, filters=Filters())
    client.force_login(member)
    body = client.get(_url(darlington)).content.decode()

    submitted = ActionStatus.objects.filter(
        plan=darlington, month=APRIL, state=EntryState.SUBMITTED
    )
    actions = Action.objects.filter(plan=darlington).count()
    direct = {BRAGG(v).word: submitted.filter(status=v).count() for v in BRAGG.values}
    direct["Not rated"] = actions - submitted.count()
    drawn = {t["name"]: sum(t["y"]) for t in board.charts[0].figure["data"]}
    assert drawn == direct
    assert sum(direct.values()) == actions == 42

    rated = ImpactRating.objects.filter(plan=darlington, month=APRIL, state=EntryState.SUBMITTED)
    targets = OutcomeTarget.objects.filter(plan=darlington).count()
    direct_rag = {RAG(v).word: rated.filter(rag=v).count() for v in RAG.values}
    direct_rag["Not rated"] = targets - rated.count()
    drawn_rag = {t["name"]: sum(t["y"]) for t in board.charts[2].figure["data"]}
    assert drawn_rag == direct_rag
    assert sum(direct_rag.values()) == targets

    # The page's tables say the same, priority by priority.
    for priority in darlington.priorities.all():
        row = re.search(rf"Priority {priority.number}: [^<]*</th>(.*?)</tr>", body, re.S)[1]
        cells = [int(c) for c in re.findall(r'numeric">\s*(?:<a [^>]*>)?(\d+)', row)]
        in_priority = submitted.filter(action__issue__priority=priority)
        expected = [
            in_priority.filter(status=v).count() for v in ["blue", "green", "amber", "red", "grey"]
        ]
        total = Action.objects.filter(issue__priority=priority).count()
        assert cells == [*expected, total - in_priority.count(), total]
    # And the trend's April column is the same month.
    trend = {t["name"]: t["y"][-1] for t in board.charts[1].figure["data"]}
    assert trend == direct


def _assert_items(items, expected):
    """The items are exactly these (issue ref, start of text), in ref then text order."""
    found = sorted((i.issue_ref, i.text) for i in items)
    assert len(found) == len(expected), found
    for (ref, text), (want_ref, start) in zip(found, expected, strict=True):
        assert ref == want_ref and text.startswith(start), (ref, text, start)


def test_exceptions_for_april_2023_are_the_hand_checked_items(darlington):
    board = build_dashboard(darlington, month=APRIL, as_at=None, filters=Filters())
    found = {e.html_id: e.items for e in board.exceptions}

    # Red in the April example ratings: two actions, both past their due month.
    _assert_items(
        [i for i in found["red-amber-actions"] if i.value == "red"],
        [
            ("1.2", "Audit Process to be established to faci"),  # due Dec 2022
            ("2.4", "To have a clear, co-produced preparatio"),  # due Mar 2023
        ],
    )
    # Due before April 2023 in the plan, and not Blue in April.
    _assert_items(
        found["overdue-actions"],
        [
            ("1.10", "Ensuring ALL CHILDREN AND YOUNG PEOPLE h"),  # Jan 2023
            ("1.10", "QA on all initial plans"),  # March 2023
            ("1.10", "QA on all reviews for Y9 onwards"),  # March 2023
            ("1.12", "Support schools to share best practice "),  # Jan 2023
            ("1.2", "Audit Process to be established to faci"),  # Dec 2022
            ("1.2", "Ensure alignment between the services b"),  # Mar 2023
            ("1.8", "Ensure clear links between Care Leavers"),  # Sept 2022
            ("1.9", "Data dashboard to be reviewed/ used at "),  # Dec 2022
            ("2.1", "Review the work experience offer in Dar"),  # Jan 2023
            ("2.4", "Ensure Darlington's Youth Employment Ini"),  # Dec 2022
            ("2.4", "To have a clear, co-produced preparatio"),  # Mar 2023
        ],
    )
    # The example data revises no due month.
    assert found["slipped-actions"] == []
    # Target date before April 2023 and not Green in the latest rating.
    _assert_items(
        found["targets-past-date"],
        [
            ("1.1", "In post assessment follow up 90% of par"),  # Dec 2022
            ("1.10", "100% of all appropriate requests for SE"),  # Jan 2023
            ("1.12", "Best practice is shared across all Darl"),  # Jan 2023
            ("1.12", "Children and young people's achievement"),  # March 2023
            ("1.2", "Partners use the dashboard to identify e"),  # March 2023
            ("1.3", "Routes for accessing information includi"),  # March 23
            ("1.4", "Children, Young People and their parents"),  # Jan 2023
            ("1.8", "Traffic between Care Leavers local offer"),  # Dec 2022
            ("1.9", "The SEND Implementation Group reflects t"),  # Jan 2023
        ],
    )
    # May 2023 is open; an item is missing when it has no row at all, draft or submitted.
    missing = found["missing-updates"]
    with_a_row = set(
        ActionStatus.objects.filter(plan=darlington, month=dt.date(2023, 5, 1)).values_list(
            "action_id", flat=True
        )
    )
    assert {i.id for i in missing if i.kind == "action"} == set(
        Action.objects.filter(plan=darlington)
        .exclude(id__in=with_a_row)
        .values_list("id", flat=True)
    )
    assert len(missing) == 23


def _tenfold(plan):
    """Nine more copies of every action, target, rating, lead, member and meeting."""
    user = User.objects.get(username="sendplan-system")
    actions = list(Action.objects.filter(plan=plan))
    copies = [
        Action(
            plan=plan,
            issue_id=a.issue_id,
            text=f"{a.text} (copy {n})",
            order=a.order,
            due_month=a.due_month,
            original_due_month=a.original_due_month,
            completed_on=a.completed_on,
            is_ongoing=a.is_ongoing,
        )
        for n in range(9)
        for a in actions
    ]
    bulk_create_with_history(copies, Action, default_user=user)
    copy_of = {}
    for index, copy in enumerate(copies):
        copy_of.setdefault(actions[index % len(actions)].id, []).append(copy.id)
    bulk_create_with_history(
        [
            ActionStatus(
                plan=plan,
                action_id=new,
                month=s.month,
                status=s.status,
                note=s.note,
                state=s.state,
                rated_by_id=s.rated_by_id,
                rated_at=s.rated_at,
            )
            for s in ActionStatus.objects.filter(plan=plan)
            for new in copy_of.get(s.action_id, [])
        ],
        ActionStatus,
        default_user=user,
    )
    bulk_create_with_history(
        [
            ActionLead(plan=plan, action_id=new, person_id=lead.person_id, order=lead.order)
            for lead in ActionLead.objects.filter(plan=plan)
            for new in copy_of.get(lead.action_id, [])
        ],
        ActionLead,
        default_user=user,
    )
    targets = list(OutcomeTarget.objects.filter(plan=plan))
    target_copies = [
        OutcomeTarget(
            plan=plan,
            issue_id=t.issue_id,
            text=f"{t.text} (copy {n})",
            order=t.order,
            target_month=t.target_month,
            baseline=t.baseline,
            target_value=t.target_value,
            direction=t.direction,
            unit=t.unit,
        )
        for n in range(9)
        for t in targets
    ]
    bulk_create_with_history(target_copies, OutcomeTarget, default_user=user)
    target_copy_of = {}
    for index, copy in enumerate(target_copies):
        target_copy_of.setdefault(targets[index % len(targets)].id, []).append(copy.id)
    bulk_create_with_history(
        [
            ImpactRating(
                plan=plan,
                target_id=new,
                month=r.month,
                rag=r.rag,
                note=r.note,
                measured_value=r.measured_value,
                state=r.state,
                rated_at=r.rated_at,
            )
            for r in ImpactRating.objects.filter(plan=plan)
            for new in target_copy_of.get(r.target_id, [])
        ],
        ImpactRating,
        default_user=user,
    )
    forum = Forum.objects.get(area=plan.area, slug="send-implementation-group")
    people = bulk_create_with_history(
        [Person(area=plan.area, name=f"Member {n}") for n in range(9 * forum.members.count())],
        Person,
        default_user=user,
    )
    bulk_create_with_history(
        [ForumMember(forum=forum, person=p, role="Member") for p in people],
        ForumMember,
        default_user=user,
    )
    bulk_create_with_history(
        [
            Meeting(
                forum=forum,
                scheduled_for=dt.date(2010, 1, 5) + dt.timedelta(weeks=n),
                period_start=dt.date(2009, 12, 1),
                period_end=dt.date(2009, 12, 31),
            )
            for n in range(9 * forum.meetings.count())
        ],
        Meeting,
        default_user=user,
    )


def _count(client, url, django_assert_max_num_queries, limit=40):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_query_counts_are_the_same_with_ten_times_the_darlington_data(
    client, darlington, member, django_assert_max_num_queries
):
    forum = Forum.objects.get(area=darlington.area, slug="send-implementation-group")
    meeting = forum.meetings.order_by("-scheduled_for").first()
    urls = [
        _url(darlington),
        # seed_demo wrote its history today, so "as at" today reads it all from history.
        _url(darlington, f"?month=2023-04&as_at={timezone.localdate():%Y-%m-%d}"),
        reverse("governance:forum_detail", args=[forum.area.slug, forum.slug]),
        reverse("governance:meeting_detail", args=[forum.area.slug, forum.slug, meeting.pk]),
    ]
    client.force_login(member)
    once = [_count(client, url, django_assert_max_num_queries) for url in urls]
    actions = Action.objects.filter(plan=darlington).count()

    _tenfold(darlington)

    assert Action.objects.filter(plan=darlington).count() == 10 * actions
    # Signed in afresh, as before the first round: on a slow machine the tenfold copy can
    # take over a minute, and the session's once-a-minute renewal would add a query.
    client.force_login(member)
    assert [_count(client, url, django_assert_max_num_queries) for url in urls] == once
