"""Importing a whole plan through the service: a good sheet, a messy but valid one, and how
their cells are read.
"""

from __future__ import annotations

import datetime as dt

import pytest

from actions.models import Action, ActionLead, ActionStatus, StoryEntry
from outcomes.models import ImpactRating, OutcomeTarget
from sendplan.models import Area, Issue, Person, Priority
from sendplan.ratings import BRAGG, RAG
from spreadsheets.ratings import parse_bragg, parse_rag
from spreadsheets.resources import IMPORTED_NOTE
from tests import factories

from .import_helpers import (
    MESSY,
    MONTH,
    history_marks,
    import_plan,
    new_history_rows,
    write_file,
)

# --- A good sheet ------------------------------------------------------------------------


def test_a_good_sheet_creates_the_plan_with_every_line_of_its_table(importer):
    plan, preview = import_plan(importer)

    assert plan.slug == "darlington-wsoa"
    assert plan.area.name == "Darlington"
    assert Priority.objects.filter(plan=plan).count() == 2
    assert Issue.objects.filter(plan=plan).count() == 3
    assert Action.objects.filter(plan=plan).count() == 5
    assert OutcomeTarget.objects.filter(plan=plan).count() == 6
    assert ActionLead.objects.filter(plan=plan).count() == 7
    assert ActionStatus.objects.filter(plan=plan, month=MONTH).count() == 5
    assert ImpactRating.objects.filter(plan=plan, month=MONTH).count() == 4
    assert StoryEntry.objects.filter(plan=plan).count() == 4
    assert Person.objects.filter(area=plan.area).count() == 7
    assert preview.counts["actions"] == {"created": 5}


def test_a_good_sheets_first_action_keeps_its_dates_leads_and_ratings(importer):
    plan, _ = import_plan(importer)

    action = Action.objects.get(plan=plan, issue__ref="1.1", order=0)
    assert action.due_month == dt.date(2022, 10, 1)
    assert action.due_as_written == "October 2022"
    assert action.completed_on == dt.date(2022, 10, 31)
    assert action.statuses.get().status == BRAGG.BLUE
    assert action.statuses.get().rated_by == importer
    target = action.outcome_targets.get()
    assert target.target_month == dt.date(2022, 12, 1)
    assert target.ratings.get().rag == RAG.GREEN
    issue = Issue.objects.get(plan=plan, ref="1.2")
    assert sorted(issue.strategy_links.values_list("name", flat=True)) == [
        "Data & Performance",
        "EHCP",
        "Joint Commissioning",
    ]
    second = Action.objects.get(plan=plan, issue__ref="1.2", order=0)
    assert [lead.person.name for lead in second.lead_rows.all()] == [
        "Nicole Madden",
        "Wendy Excell",
    ]


def test_a_row_with_only_an_outcome_target_belongs_to_the_action_above(importer):
    plan, _ = import_plan(importer)

    action = Action.objects.get(plan=plan, issue__ref="2.1")
    assert action.outcome_targets.count() == 2


def test_story_so_far_may_belong_to_an_issue_or_to_a_whole_priority(importer):
    plan, _ = import_plan(importer)

    assert StoryEntry.objects.filter(plan=plan, issue__ref="1.1").count() == 2
    per_priority = StoryEntry.objects.get(plan=plan, priority__number=2)
    assert per_priority.issue is None
    assert per_priority.month == dt.date(2022, 12, 1)
    assert per_priority.author == importer


def test_plain_text_story_so_far_is_stored_as_safe_html(importer, tmp_path):
    updates = write_file(
        tmp_path,
        "updates.csv",
        'ref,date,text\n1.1,Dec 2022,"Work & progress\n\nSecond <3"\n'
        '1.2,April 2023,<script>alert(1)</script><p onclick="x()">Hello <b>there</b></p>\n',
    )

    plan, _ = import_plan(importer, updates=updates)

    narratives = list(
        StoryEntry.objects.filter(plan=plan)
        .order_by("issue__ref")
        .values_list("narrative", flat=True)
    )
    assert narratives == [
        "<p>Work &amp; progress</p><p>Second &lt;3</p>",
        "<p>Hello <b>there</b></p>",
    ]


def test_the_plan_slug_defaults_to_the_slug_of_its_title(importer):
    plan, _ = import_plan(importer, plan_title="Southend WSoA", area_name="Southend")

    assert plan.slug == "southend-wsoa"


def test_an_area_already_known_is_used_whatever_the_case_of_its_name(importer):
    area = factories.AreaFactory(name="Darlington", slug="darlington")
    factories.PersonFactory(area=area, name="Jo Littler")

    plan, _ = import_plan(importer, area_name="DARLINGTON")

    assert plan.area == area
    assert Area.objects.count() == 1
    assert Person.objects.filter(area=area, name="Jo Littler").count() == 1


