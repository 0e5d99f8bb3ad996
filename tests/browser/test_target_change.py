"""A lead asks to change an outcome target's figure; an assurance executive member
approves it; the issue's page then says what it was (issue 19)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outcomes.models import OutcomeTarget
from sendplan.models import MonthStatus, Role
from tests import factories


@pytest.fixture
def people(transactional_db):
    area = factories.AreaFactory(name="Darlington", slug="darlington")
    plan = factories.PlanFactory(area=area, title="Darlington WSoA", slug="darlington-wsoa")
    factories.ReportingMonthFactory(
        plan=plan, month=timezone.localdate().replace(day=1), status=MonthStatus.OPEN
    )
    priority = factories.PriorityFactory(plan=plan, number=1, title="Meeting needs early")
    issue = factories.IssueFactory(priority=priority, ref="1.1", description="Tell it once")
    lead = factories.UserFactory(username="darlington-lead", first_name="Jo", last_name="Littler")
    factories.MembershipFactory(user=lead, area=area, role=Role.SEND_LEAD)
    person = factories.PersonFactory(area=area, name="Jo Littler", user=lead)
    action = factories.ActionFactory(
        issue=issue, text="Consult parent carers", due_month=dt.date(2030, 6, 1)
    )
    factories.ActionLeadFactory(action=action, person=person)
    factories.OutcomeTargetFactory(
        issue=issue,
        action=action,
        text="90% of parents say the plan is effective",
        unit="%",
        baseline=60,
        target_value=90,
    )
    executive = factories.UserFactory(
        username="darlington-sae", first_name="Sam", last_name="Okafor"
    )
    factories.MembershipFactory(user=executive, area=area, role=Role.ASSURANCE_EXECUTIVE)
    return lead, executive


def test_a_lead_asks_and_an_executive_approves_a_new_target_figure(
    signed_in_page, live_server, people, axe, screenshot
):
    lead, executive = people
    page = signed_in_page(lead)
    issue_url = f"{live_server.url}/plans/darlington-wsoa/issues/1.1/"
    page.goto(issue_url)
    page.get_by_role("link", name="Ask to change this outcome target").click()
    axe(page, "propose-target-change")
    page.get_by_label("Target figure").fill("80")
    page.get_by_role("button", name="Send for approval").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason for the change")
    axe(page, "propose-target-change-error")
    page.get_by_label("Reason for the change").fill("The survey changed its question")
    page.get_by_role("button", name="Send for approval").click()
    expect(page.get_by_text("Your change has been sent for approval.")).to_be_visible()
    assert OutcomeTarget.objects.get().target_value == 90  # the old figure stands

    page.context.clear_cookies()
    page = signed_in_page(executive)
    expect(page.get_by_text("1 change is waiting for your decision.")).to_be_visible()
    page.get_by_role("link", name="Approve or reject changes").click()
    axe(page, "change-requests")
    page.get_by_role("link", name="Decide what").click()
    expect(page.get_by_text("Now 90; asked for 80")).to_be_visible()
    axe(page, "decide-change")
    page.get_by_role("radio", name="Approve the change").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The change has been approved: it now stands.")).to_be_visible()

    page.goto(issue_url)
    expect(page.locator("#target-" + str(OutcomeTarget.objects.get().pk))).to_contain_text(
        "approved by Sam Okafor, was: Target figure 90"
    )
    screenshot(page, "target-revised")
