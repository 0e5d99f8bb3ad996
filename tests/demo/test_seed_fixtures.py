"""The transcribed plans in fixtures/ and the loader that puts them in the database.

The expected numbers below were counted by hand from the seed texts in
/work/shared/seeds/ (line numbers refer to them), not taken from the loader's output.
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from actions.models import Action, ActionLead, EntryState, StoryEntry
from demo.seeding import FixtureError, load_plan_fixture, seed_plan_fixture, system_user
from governance.models import Forum, ForumMember
from outcomes.models import OutcomeTarget
from sendplan.models import (
    Finding,
    FindingKind,
    Issue,
    IssueStrategyLink,
    Milestone,
    MilestonePriority,
    Person,
    Plan,
    Priority,
    StoryLevel,
    StrategyLink,
)

FIXTURES = settings.BASE_DIR / "fixtures"
DARLINGTON = FIXTURES / "darlington-wsoa-2023.json"
DURHAM = FIXTURES / "durham-lap-2024.json"

# --- Darlington, counted by hand from darlington-wsoa-2023.txt -------------------------
# The two "areas of significant weakness" listed under the WSoA heading (lines 22-23).
DARLINGTON_PRIORITIES = 2
# Refs 1.1-1.12 and 2.1-2.4: 12 + 4. 1.5, 1.6, 1.7 and 2.3 have no legible header.
DARLINGTON_ISSUES = 16
DARLINGTON_GAPS = {"1.5", "1.6", "1.7", "2.3"}
# Rows with text in the Actions column, a page-break continuation (lines 223, 258) not
# counted again, and 1.3's duplicated row (line 117) counted once:
# 1.1: 2, 1.2: 4, 1.3: 2, 1.4: 4, 1.8: 3, 1.9: 4, 1.10: 6, 1.11: 2, 1.12: 2,
# 2.1: 4, 2.2: 3, 2.4: 6.
DARLINGTON_ACTIONS = 42
# Names in the "Actioned by" cells: 1.1: 2, 1.2: 6, 1.3: 3, 1.4: 8, 1.8: 6, 1.9: 8,
# 1.10: 6, 1.11: 3, 1.12: 2, 2.1: 3, 2.2: 2, 2.4: 10.
DARLINGTON_ACTION_LEADS = 59
# Dated entries in the Outcome targets column (line 224 holds three; page-break halves on
# lines 139 and 192 are not new targets; 1.3's duplicates on 117 and 119 counted once):
# 1.1: 2, 1.2: 4, 1.3: 8, 1.4: 5, 1.8: 3, 1.9: 5, 1.10: 7, 1.11: 2, 1.12: 5, 2.1: 7,
# 2.2: 4, 2.4: 10.
DARLINGTON_TARGETS = 62
# Targets on rows with no action text: 1.3 lines 116, 120-124 (6); 1.4 line 136; 1.9 line
# 173; 1.10 line 187; 1.12 lines 209-211 (3); 2.2 line 235; 2.4 lines 248, 254, 255 (3).
DARLINGTON_ISSUE_LEVEL_TARGETS = 16
# Story rows with a date: 1.1 Apr 23, Dec 22; 1.2 Apr, Dec; 1.3 Apr, Dec; 1.4 Apr, Dec;
# 1.6 Nov, Dec; 1.7 Dec; 1.8 Apr, Oct; 1.9 Apr, Dec, Nov; 1.10 Apr, Dec; 1.12 Apr, Dec;
# 2.1 Apr, Dec; 2.4 Apr, Dec.
DARLINGTON_DATED_STORY = 24
# Undated entries standing alone: 1.1 line 98, 1.7 line 153, 2.1 line 228, 2.3 lines 241+243.
DARLINGTON_UNDATED_STORY = 4
# Joint Commissioning, Inclusion, EHCP, Data & Performance, SEND Executive Group,
# Local Offer, Post 16.
DARLINGTON_STRATEGY_LINKS = 7
# Tags per issue: 1.1: 3, 1.2: 3, 1.3: 2, 1.8: 2, 1.9: 2, 1.10: 2, 1.11: 1, 1.12: 1,
# 2.1: 2, 2.2: 1, 2.4: 1.
DARLINGTON_ISSUE_STRATEGY_LINKS = 20
# Members listed: SEND Implementation Group lines 72-83 and 85-88; SEND Assurance
# Executive lines 57-67; the Health and Wellbeing Board has no list.
DARLINGTON_FORUM_MEMBERS = {
    "send-implementation-group": 16,
    "send-assurance-executive": 11,
    "health-and-wellbeing-board": 0,
}
# 11 + 16 members, 5 on both lists (Jo Heaney, Jo Littler, Ruth Kimmins, Tony Murphy,
# David Watson) = 22, plus 7 leads on no list (Wendy Excell, Nic Childs, Helen Ellison,
# Chris Bell, Dianne Gage, Seth Pearson, Paul Richardson).
DARLINGTON_PEOPLE = 29

# --- Durham, counted by hand from durham-lap-plan-2024.txt ------------------------------
# "Inspectors concluded there were four main areas": lines 55, 56, 60, 61.
DURHAM_PRIORITIES = 4
# Eight "Key Findings" bullets (lines 42-49).
DURHAM_STRENGTHS = 8
DURHAM_AREAS_FOR_IMPROVEMENT = 4
# Key Milestones: Spring 2025 two bullets, Autumn 2025 two, Spring 2026 three.
DURHAM_MILESTONES = 7
# SEND Strategy, SEND Participation Strategy, Think Autism strategy (strategies page).
DURHAM_STRATEGY_LINKS = 3


@pytest.fixture
def loader_user(db):
    return system_user()


@pytest.fixture
def darlington(loader_user):
    return load_plan_fixture(DARLINGTON, user=loader_user)


@pytest.fixture
def durham(loader_user):
    return load_plan_fixture(DURHAM, user=loader_user)


def test_darlington_has_its_two_areas_of_significant_weakness_as_priorities(darlington):
    priorities = Priority.objects.filter(plan=darlington)
    assert priorities.count() == DARLINGTON_PRIORITIES
    assert priorities.get(number=2).title == (
        "Poor preparation for adulthood and post 19 opportunities for children & Young "
        "people with SEND"
    )
    findings = Finding.objects.filter(plan=darlington)
    assert findings.count() == 2
    assert set(findings.values_list("kind", flat=True)) == {FindingKind.SIGNIFICANT_WEAKNESS}


def test_darlington_has_every_issue_to_be_addressed_with_the_illegible_ones_as_gaps(darlington):
    issues = Issue.objects.filter(plan=darlington)
    assert issues.count() == DARLINGTON_ISSUES
    assert list(issues.order_by("order").values_list("ref", flat=True)) == [
        *(f"1.{n}" for n in range(1, 13)),
        *(f"2.{n}" for n in range(1, 5)),
    ]
    gaps = issues.filter(is_gap=True)
    assert set(gaps.values_list("ref", flat=True)) == DARLINGTON_GAPS
    assert set(gaps.values_list("description", flat=True)) == {""}
    assert not Action.objects.filter(issue__in=gaps).exists()
    assert not OutcomeTarget.objects.filter(issue__in=gaps).exists()


def test_darlington_has_the_counted_actions_leads_and_targets(darlington):
    assert Action.objects.filter(plan=darlington).count() == DARLINGTON_ACTIONS
    assert ActionLead.objects.filter(plan=darlington).count() == DARLINGTON_ACTION_LEADS
    targets = OutcomeTarget.objects.filter(plan=darlington)
    assert targets.count() == DARLINGTON_TARGETS
    assert targets.filter(action__isnull=True).count() == DARLINGTON_ISSUE_LEVEL_TARGETS


def test_darlington_story_so_far_has_the_counted_dated_and_undated_entries(darlington):
    entries = StoryEntry.objects.filter(plan=darlington)
    assert entries.filter(month__isnull=False).count() == DARLINGTON_DATED_STORY
    assert entries.filter(month__isnull=True).count() == DARLINGTON_UNDATED_STORY
    assert set(entries.values_list("state", flat=True)) == {EntryState.SUBMITTED}
    assert not entries.filter(author__isnull=False).exists()
    assert not entries.filter(is_example=True).exists()


def test_darlington_strategy_links_are_shared_tags_of_the_area(darlington):
    assert StrategyLink.objects.filter(area=darlington.area).count() == DARLINGTON_STRATEGY_LINKS
    rows = IssueStrategyLink.objects.filter(plan=darlington)
    assert rows.count() == DARLINGTON_ISSUE_STRATEGY_LINKS
    issue_110 = Issue.objects.get(plan=darlington, ref="1.10")
    assert issue_110.description.endswith("reflected in their EHCP's")
    assert set(issue_110.strategy_links.values_list("name", flat=True)) == {
        "EHCP",
        "Data & Performance",
    }


def test_darlington_forums_have_the_members_listed_in_the_plan(darlington):
    forums = Forum.objects.filter(area=darlington.area)
    assert {f.slug: f.members.count() for f in forums} == DARLINGTON_FORUM_MEMBERS
    sig = forums.get(slug="send-implementation-group")
    assert (sig.cadence, sig.level) == ("monthly", "Leadership and Operational Delivery")
    sae = forums.get(slug="send-assurance-executive")
    assert (sae.cadence, sae.cadence_as_written, sae.level) == (
        "quarterly",
        "1/4ly",
        "Strategic Assurance",
    )
    hwb = forums.get(slug="health-and-wellbeing-board")
    assert (hwb.cadence, hwb.level) == ("annually", "Wider “place based” Governance")
    seat = ForumMember.objects.get(forum=sae, person__name="Carla Scaife")
    assert (seat.role, seat.organisation) == ("Chair", "Darlington Parent Carers Forum")
    assert ForumMember.objects.get(forum=sig, person__name="Andy Gilpin").role == ""


def test_everyone_named_as_a_lead_or_member_is_one_person_of_the_area(darlington):
    people = Person.objects.filter(area=darlington.area)
    assert people.count() == DARLINGTON_PEOPLE
    jo = people.get(name="Jo Littler")
    assert (jo.role, jo.organisation) == (
        "Head of SEND and Inclusion (Interim)",
        "Darlington Borough Council",
    )
    assert (people.get(name="Paul Richardson").role, jo.user) == ("", None)


def test_action_1_2_has_its_first_action_two_leads_and_december_due_date(darlington):
    action = Action.objects.filter(issue__plan=darlington, issue__ref="1.2").order_by("order")[0]
    assert action.text == (
        "Develop a comprehensive SEND Data Dashboard for all pupils with SEN and align with "
        "SEND Strategy"
    )
    assert [lead.person.name for lead in action.lead_rows.all()] == [
        "Nicole Madden",
        "Wendy Excell",
    ]
    assert action.due_month == action.original_due_month == dt.date(2022, 12, 1)
    assert action.due_as_written == "Dec 2022"


def test_issue_1_8_has_its_ongoing_action_and_target(darlington):
    action = Action.objects.get(issue__plan=darlington, issue__ref="1.8", is_ongoing=True)
    assert action.text.startswith('Linking to ongoing work including the "Promise Tree"')
    assert (action.due_month, action.due_as_written) == (None, "Ongoing")
    target = action.outcome_targets.get()
    assert (target.is_ongoing, target.target_month, target.target_as_written) == (
        True,
        None,
        "Ongoing",
    )


def test_issue_2_4_has_its_december_2022_story_entry(darlington):
    entry = StoryEntry.objects.get(issue__plan=darlington, issue__ref="2.4", month="2022-12-01")
    assert entry.date_as_written == "Dec 2022"
    assert entry.narrative.startswith("<p>Darlington YEI programme does offer support")
    assert entry.narrative.endswith("<p>See 2.1</p>")
    assert entry.written_at.date() == dt.date(2022, 12, 31)


def test_issue_1_3_keeps_its_duplicated_action_once(darlington):
    actions = Action.objects.filter(issue__plan=darlington, issue__ref="1.3")
    assert actions.filter(text__startswith="Further develop and agree the borough").count() == 1
    assert actions.count() == 2


def test_undated_story_counts_as_written_on_the_publication_date(darlington):
    entry = StoryEntry.objects.get(issue__plan=darlington, issue__ref="2.3")
    assert entry.month is None
    assert entry.written_at.date() == darlington.publication_date == dt.date(2023, 4, 1)


def test_narratives_are_sanitised_when_loaded(darlington):
    entry = StoryEntry.objects.get(issue__plan=darlington, issue__ref="2.4", month="2023-04-01")
    assert "<div>" not in entry.narrative
    assert "<p>Post 16 EET Opportunities SEND.d</p>" in entry.narrative
    quote = StoryEntry.objects.get(issue__plan=darlington, issue__ref="1.8", month="2023-04-01")
    assert "<i>" in quote.narrative


def test_quantified_targets_keep_the_figure_the_plan_states(darlington):
    tribunal = OutcomeTarget.objects.get(plan=darlington, text__contains="tribunal cases")
    assert (tribunal.unit, tribunal.target_value, tribunal.direction) == (
        "% reduction",
        Decimal("50"),
        "increase",
    )
    plain = OutcomeTarget.objects.get(plan=darlington, text__startswith="Partners use the")
    assert (plain.unit, plain.target_value, plain.direction) == ("", None, "")


def test_durham_has_its_areas_for_improvement_as_priorities_and_findings(durham):
    assert durham.story_level == StoryLevel.PRIORITY
    priorities = Priority.objects.filter(plan=durham)
    assert priorities.count() == DURHAM_PRIORITIES
    assert priorities.get(number=1).title == (
        "Intensify work to further improve EHC plan quality and assessment timeliness."
    )
    findings = Finding.objects.filter(plan=durham)
    assert findings.filter(kind=FindingKind.STRENGTH).count() == DURHAM_STRENGTHS
    assert (
        findings.filter(kind=FindingKind.AREA_FOR_IMPROVEMENT).count()
        == DURHAM_AREAS_FOR_IMPROVEMENT
    )
    assert not Issue.objects.filter(plan=durham).exists()
    assert not Action.objects.filter(plan=durham).exists()
    assert not OutcomeTarget.objects.filter(plan=durham).exists()
    assert not Forum.objects.filter(area=durham.area).exists()


def test_durham_milestones_are_linked_to_the_priorities_they_plainly_serve(durham):
    milestones = Milestone.objects.filter(plan=durham)
    assert milestones.count() == DURHAM_MILESTONES
    assert sorted(milestones.values_list("period", "due_month")) == sorted(
        [("Spring 2025", dt.date(2025, 5, 1))] * 2
        + [("Autumn 2025", dt.date(2025, 11, 1))] * 2
        + [("Spring 2026", dt.date(2026, 5, 1))] * 3
    )
    local_offer = milestones.get(text__contains="local offer webpages")
    assert list(local_offer.priorities.values_list("number", flat=True)) == [3]
    neuro = milestones.filter(text__contains="neurodevelopmental")
    assert {p.number for m in neuro for p in m.priorities.all()} == {2}
    assert MilestonePriority.objects.filter(plan=durham).count() == 5
    assert StrategyLink.objects.filter(area=durham.area).count() == DURHAM_STRATEGY_LINKS


def _history_models():
    # Only models with a table: another app's model may be waiting for its migration.
    tables = set(connection.introspection.table_names())
    return [
        model
        for model in apps.get_models()
        if getattr(model._meta, "simple_history_manager_attribute", None)
        and model._meta.db_table in tables
    ]


def table_counts() -> dict[str, int]:
    """Rows in every table of the database, history tables included."""
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def test_every_loaded_row_has_history_naming_the_loading_user(loader_user):
    load_plan_fixture(DARLINGTON, user=loader_user)
    load_plan_fixture(DURHAM, user=loader_user)
    checked = 0
    for model in _history_models():
        history = getattr(model, model._meta.simple_history_manager_attribute).model
        assert not history.objects.filter(history_user__isnull=True).exists(), model
        pks = set(model._base_manager.values_list("pk", flat=True))
        by_user = set(
            history.objects.filter(history_user=loader_user).values_list(
                model._meta.pk.attname, flat=True
            )
        )
        assert pks <= by_user, model
        checked += len(pks)
    assert checked > 300  # every row of both plans, so the sweep did look at them


def test_loading_a_plan_twice_writes_nothing_the_second_time(loader_user):
    first = seed_plan_fixture(DARLINGTON, user=loader_user)
    counts = table_counts()
    second = seed_plan_fixture(DARLINGTON, user=loader_user)
    assert (first.created, second.created) == (True, False)
    assert second.plan == first.plan
    assert second.rows == 0
    assert table_counts() == counts


def _write(tmp_path, data) -> str:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def _minimal():
    return {
        "area": {"name": "Testshire", "slug": "testshire"},
        "plan": {"title": "Testshire WSoA", "slug": "testshire-wsoa", "kind": "wsoa"},
        "people": [{"name": "Ann Lead"}],
        "priorities": [
            {
                "number": 1,
                "title": "Priority one",
                "issues": [
                    {
                        "ref": "1.1",
                        "description": "An issue",
                        "is_gap": False,
                        "actions": [
                            {
                                "text": "Do it",
                                "leads": ["Ann Lead"],
                                "due": "2023-01",
                                "due_as_written": "Jan 2023",
                                "is_ongoing": False,
                            }
                        ],
                        "story": [
                            {
                                "month": "2023-01",
                                "date_as_written": "Jan 2023",
                                "narrative": '<p onclick="x()">Hi<script>alert(1)</script>'
                                '<a href="javascript:alert(1)">link</a></p>',
                            }
                        ],
                    }
                ],
            }
        ],
    }


def test_a_hostile_narrative_is_stored_sanitised(tmp_path, loader_user):
    plan = load_plan_fixture(_write(tmp_path, _minimal()), user=loader_user)
    narrative = StoryEntry.objects.get(plan=plan).narrative
    assert narrative == '<p>Hi<a rel="noopener noreferrer">link</a></p>'


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["plan"].pop("slug"), "plan: missing key 'slug'"),
        (
            lambda d: d["priorities"][0]["issues"][0]["actions"][0].update(due="Dec 2022"),
            "priorities[0].issues[0].actions[0].due: expected a month",
        ),
        (
            lambda d: d["priorities"][0]["issues"][0]["actions"][0]["leads"].append("Bob"),
            "priorities[0].issues[0].actions[0].leads[1]: 'Bob' is not in people",
        ),
        (lambda d: d["plan"].update(kind="plan"), "plan.kind: expected one of"),
        (
            lambda d: d["priorities"][0]["issues"][0].update(leads=[]),
            "priorities[0].issues[0]: unknown key 'leads'",
        ),
        (
            lambda d: d["priorities"][0]["issues"][0].update(description=""),
            "priorities[0].issues[0].description: must not be empty unless is_gap",
        ),
    ],
)
def test_a_malformed_fixture_is_refused_naming_the_file_and_key(
    tmp_path, loader_user, change, message
):
    data = _minimal()
    change(data)
    path = _write(tmp_path, data)
    with pytest.raises(FixtureError) as excinfo:
        load_plan_fixture(path, user=loader_user)
    assert str(excinfo.value).startswith(f"{path}: ")
    assert message in str(excinfo.value)
    assert not Plan.objects.exists()


def test_a_file_that_is_not_json_is_refused_plainly(tmp_path, loader_user):
    path = tmp_path / "plan.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(FixtureError, match="not a JSON file"):
        load_plan_fixture(path, user=loader_user)
