from django.urls import path

from .views import bundles, dashboard, national, pdf, plan, readiness, reviews

app_name = "reports"

# A forum's progress statements (reports/views/pdf.py).
FORUM_REPORTS = "areas/<slug:area_slug>/forums/<slug:forum_slug>/reports/"

urlpatterns = [
    # --- Advisers: every area of their regions (every area, nationally) ---------------
    path("advisers/areas/", national.regional, name="regional"),
    path("advisers/areas.csv", national.regional_csv, name="regional_csv"),
    # --- Plan pages (as they stand, or "as at" a date) ---------------------------------
    path("plans/<slug:plan_slug>/", plan.plan_detail, name="plan_detail"),
    path(
        "plans/<slug:plan_slug>/priorities/<int:number>/",
        plan.priority_detail,
        name="priority_detail",
    ),
    path("plans/<slug:plan_slug>/issues/<str:ref>/", plan.issue_detail, name="issue_detail"),
    path(
        "plans/<slug:plan_slug>/issues/<str:ref>/story-comment/",
        reviews.story_comment,
        name="story_comment",
    ),
    # --- Dashboard (charts, exceptions, milestones; "as at" a date too) ---------------
    path("plans/<slug:plan_slug>/dashboard/", dashboard.dashboard, name="dashboard"),
    path(
        "plans/<slug:plan_slug>/dashboard/items/",
        dashboard.dashboard_items,
        name="dashboard_items",
    ),
    # --- Inspection readiness (what an inspector would find weak; "as at" too) ----------
    path("plans/<slug:plan_slug>/readiness/", readiness.readiness, name="readiness"),
    # --- Monitoring-visit bundles (ZIP of the record and its evidence) ---------------
    path("plans/<slug:plan_slug>/bundles/", bundles.bundle_list, name="bundles"),
    path("plans/<slug:plan_slug>/bundles/<int:bundle_id>/", bundles.bundle_detail, name="bundle"),
    path(
        "plans/<slug:plan_slug>/bundles/<int:bundle_id>/retry/",
        bundles.bundle_retry,
        name="bundle_retry",
    ),
    path(
        "plans/<slug:plan_slug>/bundles/<int:bundle_id>/download/",
        bundles.bundle_download,
        name="bundle_download",
    ),
    # --- Forum progress statements (PDF): preview, issue, download ---------------------
    path(FORUM_REPORTS, pdf.forum_reports, name="forum_reports"),
    path(FORUM_REPORTS + "preview/", pdf.report_preview, name="report_preview"),
    path(FORUM_REPORTS + "preview.pdf", pdf.report_preview_pdf, name="report_preview_pdf"),
    path(FORUM_REPORTS + "issue/", pdf.report_issue, name="report_issue"),
    path(
        FORUM_REPORTS + "requests/<int:request_id>/",
        pdf.pack_request_detail,
        name="pack_request",
    ),
    path(
        FORUM_REPORTS + "requests/<int:request_id>/retry/",
        pdf.pack_request_retry,
        name="pack_request_retry",
    ),
    path(FORUM_REPORTS + "reviews/new/", reviews.review_send, name="partner_review_send"),
    path(
        FORUM_REPORTS + "reviews/<int:review_id>/",
        reviews.review_detail,
        name="partner_review",
    ),
    path(
        FORUM_REPORTS + "reviews/<int:review_id>/draft.pdf",
        reviews.review_draft_pdf,
        name="partner_review_draft",
    ),
    path(
        FORUM_REPORTS + "<int:report_id>/download/",
        pdf.issued_report_download,
        name="issued_report_download",
    ),
]
