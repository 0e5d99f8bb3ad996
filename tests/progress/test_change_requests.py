"""Target change requests and large due-date moves (issue 19): a lead asks, an approver
decides, and until then the plan keeps its old values everywhere."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from actions.change_requests import ChangeStatus
from actions.models import Action, DueDateChangeRequest
from outcomes.models import OutcomeTarget, TargetChangeRequest
from sendplan.models import Role
from tests import factories


@pytest.fixture
def executive_a(area_a):
    user = factories.UserFactory(username="exec-a", first_name="Erin", last_name="Exec")
    factories.MembershipFactory(user=user, area=area_a, role=Role.ASSURANCE_EXECUTIVE)
    return user


def _propose_url(plan, target):
    return reverse(
        "progress:propose_target_change", kwargs={"plan_slug": plan.slug, "target_id": target.pk}
    )


def _decide_url(plan, change):
    return reverse(
        "progress:decide_target_change", kwargs={"plan_slug": plan.slug, "change_id": change.pk}
    )


def _proposal(target, **changes) -> dict:
    data = {
        "text": target.text,
        "baseline": "60",
        "target_value": "90",
        "unit": target.unit,
        "target_month_0": "12",
        "target_month_1": "2023",
        "effective_month_0": "5",
        "effective_month_1": "2023",
        "reason": "The survey changed its question",
    }
    data.update(changes)
    return data


def _dashboard_progress(client, plan) -> str:
    """How far the dashboard's chart says the target has come from baseline to target."""
    page = client.get(reverse("reports:dashboard", kwargs={"plan_slug": plan.slug}))
    assert page.status_code == 200
    return re.search(r'"text": \["Amber: (\d+)%"\]', page.content.decode()).group(1)


def test_lead_proposes_a_new_figure_which_stands_only_once_an_executive_approves(
    client, plan_a, lead_a, executive_a, open_may, target_a
):
    factories.ImpactRatingFactory(target=target_a, month=dt.date(2023, 4, 1), measured_value=70)
    client.force_login(lead_a)
    response = client.post(_propose_url(plan_a, target_a), _proposal(target_a, target_value="80"))
    assert response.status_code == 302
    change = TargetChangeRequest.objects.get()
    assert change.status == ChangeStatus.PENDING
    assert change.changes() == [("Target figure", "90", "80")]

    # Until approved the old target stands: the stored target and the dashboard.
    target_a.refresh_from_db()
    assert target_a.target_value == Decimal("90")
    client.force_login(executive_a)
    assert (
        "Target 90%"
        in client.get(
            reverse("reports:issue_detail", kwargs={"plan_slug": plan_a.slug, "ref": "1.1"})
        ).content.decode()
    )
    # 70 measured from a baseline of 60: a third of the way to 90.
    assert _dashboard_progress(client, plan_a) == "33"

    home = client.get("/").content.decode()
    assert "1 change is waiting for your decision." in home

    response = client.post(_decide_url(plan_a, change), {"decision": "approve", "comment": ""})
    assert response.status_code == 302
    target_a.refresh_from_db()
    assert target_a.target_value == Decimal("80")

    page = client.get(
        reverse("reports:issue_detail", kwargs={"plan_slug": plan_a.slug, "ref": "1.1"})
    ).content.decode()
    assert "Target 80%" in page
    assert _dashboard_progress(client, plan_a) == "50"  # half way to 80
    dashboard = client.get(reverse("reports:dashboard", kwargs={"plan_slug": plan_a.slug}))
    assert "approved by Erin Exec, was: Target figure 90" in dashboard.content.decode()
    assert "approved by Erin Exec, was: Target figure 90" in page

    # Everything is in the history with the acting user.
    last = target_a.history.order_by("-history_date").first()
    assert last.history_user == executive_a
    assert last.target_value == Decimal("80")
    decided = change.history.order_by("-history_date").first()
    assert (decided.history_user, decided.status) == (executive_a, ChangeStatus.APPROVED)
    asked = change.history.order_by("history_date").first()
    assert asked.history_user == lead_a


