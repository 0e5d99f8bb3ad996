"""Issue 19's partner review in chromium: the programme manager sends the quarterly
statement to the parent carer forum; their reviewer signs off one priority and dissents on
another from their home page; issuing without a sign-off for another period demands a
reason; the issued packs (read with pypdf) hold the sign-off, the dissent and the reason
word for word, with names."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from reports.models import IssuedReport
from sendplan.models import Role
from tests import factories
from tests.builders import build_quarter_plan
from tests.reports.pdf_support import quarterly_forum

DISSENT = "Families in the north of the borough still wait months for a first reply."


@pytest.fixture
def forum(transactional_db):
    area = factories.AreaFactory(name="Darlington", slug="darlington")
    plan = factories.PlanFactory(area=area, title="Darlington WSoA", slug="darlington-wsoa")
    build_quarter_plan(plan)
    return quarterly_forum(area, plan)


def _member(area, username, role, first, last, organisation=""):
    user = factories.UserFactory(username=username, first_name=first, last_name=last)
    factories.MembershipFactory(user=user, area=area, role=role, organisation=organisation)
    return user


def _text(report) -> str:
    reader = PdfReader(io.BytesIO(bytes(report.content)))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_parent_carer_forum_signs_off_and_dissents_and_the_pack_prints_it(
    signed_in_page, live_server, forum, axe, screenshot, console
):
    manager = _member(forum.area, "darlington-pm", Role.PROGRAMME_MANAGER, "David", "Watson")
    pcf = _member(
        forum.area,
        "darlington-pcf",
        Role.PARTNER_REVIEWER,
        "Alex",
        "Morgan",
        organisation="Darlington Parent Carer Forum",
    )
    reports_url = f"{live_server.url}/areas/darlington/forums/{forum.slug}/reports/"

    # The manager tries to issue the April to June statement straight away: with a
    # partner reviewer in the area and no sign-off, a reason is asked for.
    page = signed_in_page(manager)
    page.goto(reports_url)
    page.locator("#issue-period").select_option(label="April to June 2023")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Summary commentary").fill("An early quarter.")
    page.get_by_role("button", name="Issue the report").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why the pack is issued without")
    reason = "The forum's reviewers were not yet appointed for this quarter."
    page.get_by_label("Why issue it without a partner's sign-off?").fill(reason)
    page.get_by_role("button", name="Issue the report").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("was issued.")
    first_pack = IssuedReport.objects.get()
    assert "Issued without a partner's sign-off." in _text(first_pack)
    assert reason in _text(first_pack)

    # The January to March statement goes to the partners first.
    page.goto(reports_url)
    page.get_by_role("link", name="Send a draft statement for partner review").click()
    axe(page, "partner-review-send")
    page.get_by_label("Period").select_option(label="January to March 2023")
    closes = timezone.localdate() + dt.timedelta(days=7)
    page.get_by_label("Day").fill(str(closes.day))
    page.get_by_label("Month").fill(str(closes.month))
    page.get_by_label("Year").fill(str(closes.year))
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("was sent to 1 partner reviewer")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The reviewer finds it on their home page and answers priority by priority.
    page = signed_in_page(pcf)
    page.get_by_role("link", name="Review the January to March 2023 statement").click()
    axe(page, "partner-review")
    screenshot(page, "partner-review")
    # Each priority's section is found by its title, as the reviewer reads it.
    titles = {p.number: p.title for p in forum.plan.priorities.all()}
    first = page.locator("section").filter(has_text=titles[1])
    first.get_by_role("radio", name="Signed off").check()
    first.get_by_label("Your words").fill("This matches what families tell us.")
    first.get_by_role("button", name="Save my answer on Priority 1").click()
    expect(page.get_by_text("is recorded. Thank you.")).to_be_visible()
    second = page.locator("section").filter(has_text=titles[2])
    second.get_by_role("radio", name="Dissent").check()
    second.get_by_role("button", name="Save my answer on Priority 2").click()
    # A dissent needs words: the answer is refused and nothing is lost.
    expect(page.get_by_text("Enter what does not reflect families")).to_be_visible()
    second = page.locator("section").filter(has_text=titles[2])
    second.get_by_label("Your words").fill(DISSENT)
    second.get_by_role("button", name="Save my answer on Priority 2").click()
    expect(page.get_by_text("is recorded. Thank you.")).to_be_visible()
    screenshot(page, "partner-review-answered")
    page.get_by_role("button", name="Sign out").click()

    # The manager issues it: the issue page shows what the partners said, no reason needed.
    page = signed_in_page(manager)
    page.goto(reports_url)
    page.locator("#issue-period").select_option(label="January to March 2023")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Sign-off and dissent so far")).to_be_visible()
    expect(page.get_by_label("Why issue it without a partner's sign-off?")).to_have_count(0)
    axe(page, "report-issue-with-partner-review")
    page.get_by_label("Summary commentary").fill("A steady quarter.")
    page.get_by_role("button", name="Issue the report").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("was issued.")

    pack = IssuedReport.objects.exclude(pk=first_pack.pk).get()
    text = _text(pack)
    assert "Signed off: this reflects families' experience" in text
    assert "This matches what families tell us." in text
    assert "Dissent: this does not reflect families' experience" in text
    assert DISSENT in text
    assert "Alex Morgan, Darlington Parent Carer Forum" in text
    # A refused form answers 400, as GOV.UK services do: the only console lines expected.
    console.errors[:] = [e for e in console.errors if "status of 400 (Bad Request)" not in e]
