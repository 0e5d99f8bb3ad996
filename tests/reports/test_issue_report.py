"""Issuing a progress statement: stored with its SHA-256, never changed, downloaded as issued."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from governance.periods import parse_period
from reports.models import IssuedReport
from reports.pdf.build import build_report
from reports.services import issue_report
from sendplan.models import Role
from sendplan.ratings import BRAGG
from tests import factories
from tests.builders import MARCH, RED_NOTE, build_quarter_plan

from .pdf_support import pdf_pages, quarterly_forum

Q1 = parse_period("2023-Q1")


@pytest.fixture
def forum(plan_a):
    build_quarter_plan(plan_a)
    return quarterly_forum(plan_a.area, plan_a)


@pytest.fixture
def issued(plan_a, forum, programme_manager_a):
    meeting = factories.MeetingFactory(
        forum=forum,
        scheduled_for=dt.date(2023, 4, 20),
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 3, 31),
    )
    return issue_report(
        plan=plan_a, forum=forum, period=Q1, meeting=meeting, user=programme_manager_a
    )


def _url(name, forum, **kwargs):
    return reverse(
        f"reports:{name}", kwargs={"area_slug": forum.area.slug, "forum_slug": forum.slug, **kwargs}
    )


def _download_url(report):
    return _url("issued_report_download", report.forum, report_id=report.pk)


# --- The service ---------------------------------------------------------------------


def test_an_issued_report_is_stored_with_its_sha256_size_pages_and_issuer(
    issued, programme_manager_a
):
    content = bytes(issued.content)
    assert content.startswith(b"%PDF-1.7")
    assert issued.sha256 == hashlib.sha256(content).hexdigest()
    assert issued.size == len(content)
    assert issued.page_count == len(pdf_pages(content))
    assert issued.issued_by == programme_manager_a
    assert issued.period_code == "2023-Q1"
    assert issued.meeting.scheduled_for == dt.date(2023, 4, 20)
    assert timezone.now() - issued.as_at < dt.timedelta(minutes=5)
    assert issued.history.get().history_user == programme_manager_a


def test_an_issued_report_says_it_was_issued_for_the_meeting(issued):
    cover = pdf_pages(bytes(issued.content))[0]
    assert "Issued to SEND Assurance Executive" in cover
    assert "Meeting SEND Assurance Executive meeting of 20 April 2023" in cover
    assert "Preview" not in cover


def test_an_issued_report_never_changes(issued):
    issued.title = "Rewritten"
    with pytest.raises(ValidationError):
        issued.save()
    with pytest.raises(ValidationError):
        issued.delete()
    stored = IssuedReport.objects.get()
    assert stored.title.startswith("Quarterly progress statement")
    assert stored.history.count() == 1


def test_a_forum_of_another_area_cannot_be_given_the_plan(plan_a, plan_b, programme_manager_a):
    other_forum = quarterly_forum(plan_b.area, plan_b)
    with pytest.raises(ValidationError):
        issue_report(plan=plan_a, forum=other_forum, period=Q1, user=programme_manager_a)
    assert not IssuedReport.objects.exists()


def test_a_later_preview_as_at_the_issue_carries_the_same_content(
    issued, plan_a, forum, programme_manager_a
):
    # After the report was issued, the lead rewrites March's rating and its note.
    status = plan_a.action_statuses.get(status=BRAGG.RED, month=MARCH)
    status.status, status.note = BRAGG.AMBER, "Changed after the meeting"
    status._history_user = programme_manager_a
    status.save()

    issued_pages = pdf_pages(bytes(issued.content))
    rebuilt = build_report(
        plan=plan_a, forum=forum, period=Q1, as_at=issued.as_at, user=programme_manager_a
    )
    rebuilt_pages = pdf_pages(rebuilt.pdf.content)
    assert len(rebuilt_pages) == len(issued_pages)
    # Everything after the cover is the same, but for the footer saying it is a preview.
    for issued_page, rebuilt_page in zip(issued_pages[1:], rebuilt_pages[1:], strict=True):
        assert rebuilt_page.replace("Preview – not issued", "Issued") == issued_page
    assert RED_NOTE in " ".join(rebuilt_pages)

    live = " ".join(pdf_pages(build_report(plan=plan_a, forum=forum, period=Q1).pdf.content))
    assert "Changed after the meeting" in live


def test_the_next_report_says_what_changed_since_the_issued_one(
    issued, plan_a, forum, programme_manager_a
):
    action = plan_a.actions.get(text="Buy the portal (1)")
    factories.ActionStatusFactory(action=action, month=dt.date(2023, 4, 1), status=BRAGG.GREEN)
    action.due_month = dt.date(2023, 9, 1)
    action.due_revised_reason = "The supplier needs the summer"
    action._history_user = programme_manager_a
    action.save()
    text = " ".join(
        pdf_pages(
            build_report(plan=plan_a, forum=forum, period=parse_period("2023-Q2")).pdf.content
        )
    )
    changed = text[text.index("What changed Since") :]
    assert "Since the report for January to March 2023 issued to this forum on" in changed
    assert "Due dates that slipped (1)" in changed
    assert "June 2023 September 2023 The supplier needs the summer" in changed


# --- Downloading -----------------------------------------------------------------------


def test_a_member_downloads_the_issued_file_byte_for_byte_every_time(client, issued, viewer_a):
    client.force_login(viewer_a)
    first = client.get(_download_url(issued))
    second = client.get(_download_url(issued))
    assert first.status_code == second.status_code == 200
    assert first.content == second.content == bytes(issued.content)
    assert hashlib.sha256(first.content).hexdigest() == issued.sha256
    assert first["ETag"] == f'"{issued.sha256}"'
    assert first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"] == (
        'attachment; filename="area-a-wsoa-send-assurance-executive-2023-Q1.pdf"'
    )


def test_a_download_with_the_etag_it_already_has_gets_not_modified(client, issued, viewer_a):
    client.force_login(viewer_a)
    response = client.get(_download_url(issued), headers={"if-none-match": f'"{issued.sha256}"'})
    assert response.status_code == 304
    assert response.content == b""


def test_the_assurance_executive_member_downloads_the_quarterly_statement(client, issued, area_a):
    member = factories.UserFactory(username="sae-a")
    factories.MembershipFactory(user=member, area=area_a, role=Role.ASSURANCE_EXECUTIVE)
    client.force_login(member)
    page = client.get(_url("forum_reports", issued.forum))
    assert _download_url(issued) in page.content.decode()
    assert client.get(_download_url(issued)).content == bytes(issued.content)


def test_anonymous_visitors_are_sent_to_sign_in(client, issued):
    for url in [
        _download_url(issued),
        _url("forum_reports", issued.forum),
        _url("report_preview", issued.forum) + "?period=2023-Q1",
        _url("report_preview_pdf", issued.forum) + "?period=2023-Q1",
        _url("report_issue", issued.forum) + "?period=2023-Q1",
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_user_of_another_area_gets_not_found_and_changes_nothing(client, issued, lead_b):
    client.force_login(lead_b)
    assert client.get(_download_url(issued)).status_code == 404
    assert client.get(_url("forum_reports", issued.forum)).status_code == 404
    assert (
        client.get(_url("report_preview_pdf", issued.forum) + "?period=2023-Q1").status_code == 404
    )
    response = client.post(_url("report_issue", issued.forum), {"period": "2023-Q1"})
    assert response.status_code == 404
    assert IssuedReport.objects.count() == 1


# --- Previewing and issuing through the pages ----------------------------------------


def test_a_viewer_can_neither_preview_nor_issue(client, forum, viewer_a):
    client.force_login(viewer_a)
    assert client.get(_url("report_preview", forum) + "?period=2023-Q1").status_code == 403
    assert client.get(_url("report_preview_pdf", forum) + "?period=2023-Q1").status_code == 403
    assert client.get(_url("report_issue", forum) + "?period=2023-Q1").status_code == 403
    assert client.post(_url("report_issue", forum), {"period": "2023-Q1"}).status_code == 403
    assert not IssuedReport.objects.exists()
    page = client.get(_url("forum_reports", forum)).content.decode()
    assert "Build a preview" not in page
    assert "Issue a report" not in page


def test_the_preview_page_says_the_report_is_being_built_then_fetches_it(
    client, forum, programme_manager_a
):
    client.force_login(programme_manager_a)
    page = client.get(_url("report_preview", forum) + "?period=2023-Q1")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Building the report…" in html
    pdf_url = _url("report_preview_pdf", forum) + "?period=2023-Q1"
    assert f'http-equiv="refresh" content="0;url={pdf_url}' in html.replace("&amp;", "&")
    response = client.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="preview-')
    assert "Preview – not issued" in pdf_pages(response.content)[0]


def test_a_preview_as_at_a_date_is_built_from_the_history_of_that_day(
    client, forum, programme_manager_a
):
    client.force_login(programme_manager_a)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.get(
        _url("report_preview_pdf", forum) + f"?period=2023-Q1&as_at={yesterday:%Y-%m-%d}"
    )
    cover = pdf_pages(response.content)[0]
    assert f"As at {yesterday:%-d %B %Y}, 23:59" in cover
    # The plan was written today, so as at yesterday it has no actions yet.
    assert "0 actions and 0 outcome targets" in pdf_pages(response.content)[2]


def test_a_period_not_in_the_list_is_refused_with_a_message(client, forum, programme_manager_a):
    client.force_login(programme_manager_a)
    response = client.get(_url("report_preview", forum) + "?period=2023-04")
    assert response.status_code == 400
    assert "Select a period from the list." in response.content.decode()


def test_the_programme_manager_confirms_then_issues_the_report(client, forum, programme_manager_a):
    client.force_login(programme_manager_a)
    confirm = client.get(_url("report_issue", forum) + "?period=2023-Q1&meeting=")
    html = confirm.content.decode()
    assert "Issue the quarterly progress statement for January to March 2023" in html
    assert "cannot be changed or withdrawn" in html
    assert not IssuedReport.objects.exists()

    response = client.post(
        _url("report_issue", forum),
        {"period": "2023-Q1", "meeting": "", "summary": "A steady quarter."},
    )
    assert response.status_code == 302
    assert response["Location"] == _url("forum_reports", forum)
    report = IssuedReport.objects.get()
    assert report.issued_by == programme_manager_a
    page = client.get(response["Location"]).content.decode()
    assert "was issued" in page
    assert _download_url(report) in page


def test_issuing_needs_a_post_with_a_csrf_token(forum, programme_manager_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(programme_manager_a)
    response = client.post(_url("report_issue", forum), {"period": "2023-Q1"})
    assert response.status_code == 403
    assert not IssuedReport.objects.exists()


def test_the_forum_page_lists_reports_with_the_same_queries_however_many(
    client, forum, plan_a, programme_manager_a, viewer_a, django_assert_max_num_queries
):
    def issue_copy(period_code):
        # Stored without rendering: the list never reads the content.
        period = parse_period(period_code)
        IssuedReport(
            plan=plan_a,
            forum=forum,
            period_code=period.code,
            period_label=period.label,
            period_start=period.start,
            period_end=period.end,
            as_at=timezone.now(),
            title=f"Quarterly progress statement, {period.label}",
            filename="x.pdf",
            content=b"%PDF-1.7 test",
            page_count=1,
            issued_by=programme_manager_a,
            issued_at=timezone.now(),
        ).save()

    client.force_login(viewer_a)
    issue_copy("2023-Q1")
    # Session, user, area, memberships, people (access); forum with its plan; issued
    # reports with their meetings and issuers (no session save: renewed at sign-in).
    with django_assert_max_num_queries(7):
        assert client.get(_url("forum_reports", forum)).status_code == 200
    for code in ["2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4"]:
        issue_copy(code)
    with django_assert_max_num_queries(10):
        page = client.get(_url("forum_reports", forum)).content.decode()
    assert page.count("Download") >= 5


def test_the_forms_offer_the_plans_periods_and_start_at_the_last_closed_one(
    client, forum, programme_manager_a
):
    client.force_login(programme_manager_a)
    page = client.get(_url("forum_reports", forum)).content.decode()
    # Reporting months run from January (closed) to April 2023 (open).
    assert '<option value="2023-Q2">April to June 2023</option>' in page
    assert '<option value="2023-Q1" selected>January to March 2023</option>' in page
    assert "2022-Q4" not in page


def test_the_forum_page_shows_the_newest_six_reports_and_links_to_them_all(
    client, plan_a, forum, programme_manager_a, viewer_a
):
    # Stored rows stand in for real PDFs: the forum page lists them and never reads the bytes.
    for month in range(1, 9):
        IssuedReport.objects.create(
            plan=plan_a,
            forum=forum,
            period_code=f"2023-{month:02d}",
            period_label=f"Month {month} of 2023",
            period_start=dt.date(2023, month, 1),
            period_end=dt.date(2023, month, 1),
            as_at=timezone.now(),
            title=f"Statement {month}",
            filename=f"statement-{month}.pdf",
            content=b"%PDF-1.7 stand-in",
            page_count=1,
            issued_by=programme_manager_a,
            issued_at=timezone.now(),
        )
    client.force_login(viewer_a)
    forum_page = reverse("governance:forum_detail", args=[forum.area.slug, forum.slug])

    body = client.get(forum_page).content.decode()

    shown = [m for m in range(1, 9) if f"Month {m} of 2023" in body]
    assert shown == [3, 4, 5, 6, 7, 8]  # the newest periods
    assert f'href="{_url("forum_reports", forum)}">All reports issued to' in body
    every = client.get(_url("forum_reports", forum)).content.decode()
    assert all(f"Month {m} of 2023" in every for m in range(1, 9))


def test_the_meeting_page_links_its_issued_report_and_its_periods_statement(
    client, issued, viewer_a
):
    client.force_login(viewer_a)
    meeting_page = reverse(
        "governance:meeting_detail",
        args=[issued.forum.area.slug, issued.forum.slug, issued.meeting.pk],
    )

    body = client.get(meeting_page).content.decode()

    assert f'href="{_download_url(issued)}">{issued.title}</a>' in body
    preview = _url("report_preview", issued.forum) + "?period=2023-Q1&amp;as_at=2023-04-20"
    assert f'href="{preview}"' in body
