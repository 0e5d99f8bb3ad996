"""The reports issued to a forum, as governance's forum and meeting pages list them.

Governance knows nothing of reports: ``ReportsConfig.ready()`` adds these to its pages
(``governance.page_extras``). The PDF bytes stay in the database: a list needs only the
reports' titles and dates.
"""

from __future__ import annotations

from governance.models import Forum, Meeting

ISSUED_REPORTS_TEMPLATE = "reports/issued_reports_list.html"
ISSUED_REPORTS_SHOWN = 6


def forum_page(forum: Forum) -> dict:
    """The newest few reports issued to the forum; the forum's reports page lists them all."""
    issued = forum.issued_reports.defer("content").select_related("meeting", "issued_by")
    shown = list(issued[: ISSUED_REPORTS_SHOWN + 1])
    return {
        "issued_reports": shown[:ISSUED_REPORTS_SHOWN],
        "more_issued_reports": len(shown) > ISSUED_REPORTS_SHOWN,
        "issued_reports_template": ISSUED_REPORTS_TEMPLATE,
    }


def meeting_page(meeting: Meeting) -> dict:
    """The reports issued for the meeting, newest first."""
    return {"issued_reports": list(meeting.issued_reports.defer("content").order_by("-issued_at"))}