def test_requester_cannot_approve_their_own_change(
    client, plan_a, programme_manager_a, open_may, target_a
):
    client.force_login(programme_manager_a)
    client.post(_propose_url(plan_a, target_a), _proposal(target_a, unit="percent"))
    change = TargetChangeRequest.objects.get()
    response = client.post(_decide_url(plan_a, change), {"decision": "approve"})
    assert response.status_code == 403
    assert "You asked for this change, so someone else must approve" in response.content.decode()
    change.refresh_from_db()
    target_a.refresh_from_db()
    assert change.status == ChangeStatus.PENDING
    assert target_a.unit == "%"


def test_rejecting_needs_a_comment_and_leaves_the_target_alone(
    client, plan_a, lead_a, executive_a, open_may, target_a
):
    client.force_login(lead_a)
    client.post(_propose_url(plan_a, target_a), _proposal(target_a, baseline="50"))
    change = TargetChangeRequest.objects.get()
    client.force_login(executive_a)
    response = client.post(_decide_url(plan_a, change), {"decision": "reject"})
    assert "Enter why the change is rejected" in response.content.decode()
    client.post(_decide_url(plan_a, change), {"decision": "reject", "comment": "Keep it"})
    change.refresh_from_db()
    assert (change.status, change.decision_comment) == (ChangeStatus.REJECTED, "Keep it")
    assert OutcomeTarget.objects.get().baseline == Decimal("60")


def test_a_lead_cannot_ask_to_change_a_target_they_do_not_lead(
    client, plan_a, lead_b, viewer_a, open_may, target_a, other_action_a
):
    other = factories.OutcomeTargetFactory(
        issue=factories.IssueFactory(priority=target_a.issue.priority, ref="1.9")
    )
    lead = target_a.issue.actions.first().leads.first().user
    client.force_login(lead)
    assert client.get(_propose_url(plan_a, other)).status_code == 403
    client.force_login(viewer_a)
    assert client.get(_propose_url(plan_a, target_a)).status_code == 403
    client.force_login(lead_b)
    assert client.get(_propose_url(plan_a, target_a)).status_code == 404


def test_a_small_due_date_move_keeps_the_reason_only_flow_and_a_large_one_waits(
    client, plan_a, lead_a, executive_a, open_may, action_a
):
    from actions.services import record_action_update

    record_action_update(
        action=action_a,
        month=open_may.month,
        user=lead_a,
        status="green",
        new_due_month=dt.date(2023, 9, 1),
        due_revised_reason="Venue booked later",
        expected_version=0,
        expected_action_version=action_a.version,
    )
    action_a.refresh_from_db()
    assert action_a.due_month == dt.date(2023, 9, 1)  # three months after June: no approval
    assert not DueDateChangeRequest.objects.exists()

    row = action_a.statuses.get()
    record_action_update(
        action=action_a,
        month=open_may.month,
        user=lead_a,
        status="green",
        new_due_month=dt.date(2024, 3, 1),
        due_revised_reason="Funding moved to next year",
        expected_version=row.version,
        expected_action_version=action_a.version,
    )
    action_a.refresh_from_db()
    assert action_a.due_month == dt.date(2023, 9, 1)
    change = DueDateChangeRequest.objects.get()
    assert (change.due_month, change.requested_by) == (dt.date(2024, 3, 1), lead_a)

    client.force_login(executive_a)
    url = reverse(
        "progress:decide_due_date_change",
        kwargs={"plan_slug": plan_a.slug, "change_id": change.pk},
    )
    assert client.post(url, {"decision": "approve"}).status_code == 302
    action = Action.objects.get(pk=action_a.pk)
    assert action.due_month == dt.date(2024, 3, 1)
    assert action.original_due_month == dt.date(2023, 6, 1)
    assert action.history.order_by("-history_date").first().history_user == executive_a
    change.refresh_from_db()
    assert change.revision_words.endswith("was: Due September 2023")


