"""Recording a month's BRAGG status, story so far and RAG impact rating through the services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from actions.models import ActionStatus, EntryState, StoryEntry
from actions.services import ConflictError, UpdateRefused, record_action_update, record_story_entry
from outcomes.models import ImpactRating
from outcomes.services import record_impact_rating
from progress.services import SubmitScope, submit_month_updates
from sendplan.ratings import BRAGG
from tests.actions.conftest import APRIL, MAY

pytestmark = pytest.mark.django_db


def _update(action, user, **kwargs):
    values = {
        "action": action,
        "month": MAY,
        "user": user,
        "status": BRAGG.GREEN,
        "note": "",
        "expected_version": 0,
    }
    values.update(kwargs)
    return record_action_update(**values)


def test_a_first_update_creates_the_months_row_as_a_draft_with_history(open_may, action_a, lead_a):
    row = _update(action_a, lead_a)
    assert row.state == EntryState.DRAFT
    assert row.version == 1
    assert row.rated_by == lead_a
    [history] = row.history.all()
    assert history.history_user == lead_a


def test_editing_the_open_month_changes_the_same_row_and_adds_history(open_may, action_a, lead_a):
    _update(action_a, lead_a)
    row = _update(action_a, lead_a, status=BRAGG.AMBER, note="Slow start", expected_version=1)
    assert ActionStatus.objects.filter(action=action_a).count() == 1
    assert row.version == 2
    assert row.history.count() == 2


def test_a_second_save_from_the_same_version_is_refused_with_what_was_saved(
    open_may, action_a, lead_a, lead2_a
):
    _update(action_a, lead_a, status=BRAGG.AMBER, note="Waiting for the forum")
    with pytest.raises(ConflictError) as caught:
        _update(action_a, lead2_a, status=BRAGG.GREEN)
    conflict = caught.value
    assert conflict.version == 1
    assert ("Note", "Waiting for the forum") in conflict.saved
    assert ActionStatus.objects.get(action=action_a).status == BRAGG.AMBER


def test_a_closed_month_is_read_only(closed_april, action_a, lead_a):
    with pytest.raises(UpdateRefused, match="closed"):
        _update(action_a, lead_a, month=APRIL)
    assert not ActionStatus.objects.exists()


def test_a_future_month_cannot_be_rated(open_may, action_a, lead_a):
    with pytest.raises(UpdateRefused, match="not started"):
        _update(action_a, lead_a, month=dt.date(2023, 6, 1))
    assert not ActionStatus.objects.exists()


def test_red_needs_a_note_and_blue_a_completion_date(open_may, action_a, lead_a):
    with pytest.raises(ValidationError, match="note"):
        _update(action_a, lead_a, status=BRAGG.RED)
    with pytest.raises(ValidationError, match="completed"):
        _update(action_a, lead_a, status=BRAGG.BLUE)
    assert not ActionStatus.objects.exists()


def test_blue_with_a_completion_date_records_it_on_the_action(open_may, action_a, lead_a):
    _update(
        action_a,
        lead_a,
        status=BRAGG.BLUE,
        completed_on=dt.date(2023, 5, 2),
        expected_action_version=1,
    )
    action_a.refresh_from_db()
    assert action_a.completed_on == dt.date(2023, 5, 2)
    assert action_a.version == 2


def test_revising_the_due_date_keeps_the_original(open_may, action_a, lead_a):
    _update(
        action_a,
        lead_a,
        new_due_month=dt.date(2023, 9, 1),
        due_revised_reason="Waiting for the new team",
        expected_action_version=1,
    )
    action_a.refresh_from_db()
    assert action_a.due_month == dt.date(2023, 9, 1)
    assert action_a.original_due_month == dt.date(2023, 6, 1)
    assert action_a.is_slipped


def test_the_story_so_far_is_one_entry_per_issue_per_month_written_in_turn(
    open_may, issue_a, lead_a, lead2_a
):
    first = record_story_entry(
        plan=issue_a.plan,
        month=MAY,
        user=lead_a,
        issue=issue_a,
        narrative="Success: the forum met.",
        expected_version=0,
    )
    second = record_story_entry(
        plan=issue_a.plan,
        month=MAY,
        user=lead2_a,
        issue=issue_a,
        narrative="Success: the forum met.\n\nRisks: staffing.",
        expected_version=1,
    )
    assert first.pk == second.pk
    assert second.narrative == "<p>Success: the forum met.</p><p>Risks: staffing.</p>"
    assert StoryEntry.objects.count() == 1
    with pytest.raises(ConflictError):
        record_story_entry(
            plan=issue_a.plan,
            month=MAY,
            user=lead_a,
            issue=issue_a,
            narrative="Mine",
            expected_version=1,
        )


def test_hostile_html_is_sanitised_on_the_way_in(open_may, issue_a, lead_a):
    entry = record_story_entry(
        plan=issue_a.plan,
        month=MAY,
        user=lead_a,
        issue=issue_a,
        expected_version=0,
        narrative='<p onclick="x()">Hi<script>alert(1)</script><iframe src="//e"></iframe>'
        '<a href="javascript:alert(1)">link</a></p>',
    )
    assert "script" not in entry.narrative
    assert "iframe" not in entry.narrative
    assert "javascript" not in entry.narrative
    assert "onclick" not in entry.narrative
    assert "Hi" in entry.narrative


def test_an_impact_rating_keeps_the_measured_figure(open_may, target_a, lead_a):
    row = record_impact_rating(
        target=target_a,
        month=MAY,
        user=lead_a,
        rag="amber",
        measured_value=Decimal("72.5"),
        note="Survey in June",
        expected_version=0,
    )
    assert row.measured_value == Decimal("72.5")
    with pytest.raises(ConflictError):
        record_impact_rating(
            target=target_a, month=MAY, user=lead_a, rag="green", expected_version=0
        )
    assert ImpactRating.objects.get().rag == "amber"


def test_submitting_marks_drafts_submitted_and_checks_each(open_may, action_a, target_a, lead_a):
    _update(action_a, lead_a, status=BRAGG.RED, note="", check_rules=False)
    scope = SubmitScope(action_ids={action_a.pk}, target_ids={target_a.pk})
    with pytest.raises(ValidationError, match="note"):
        submit_month_updates(plan=action_a.plan, month=MAY, user=lead_a, scope=scope)
    assert ActionStatus.objects.get().state == EntryState.DRAFT
    _update(action_a, lead_a, status=BRAGG.RED, note="Funding withdrawn", expected_version=1)
    assert submit_month_updates(plan=action_a.plan, month=MAY, user=lead_a, scope=scope) == 1
    row = ActionStatus.objects.get()
    assert row.state == EntryState.SUBMITTED
    assert row.version == 3
