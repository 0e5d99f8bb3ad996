"""A SEND lead writes the month's update; the programme manager sees it submitted; a second
save of the same item from a stale page is refused, showing what the other person saved."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from actions.models import ActionStatus, EntryState, StoryEntry
from outcomes.models import ImpactRating
from sendplan.models import ReportingMonth, Role
from sendplan.months import month_words, this_month
from sendplan.ratings import BRAGG
from sendplan.services import close_month, open_month
from tests import factories

PASSWORD = "correct horse battery staple"  # tests/factories.py UserFactory
# Chromium reports a page answered with an error status in the console; these pages do so
# on purpose (a form with errors is 400, a refused conflicting save 409).
EXPECTED_STATUS_LOGS = re.compile(r"status of (400|409)")


@pytest.fixture
def monthly(transactional_db):
    """A plan with its current month open: one action and a quantified target led by Jo,
    co-led by Tony; and a programme manager."""
    area = factories.AreaFactory(name="Darlington", slug="darlington")
    plan = factories.PlanFactory(
        area=area, title="Darlington Written Statement of Action", slug="darlington-wsoa"
    )
    month = this_month()
    factories.ReportingMonthFactory(plan=plan, month=month)
    priority = factories.PriorityFactory(plan=plan, number=1, title="Co-production")
    issue = factories.IssueFactory(
        priority=priority, ref="1.1", description="Co-production with parents and carers"
    )
    action = factories.ActionFactory(
        issue=issue, text="Consult with the parent carer forum on the local offer"
    )
    target = factories.OutcomeTargetFactory(
        issue=issue,
        action=action,
        text="90% of parents say the local offer is useful",
        unit="%",
        baseline=60,
        target_value=90,
    )
    users = {}
    for username, role, name in [
        ("jo", Role.SEND_LEAD, "Jo Littler"),
        ("tony", Role.SEND_LEAD, "Tony Murphy"),
        ("david", Role.PROGRAMME_MANAGER, "David Watson"),
    ]:
        first, last = name.split()
        users[username] = factories.UserFactory(username=username, first_name=first, last_name=last)
        factories.MembershipFactory(user=users[username], area=area, role=role)
        person = factories.PersonFactory(area=area, name=name, user=users[username])
        if role == Role.SEND_LEAD:
            factories.ActionLeadFactory(action=action, person=person)
    return {
        "plan": plan,
        "month": month,
        "issue": issue,
        "action": action,
        "target": target,
        "users": users,
    }


def _sign_in(page, live_server, user, axe=None):
    page.goto(f"{live_server.url}/sign-in/")
    if axe:
        axe(page, "sign-in")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


def _item(page, key):
    return page.locator(f"[data-item='{key}']")


def _allow_expected_status_logs(console):
    console.errors[:] = [e for e in console.errors if not EXPECTED_STATUS_LOGS.search(e)]


def test_a_lead_updates_the_month_and_the_programme_manager_sees_it_submitted(
    page, browser, live_server, monthly, axe, screenshot, console
):
    plan, action, target, issue = (
        monthly["plan"],
        monthly["action"],
        monthly["target"],
        monthly["issue"],
    )
    month = month_words(monthly["month"])
    my_updates = f"{live_server.url}/plans/{plan.slug}/my-updates/"

    # Jo signs in and opens her updates for the open month: a task list of every item she
    # leads, by issue, each with its state in words; the issue opens a short page of them.
    page.clock.install()
    _sign_in(page, live_server, monthly["users"]["jo"], axe)
    axe(page, "home-for-lead")
    page.goto(my_updates)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"My updates for {month}")
    expect(page.get_by_text("0 of 3 items submitted")).to_be_visible()
    expect(page.locator(".govuk-task-list__status").first).to_have_text("To do")
    axe(page, "my-updates-tasks")
    screenshot(page, "monthly-my-updates-tasks")
    page.get_by_role("link", name="1.1 Co-production with parents and carers").click()
    action_item = _item(page, f"action-{action.pk}")
    expect(action_item.get_by_label("Amber")).to_be_visible()
    axe(page, "my-updates")
    screenshot(page, "monthly-my-updates")

    # Red without a note is refused with a message naming the action and linked to the
    # note, and nothing is saved.
    action_item.get_by_label("Red").check()
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a note saying why the action is Red.")
    expect(summary).to_be_focused()
    assert not ActionStatus.objects.exists()
    axe(page, "my-updates-error")
    screenshot(page, "monthly-my-updates-error")

    # She rates the action Amber with a note, the target Green with the measured figure...
    action_item = _item(page, f"action-{action.pk}")
    action_item.get_by_label("Amber").check()
    action_item.get_by_label("Note").fill("The forum meets in two weeks; waiting for its view.")
    target_item = _item(page, f"target-{target.pk}")
    target_item.get_by_label("Green").check()
    target_item.get_by_label("Measured figure").fill("92")

    # ...and writes the story so far. A minute later the page has saved a draft on its own.
    story = _item(page, f"story-{issue.pk}").get_by_label(f"Story so far for {month}")
    story.fill(
        "Success: the forum co-wrote the new pages.\n\n"
        "Progress: 40 families tested them.\n\nRisks: none new.\n\nDelays: none."
    )
    page.clock.fast_forward("01:05")
    expect(page.locator("#autosave-status")).to_contain_text(
        re.compile(r"Draft saved at \d\d:\d\d")
    )
    entry = StoryEntry.objects.get(issue=issue)
    assert entry.state == EntryState.DRAFT
    assert "<p>Progress: 40 families tested them.</p>" in entry.narrative

    # She saves, checks and submits: one confirmation, and nothing left to do.
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("link", name="Check and submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check and submit")
    axe(page, "my-updates-check")
    page.get_by_role("button", name="Submit 3 updates").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Updates submitted")
    expect(page.locator(".govuk-panel__body")).to_have_text(f"{month}: 3 of 3 items submitted")
    expect(page.get_by_text(f"You have nothing left to update for {month}.")).to_be_visible()
    axe(page, "my-updates-submitted")
    screenshot(page, "monthly-submitted")
    assert ActionStatus.objects.get(action=action).status == BRAGG.AMBER
    assert ImpactRating.objects.get(target=target).state == EntryState.SUBMITTED

    # David, the programme manager, sees Jo's items submitted on the month page.
    manager = browser.new_context()
    manager_page = manager.new_page()
    manager_page.on("console", console.record)
    manager_page.on("pageerror", console.record_page_error)
    _sign_in(manager_page, live_server, monthly["users"]["david"])
    manager_page.goto(f"{live_server.url}/plans/{plan.slug}/months/")
    expect(manager_page.get_by_role("heading", level=1)).to_have_text(f"{month}: progress")
    jo_row = manager_page.locator("tr", has=manager_page.get_by_role("link", name="Jo Littler"))
    expect(jo_row.locator("td").nth(0)).to_have_text("3")  # submitted
    expect(jo_row.locator("td").nth(2)).to_have_text("0")  # missing
    jo_items = manager_page.locator("#lead-" + str(action.leads.get(name="Jo Littler").pk))
    expect(jo_items).to_be_visible()
    expect(manager_page.get_by_text("Submitted").first).to_be_visible()
    axe(manager_page, "month-progress")
    screenshot(manager_page, "monthly-programme-manager")

    manager_page.get_by_role("link", name=f"Close {month}").click()
    expect(manager_page.get_by_role("heading", level=1)).to_contain_text(f"close {month}")
    axe(manager_page, "close-month")
    screenshot(manager_page, "monthly-close-month")
    manager.close()
    _allow_expected_status_logs(console)


def test_a_second_save_from_a_stale_page_is_refused_and_shows_the_first(
    page, browser, live_server, monthly, axe, screenshot, console
):
    plan, action = monthly["plan"], monthly["action"]
    my_updates = f"{live_server.url}/plans/{plan.slug}/my-updates/"

    # Jo and Tony co-lead the action and both open the page of its issue.
    _sign_in(page, live_server, monthly["users"]["jo"])
    page.goto(my_updates + "1.1/")
    tony = browser.new_context()
    tony_page = tony.new_page()
    _sign_in(tony_page, live_server, monthly["users"]["tony"])
    tony_page.goto(my_updates + "1.1/")

    # Tony saves first.
    tony_item = _item(tony_page, f"action-{action.pk}")
    tony_item.get_by_label("Red").check()
    tony_item.get_by_label("Note").fill("Tony: the funding was withdrawn.")
    tony_page.get_by_role("button", name="Save and continue").click()
    expect(tony_page.get_by_text("Saved (1 changed)")).to_be_visible()
    tony.close()

    # Jo, still on the page she opened before, saves her own view: refused, nothing lost.
    jo_item = _item(page, f"action-{action.pk}")
    jo_item.get_by_label("Green").check()
    jo_item.get_by_label("Note").fill("Jo: all on track.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Your changes were not saved: someone else saved first"
    )
    conflict = page.locator(f"#conflict-action-{action.pk}")
    expect(conflict).to_contain_text("Tony Murphy saved this")
    expect(page.get_by_text("Tony: the funding was withdrawn.")).to_be_visible()
    expect(_item(page, f"action-{action.pk}").get_by_label("Note")).to_have_value(
        "Jo: all on track."
    )
    row = ActionStatus.objects.get(action=action)
    assert (row.status, row.note) == (BRAGG.RED, "Tony: the funding was withdrawn.")
    axe(page, "my-updates-conflict")
    screenshot(page, "monthly-conflict")
    _allow_expected_status_logs(console)


def test_a_page_left_open_for_last_month_saves_nothing_into_this_month(
    page, live_server, monthly, axe, screenshot, console
):
    plan, action = monthly["plan"], monthly["action"]
    this, last = monthly["month"], (monthly["month"] - dt.timedelta(days=1)).replace(day=1)
    # Last month is still open: leads are finishing its update.
    reporting_month = ReportingMonth.objects.get(plan=plan)
    reporting_month.month = last
    reporting_month.save()
    my_updates = f"{live_server.url}/plans/{plan.slug}/my-updates/"

    # Jo opens her updates for last month.
    page.clock.install()
    _sign_in(page, live_server, monthly["users"]["jo"])
    page.goto(my_updates)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"My updates for {month_words(last)}")
    page.goto(my_updates + "1.1/")

    # Meanwhile David closes last month and opens this one.
    david = monthly["users"]["david"]
    close_month(plan=plan, month=last, user=david)
    open_month(plan=plan, month=this, user=david)

    # Jo writes her note. A minute later the page tries to save a draft: it says why it
    # could not, rather than "Draft saved".
    note = _item(page, f"action-{action.pk}").get_by_label("Note")
    note.fill("Jo: written for last month.")
    page.clock.fast_forward("01:05")
    status = page.locator("#autosave-status")
    expect(status).to_contain_text(
        f"Draft not saved: {month_words(last)} is closed, so its updates are read-only."
    )
    expect(status).not_to_contain_text("Draft saved")
    screenshot(page, "monthly-autosave-month-closed")

    # She saves the page: refused, with her text still in the form and a way to this month.
    _item(page, f"action-{action.pk}").get_by_label("Amber").check()
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Your update was not saved")
    expect(summary).to_contain_text(f"{month_words(last)} is closed")
    expect(summary).to_be_focused()
    expect(_item(page, f"action-{action.pk}").get_by_label("Note")).to_have_value(
        "Jo: written for last month."
    )
    assert not ActionStatus.objects.exists()
    axe(page, "my-updates-month-closed")
    screenshot(page, "monthly-month-closed-while-open")

    summary.get_by_role("link", name=f"Go to your updates for {month_words(this)}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"My updates for {month_words(this)}")
    _allow_expected_status_logs(console)
