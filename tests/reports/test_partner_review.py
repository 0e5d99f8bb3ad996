"""Partner review (issue 19): the parent carer forum signs off or dissents, priority by
priority, on a draft statement, and the issued pack prints their words verbatim; a pack
nobody signed off is issued only with a reason, printed in it."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from reports import reviews
from reports.models import IssuedReport, PartnerReview, ReviewDecision, ReviewResponse
from sendplan.models import Role
from tests import factories
from tests.builders import build_quarter_plan

from .pdf_support import pdf_pages, quarterly_forum

DISSENT = "Families tell us waits are still long.\nThe report says otherwise."


@pytest.fixture
def forum(plan_a):
    build_quarter_plan(plan_a)
    return quarterly_forum(plan_a.area, plan_a)


@pytest.fixture
def reviewer(area_a):
    user = factories.UserFactory(
        username="pcf", first_name="Alex", last_name="Morgan", email="pcf@example.org"
    )
    factories.MembershipFactory(
        user=user,
        area=area_a,
        role=Role.PARTNER_REVIEWER,
        organisation="Example Parent Carer Forum",
    )
    return user


def _url(name, forum, **kwargs):
    return reverse(
        f"reports:{name}",
        kwargs={"area_slug": forum.area.slug, "forum_slug": forum.slug, **kwargs},
    )


def _send(client, forum, closes_on):
    return client.post(
        _url("partner_review_send", forum),
        {
            "period": "2023-Q1",
            "closes_on_0": closes_on.day,
            "closes_on_1": closes_on.month,
            "closes_on_2": closes_on.year,
            "message": "Please read by Friday.",
        },
    )


def _answer(client, review, priority, decision, words=""):
    return client.post(
        review.get_absolute_url(),
        {
            "priority": priority.pk,
            f"p{priority.pk}-decision": decision,
            f"p{priority.pk}-words": words,
        },
    )


def test_the_manager_sends_the_draft_and_the_reviewer_is_told(
    client, forum, reviewer, programme_manager_a, django_capture_on_commit_callbacks
):
    client.force_login(programme_manager_a)
    closes = timezone.localdate() + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, forum, closes)
    review = PartnerReview.objects.get()
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    assert review.period_code == "2023-Q1" and review.closes_on == closes
    assert review.history.get().history_user == programme_manager_a
    assert [m.to for m in mail.outbox] == [["pcf@example.org"]]
    assert "Please read by Friday." in mail.outbox[0].body
    assert review.get_absolute_url() in mail.outbox[0].body

    client.force_login(reviewer)
    home = client.get(reverse("home")).content.decode()
    assert "Statements waiting for your review" in home
    assert review.get_absolute_url() in home


def test_a_closing_date_in_the_past_and_an_area_with_no_reviewers_are_refused(
    client, forum, programme_manager_a
):
    client.force_login(programme_manager_a)
    response = _send(client, forum, timezone.localdate() + dt.timedelta(days=3))
    assert response.status_code == 400
    assert "This area has no partner reviewers yet" in response.content.decode()
    factories.MembershipFactory(
        user=factories.UserFactory(), area=forum.area, role=Role.PARTNER_REVIEWER
    )
    response = _send(client, forum, timezone.localdate() - dt.timedelta(days=1))
    assert response.status_code == 400
    assert "Enter a closing date that is today or later" in response.content.decode()
    assert not PartnerReview.objects.exists()


def test_the_reviewer_signs_off_one_priority_and_dissents_on_another(
    client, forum, plan_a, reviewer, programme_manager_a, lead_a
):
    first, second = plan_a.priorities.order_by("number")
    review = reviews.send_for_review(
        plan=plan_a,
        forum=forum,
        period=_q1(),
        closes_on=timezone.localdate(),
        user=programme_manager_a,
    )
    client.force_login(reviewer)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Does this reflect families&#x27; experience?" in page
    assert _url("partner_review_draft", forum, review_id=review.pk) in page

    refused = _answer(client, review, second, ReviewDecision.DISSENT, "  ")
    assert refused.status_code == 400
    assert "Enter what does not reflect families" in refused.content.decode()
    assert _answer(client, review, first, ReviewDecision.SIGNED_OFF).status_code == 302
    assert _answer(client, review, second, ReviewDecision.DISSENT, DISSENT).status_code == 302
    answers = {r.priority_id: r for r in ReviewResponse.objects.all()}
    assert answers[first.pk].decision == ReviewDecision.SIGNED_OFF
    assert answers[second.pk].words == DISSENT.strip()
    assert answers[second.pk].organisation == "Example Parent Carer Forum"
    assert answers[second.pk].history.get().history_user == reviewer

    # A lead is not a partner reviewer: no answering, not even reading the answers.
    client.force_login(lead_a)
    assert client.get(review.get_absolute_url()).status_code == 403
    assert _answer(client, review, first, ReviewDecision.DISSENT, "x").status_code == 403

    # After the closing date nothing more is taken.
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        client.force_login(reviewer)
        late = _answer(client, review, first, ReviewDecision.DISSENT, "Too late")
        assert late.status_code == 302
        assert "This review closed on" in client.get(late["Location"]).content.decode()
    assert ReviewResponse.objects.get(priority=first).decision == ReviewDecision.SIGNED_OFF


def test_the_issued_pack_holds_the_sign_off_and_the_dissent_verbatim_with_names(
    client, forum, plan_a, reviewer, programme_manager_a
):
    first, second = plan_a.priorities.order_by("number")
    review = reviews.send_for_review(
        plan=plan_a,
        forum=forum,
        period=_q1(),
        closes_on=timezone.localdate(),
        user=programme_manager_a,
    )
    reviews.record_response(
        review=review,
        reviewer=reviewer,
        priority=first,
        decision=ReviewDecision.SIGNED_OFF,
        words="This matches what families say.",
    )
    reviews.record_response(
        review=review,
        reviewer=reviewer,
        priority=second,
        decision=ReviewDecision.DISSENT,
        words=DISSENT,
    )
    client.force_login(programme_manager_a)
    issue = client.get(_url("report_issue", forum) + "?period=2023-Q1").content.decode()
    assert "Sign-off and dissent so far" in issue
    assert "Why issue it without" not in issue  # someone signed off: no reason needed
    client.post(_url("report_issue", forum), {"period": "2023-Q1", "summary": "A quarter."})
    report = IssuedReport.objects.get()
    text = " ".join(" ".join(pdf_pages(bytes(report.content))).split())
    assert "Partner review" in text
    assert "This matches what families say." in text
    assert "Families tell us waits are still long. The report says otherwise." in text
    assert "Alex Morgan, Example Parent Carer Forum" in text
    assert "Dissent: this does not reflect families' experience" in text
    assert report.partner_review["responses"][1]["words"] == DISSENT


def test_a_pack_nobody_signed_off_is_issued_only_with_a_reason_printed_in_it(
    client, forum, reviewer, programme_manager_a
):
    client.force_login(programme_manager_a)
    response = client.post(_url("report_issue", forum), {"period": "2023-Q1", "summary": "Q."})
    assert response.status_code == 400
    assert "Enter why the pack is issued without a partner" in response.content.decode()
    assert not IssuedReport.objects.exists()
    reason = "The parent carer forum could not meet before the board."
    client.post(
        _url("report_issue", forum),
        {"period": "2023-Q1", "summary": "Q.", "without_signoff_reason": reason},
    )
    report = IssuedReport.objects.get()
    text = " ".join(" ".join(pdf_pages(bytes(report.content))).split())
    assert "Issued without a partner's sign-off." in text
    assert reason in text


def test_an_area_without_partner_reviewers_issues_as_before(client, forum, programme_manager_a):
    client.force_login(programme_manager_a)
    client.post(_url("report_issue", forum), {"period": "2023-Q1", "summary": "Q."})
    report = IssuedReport.objects.get()
    assert "Partner review" not in " ".join(pdf_pages(bytes(report.content)))


def test_reviewers_are_reminded_at_most_once_a_day_until_they_answer_everything(
    forum, plan_a, reviewer, programme_manager_a
):
    review = reviews.send_for_review(
        plan=plan_a,
        forum=forum,
        period=_q1(),
        closes_on=timezone.localdate() + dt.timedelta(days=5),
        user=programme_manager_a,
    )
    mail.outbox.clear()
    assert reviews.send_review_reminders().sent == 1
    assert reviews.send_review_reminders().already == 1
    assert len(mail.outbox) == 1 and "0 of 2 priorities" in mail.outbox[0].body
    for priority in plan_a.priorities.all():
        reviews.record_response(
            review=review,
            reviewer=reviewer,
            priority=priority,
            decision=ReviewDecision.SIGNED_OFF,
            words="",
        )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert reviews.send_review_reminders(today=tomorrow).sent == 0


def _q1():
    from governance.periods import parse_period

    return parse_period("2023-Q1")


def test_the_review_page_as_at_a_past_date_shows_the_answers_as_they_stood_then(
    client, forum, plan_a, reviewer, programme_manager_a
):
    first, _second = plan_a.priorities.order_by("number")
    sent = timezone.make_aware(dt.datetime(2023, 4, 3, 9))
    with time_machine.travel(sent, tick=False):
        review = reviews.send_for_review(
            plan=plan_a, forum=forum, period=_q1(), closes_on=dt.date(2023, 4, 20),
            user=programme_manager_a,
        )  # fmt: skip
    with time_machine.travel(sent + dt.timedelta(days=1), tick=False):
        reviews.record_response(
            review=review, reviewer=reviewer, priority=first,
            decision=ReviewDecision.DISSENT, words="Waits are still long.",
        )  # fmt: skip
    with time_machine.travel(sent + dt.timedelta(days=3), tick=False):
        reviews.record_response(
            review=review, reviewer=reviewer, priority=first,
            decision=ReviewDecision.SIGNED_OFF, words="Better since the new panel.",
        )  # fmt: skip
    client.force_login(reviewer)
    url = review.get_absolute_url()

    then = client.get(url + "?as_at=2023-04-05").content.decode()
    assert "As it stood at the end of 5 April 2023." in then
    assert "Waits are still long." in then
    assert "Better since the new panel." not in then
    assert "Save my answer" not in then  # nothing is answered on the past

    now = client.get(url).content.decode()
    assert "Better since the new panel." in now
    assert "Waits are still long." not in now

    before = client.get(url + "?as_at=2023-04-01").content.decode()
    assert "The draft had not been sent for review yet." in before
    assert "No answers yet." in before

    assert client.get(url + "?as_at=2999-01-01").status_code == 400