def test_pending_changes_page_offers_decisions_only_to_approvers(
    client, plan_a, lead_a, viewer_a, executive_a, open_may, target_a
):
    client.force_login(lead_a)
    client.post(_propose_url(plan_a, target_a), _proposal(target_a, target_value="85"))
    url = reverse("progress:change_requests", kwargs={"plan_slug": plan_a.slug})
    client.force_login(viewer_a)
    page = client.get(url).content.decode()
    assert "asked for 85" in page
    assert ">Decide<" not in page
    client.force_login(executive_a)
    assert "Decide" in client.get(url).content.decode()


def test_readiness_check_lists_a_change_waiting_for_a_decision(
    client, plan_a, lead_a, viewer_a, open_may, target_a
):
    url = reverse("reports:readiness", kwargs={"plan_slug": plan_a.slug})
    client.force_login(viewer_a)
    assert "No change to what the plan promised is waiting" in client.get(url).content.decode()
    client.force_login(lead_a)
    client.post(_propose_url(plan_a, target_a), _proposal(target_a, target_value="85"))
    client.force_login(viewer_a)
    page = client.get(url).content.decode()
    assert "Target figure: 90 → 85. Asked for by" in page


def test_the_admin_shows_what_a_target_promises_but_does_not_change_it(
    client, admin_user, target_a
):
    client.force_login(admin_user)
    url = reverse("admin:outcomes_outcometarget_change", args=[target_a.pk])
    page = client.get(url).content.decode()
    assert 'name="target_value"' not in page
    assert "90% of parents say the plan is effective" in page
    assert "change only through a change request" in page


def _admin_action_form(action, **changes) -> dict:
    data = {
        "plan": action.plan_id,
        "issue": action.issue_id,
        "text": action.text,
        "order": action.order,
        "due_month": action.due_month.isoformat(),
        "due_as_written": action.due_as_written,
        "due_revised_reason": action.due_revised_reason,
        "completed_on": "",
        "lead_rows-TOTAL_FORMS": "0",
        "lead_rows-INITIAL_FORMS": "0",
        "statuses-TOTAL_FORMS": "0",
        "statuses-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_the_admin_refuses_a_due_date_move_that_needs_approval_and_keeps_small_ones(
    client, admin_user, action_a
):
    client.force_login(admin_user)
    url = reverse("admin:actions_action_change", args=[action_a.pk])
    page = client.get(url).content.decode()
    assert 'name="original_due_month"' not in page  # what large moves are measured from

    far = client.post(url, _admin_action_form(action_a, due_month="2024-03-01"))
    assert far.status_code == 200
    assert "so it needs approval" in far.content.decode()
    action_a.refresh_from_db()
    assert action_a.due_month == dt.date(2023, 6, 1)

    no_reason = client.post(url, _admin_action_form(action_a, due_month="2023-09-01"))
    assert "Enter the reason the due date was revised." in no_reason.content.decode()

    near = client.post(
        url,
        _admin_action_form(action_a, due_month="2023-09-01", due_revised_reason="Venue later"),
    )
    assert near.status_code == 302
    action_a.refresh_from_db()
    assert (action_a.due_month, action_a.original_due_month) == (
        dt.date(2023, 9, 1),
        dt.date(2023, 6, 1),
    )