def test_every_history_row_the_import_writes_names_the_importing_user(importer):
    marks = history_marks()

    import_plan(importer)

    rows = new_history_rows(marks)
    assert len(rows) > 50
    assert [r for r in rows if r.history_user_id is None] == []
    assert {r.history_user_id for r in rows} == {importer.pk}
    assert {r.history_change_reason for r in rows} == {"Imported from spreadsheet"}


def test_each_record_the_import_creates_has_one_history_row_holding_what_was_written(importer):
    marks = history_marks()

    plan, _ = import_plan(importer)

    rows = new_history_rows(marks)
    assert {r.history_type for r in rows} == {"+"}
    assert len({r.history_date for r in rows}) == 1
    checked = 0
    for model in (Priority, Issue, Action, ActionLead, ActionStatus, OutcomeTarget, ImpactRating):
        history = model.history.model
        records = list(model.objects.filter(plan=plan))
        assert records, model.__name__
        for record in records:
            (row,) = [r for r in rows if isinstance(r, history) and r.id == record.pk]
            for field in history.tracked_fields:
                assert getattr(row, field.attname) == getattr(record, field.attname), (
                    f"{model.__name__}.{field.name}"
                )
            checked += 1
    assert checked > 30


# --- A messy but valid sheet ---------------------------------------------------------


def test_a_messy_but_valid_sheet_imports(importer):
    plan, _ = import_plan(importer, source=MESSY, updates=None)

    assert Issue.objects.filter(plan=plan).count() == 3
    assert Action.objects.filter(plan=plan).count() == 6
    assert OutcomeTarget.objects.filter(plan=plan).count() == 7
    assert Priority.objects.get(plan=plan, number=1).title == (
        "The effectiveness of meeting the needs of children and young people with SEND"
    )
    assert Priority.objects.get(plan=plan, number=2).title == "Poor preparation for adulthood"


def test_a_messy_sheet_reads_every_way_of_writing_a_month(importer):
    plan, _ = import_plan(importer, source=MESSY, updates=None)

    due = dict(Action.objects.filter(plan=plan).values_list("text", "due_month"))
    assert due["Implementation of new electronic process"] == dt.date(2023, 9, 1)
    assert due["Develop a comprehensive SEND Data Dashboard"] == dt.date(2023, 3, 1)
    assert due["Audit process for placement planning"] == dt.date(2023, 3, 1)
    assert due["Map local opportunities for education and employment post 18"] == dt.date(
        2023, 3, 1
    )
    ongoing = Action.objects.get(plan=plan, text="Conduct deep dive into recent tribunal")
    assert ongoing.is_ongoing and ongoing.due_month is None
    targets = dict(OutcomeTarget.objects.filter(plan=plan).values_list("text", "target_month"))
    assert targets["Audit of process shows effective transfer of information"] == dt.date(
        2023, 12, 1
    )
    assert targets["Exclusions for pupils with EHC plans will reduce by at least 10%"] == (
        dt.date(2024, 3, 1)
    )
    assert targets["Comprehensive gap analysis"] == dt.date(2025, 5, 1)
    assert targets["Footfall on this area will increase by 50%"] == dt.date(2025, 11, 1)


def test_a_messy_sheets_blank_ref_priority_and_issue_mean_as_the_row_above(importer):
    plan, _ = import_plan(importer, source=MESSY, updates=None)

    issue = Issue.objects.get(plan=plan, ref="1.2")
    assert issue.description == "Responsiveness to understanding and planning for changing needs"
    assert issue.actions.count() == 3
    assert Issue.objects.get(plan=plan, ref="1.1").actions.count() == 2


def test_a_messy_sheets_target_only_rows_belong_to_the_action_above(importer):
    plan, _ = import_plan(importer, source=MESSY, updates=None)

    action = Action.objects.get(plan=plan, text="Implementation of new electronic process")
    assert action.outcome_targets.count() == 2
    issue_only = Issue.objects.get(plan=plan, ref="2.1")
    assert issue_only.outcome_targets.filter(action__isnull=False).count() == 2


def test_a_messy_sheets_leads_split_on_semicolons_and_new_lines_and_match_by_name(importer):
    plan, _ = import_plan(importer, source=MESSY, updates=None)

    first = Action.objects.get(plan=plan, issue__ref="1.1", order=0)
    assert [lead.person.name for lead in first.lead_rows.all()] == ["Jo Littler", "Tony Murphy"]
    audit = Action.objects.get(plan=plan, text="Audit process for placement planning")
    assert [lead.person.name for lead in audit.lead_rows.all()] == ["Jo Littler"]
    map_action = Action.objects.get(plan=plan, issue__ref="2.1")
    assert [lead.person.name for lead in map_action.lead_rows.all()] == [
        "Paul Richardson",
        "Kevin Kelly",
    ]
    assert Person.objects.filter(area=plan.area).count() == 6
    links = Issue.objects.get(plan=plan, ref="1.1").strategy_links.values_list("name", flat=True)
    assert sorted(links) == ["EHCP", "Inclusion", "Joint Commissioning"]