def test_an_approved_change_takes_effect_from_its_stated_month(
    client, plan_a, lead_a, executive_a, open_may, target_a, action_a
):
    """Approved in May to take effect from July: May's pages keep the old promise (and say
    nothing of a revision yet); July's read the new one."""
    from actions.services import decide_due_date_change, propose_due_date_change
    from outcomes.services import decide_target_change, propose_target_change
    from progress.plan_state import plan_state

    factories.ImpactRatingFactory(target=target_a, month=dt.date(2023, 4, 1), measured_value=70)
    july = dt.date(2023, 7, 1)
    change = propose_target_change(
        target=target_a, user=lead_a, reason="New survey", effective_month=july, target_value=80
    )
    decide_target_change(request=change, user=executive_a, approve=True)
    move = propose_due_date_change(
        action=action_a,
        user=lead_a,
        due_month=dt.date(2024, 3, 1),
        reason="Funding moved",
        effective_month=july,
    )
    decide_due_date_change(request=move, user=executive_a, approve=True)

    client.force_login(executive_a)
    assert _dashboard_progress(client, plan_a) == "33"  # May: still a third of the way to 90
    page = client.get(
        reverse("reports:issue_detail", kwargs={"plan_slug": plan_a.slug, "ref": "1.1"})
    ).content.decode()
    assert "Target 90%" in page
    assert "Revised on" not in page

    may = plan_state(plan_a, month=dt.date(2023, 5, 1))
    assert may.targets[0].target_value == Decimal("90")
    assert may.actions[0].due_month == dt.date(2023, 6, 1)
    in_july = plan_state(plan_a, month=july)
    assert in_july.targets[0].target_value == Decimal("80")
    assert in_july.actions[0].due_month == dt.date(2024, 3, 1)
    lines = TargetChangeRequest.objects.revision_lines([target_a.pk], month=july)
    assert lines[target_a.pk].startswith("Revised on ")
    assert TargetChangeRequest.objects.revision_lines([target_a.pk], month=may.month) == {}


def test_a_page_as_at_a_moment_before_the_approval_shows_the_old_promise_in_every_month(
    plan_a, lead_a, executive_a, open_may, target_a
):
    from django.utils import timezone

    from outcomes.services import decide_target_change, propose_target_change
    from progress.plan_state import plan_state

    before = timezone.now()
    change = propose_target_change(
        target=target_a,
        user=lead_a,
        reason="New survey",
        effective_month=dt.date(2023, 5, 1),
        target_value=80,
    )
    decide_target_change(request=change, user=executive_a, approve=True)
    for month in (dt.date(2023, 4, 1), dt.date(2023, 5, 1), dt.date(2023, 7, 1)):
        then = plan_state(plan_a, month=month, as_at=before)
        assert then.targets[0].target_value == Decimal("90")
    assert plan_state(plan_a, month=dt.date(2023, 4, 1)).targets[0].target_value == 90
    assert plan_state(plan_a, month=dt.date(2023, 5, 1)).targets[0].target_value == 80


def test_a_change_is_offered_to_take_effect_from_the_plans_open_month(
    client, plan_a, lead_a, open_may, target_a
):
    client.force_login(lead_a)
    page = client.get(_propose_url(plan_a, target_a)).content.decode()
    assert re.search(r'name="effective_month_0"[^>]*value="5"', page), page
    assert re.search(r'name="effective_month_1"[^>]*value="2023"', page)


def test_the_changes_page_as_at_a_date_lists_what_was_waiting_then(
    client, plan_a, lead_a, viewer_a, executive_a, open_may, target_a
):
    import time_machine
    from django.utils import timezone

    from outcomes.services import decide_target_change, propose_target_change

    def on(day):
        return time_machine.travel(timezone.make_aware(dt.datetime(2023, 5, day, 10)))

    with on(2):
        change = propose_target_change(
            target=target_a,
            user=lead_a,
            reason="New survey",
            effective_month=dt.date(2023, 5, 1),
            target_value=85,
        )
    with on(4):
        decide_target_change(request=change, user=executive_a, approve=True)
    client.force_login(viewer_a)
    url = reverse("progress:change_requests", kwargs={"plan_slug": plan_a.slug})
    assert "No change is waiting for a decision." in client.get(url).content.decode()
    then = client.get(url + "?as_at=2023-05-03").content.decode()
    assert "As it stood at the end of 3 May 2023." in then
    assert "Now 90; asked for 85" in then
    assert "No change is waiting" in client.get(url + "?as_at=2023-05-01").content.decode()
    assert client.get(url + "?as_at=2999-01-01").status_code == 400