def test_a_messy_sheets_bragg_and_rag_letters_colours_and_words_are_read(importer):
    plan, _ = import_plan(importer, source=MESSY, updates=None)

    statuses = dict(ActionStatus.objects.filter(plan=plan).values_list("action__text", "status"))
    assert statuses == {
        "Consult with parent/carers on alternative methods of collecting views": BRAGG.BLUE,
        "Implementation of new electronic process": BRAGG.GREEN,
        "Develop a comprehensive SEND Data Dashboard": BRAGG.AMBER,
        "Conduct deep dive into recent tribunal": BRAGG.GREY,
        "Audit process for placement planning": BRAGG.GREY,
        "Map local opportunities for education and employment post 18": BRAGG.RED,
    }
    rags = sorted(ImpactRating.objects.filter(plan=plan).values_list("rag", flat=True))
    assert rags == sorted([RAG.GREEN, RAG.AMBER, RAG.AMBER, RAG.RED, RAG.RED, RAG.GREEN])


def test_red_and_amber_statuses_are_accepted_with_a_note_saying_they_were_imported(importer):
    plan, _ = import_plan(importer, source=MESSY, updates=None)

    notes = dict(ActionStatus.objects.filter(plan=plan).values_list("status", "note"))
    assert notes[BRAGG.RED] == IMPORTED_NOTE
    assert notes[BRAGG.AMBER] == IMPORTED_NOTE
    assert notes[BRAGG.GREEN] == ""


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("B", BRAGG.BLUE),
        ("blue", BRAGG.BLUE),
        ("Completed Embedded Sustained (B)", BRAGG.BLUE),
        ("R", BRAGG.RED),
        ("Major concerns", BRAGG.RED),
        ("a", BRAGG.AMBER),
        ("On track, some concerns", BRAGG.AMBER),
        ("G", BRAGG.GREEN),
        (" green ", BRAGG.GREEN),
        ("On track, no concerns (G)", BRAGG.GREEN),
        ("Green – on track, no concerns", BRAGG.GREEN),
        ("Grey", BRAGG.GREY),
        ("gray", BRAGG.GREY),
        ("Gr", BRAGG.GREY),
        ("Not started", BRAGG.GREY),
        ("Not started, not due (G)", BRAGG.GREY),
        ("", ""),
        (None, ""),
    ],
)
def test_a_bragg_status_is_read_from_its_letter_colour_or_words(text, value):
    assert parse_bragg(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("R", RAG.RED),
        ("Impact not measured or negative impact", RAG.RED),
        ("amber", RAG.AMBER),
        ("Impact being measured Either Neutral or (not yet measured)", RAG.AMBER),
        ("G", RAG.GREEN),
        ("Positive Impact Both Measured and Demonstrable", RAG.GREEN),
        ("", ""),
    ],
)
def test_a_rag_impact_rating_is_read_from_its_letter_colour_or_words(text, value):
    assert parse_rag(text) == value


@pytest.mark.parametrize("text", ["Purple", "Blue-ish", "Grey/Green", "5"])
def test_an_unknown_bragg_value_is_refused_in_plain_english(text):
    with pytest.raises(ValueError, match="Enter a BRAGG status"):
        parse_bragg(text)


# --- Priority cells -------------------------------------------------------------------


def test_a_priority_named_only_by_its_number_takes_the_number_as_its_title(importer, tmp_path):
    source = write_file(
        tmp_path,
        "plan.csv",
        "ref,priority,issue,strategy_links,action,actioned_by,by_when,completed,bragg,"
        "outcome_target,target_date,impact_rag\n"
        "1.1,Priority 1,Information shared,,Consult,,,,,,,\n"
        "2.1,2,Post 19 offer,,,,,,,,,\n",
    )

    plan, _ = import_plan(importer, source=source, updates=None)

    assert list(plan.priorities.values_list("number", "title")) == [
        (1, "Priority 1"),
        (2, "Priority 2"),
    ]


def test_an_issue_goes_under_the_priority_its_row_names_whatever_its_ref_says(importer, tmp_path):
    # References are not parsed: 1.3 under "2. Poor preparation" is the plan's own choice.
    source = write_file(
        tmp_path,
        "plan.csv",
        "ref,priority,issue,strategy_links,action,actioned_by,by_when,completed,bragg,"
        "outcome_target,target_date,impact_rag\n"
        "1.3,2. Poor preparation for adulthood,Post 19 offer,,,,,,,,,\n",
    )

    plan, _ = import_plan(importer, source=source, updates=None)

    issue = Issue.objects.get(plan=plan)
    assert (issue.ref, issue.priority.ref, issue.priority.title) == (
        "1.3",
        "2",
        "Poor preparation for adulthood",
    )
    assert issue.priority.label == "Priority 2: Poor preparation for adulthood"
