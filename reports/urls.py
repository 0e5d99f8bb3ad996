from django.urls import path

from .views import dashboard, pdf, plan, readiness

app_name = "reports"

# A forum's progress statements (reports/views/pdf.py).
FORUM_REPORTS = "areas/<slug:area_slug>/forums/<slug:forum_slug>/reports/"

urlpatterns = [
    # --- Plan pages (as they stand, or "as at" a date) ---------------------------------
    path("plans/<slug:plan_slug>/", plan.plan_detail, name="plan_detail"),
    path(
        "plans/<slug:plan_slug>/priorities/<int:number>/",
        plan.priority_detail,
        name="priority_detail",
    ),
    path("plans/<slug:plan_slug>/issues/<str:ref>/", plan.issue_detail, name="issue_detail"),
    # --- Dashboard (charts, exceptions, milestones; "as at" a date too) ---------------
    path("plans/<slug:plan_slug>/dashboard/", dashboard.dashboard, name="dashboard"),
    path(
        "plans/<slug:plan_slug>/dashboard/items/",
        dashboard.dashboard_items,
        name="dashboard_items",
    ),
    # --- Inspection readiness (what an inspector would find weak; "as at" too) ----------
    path("plans/<slug:plan_slug>/readiness/", readiness.readiness, name="readiness"),
    # --- Forum progress statements (PDF): preview, issue, download ---------------------
    path(FORUM_REPORTS, pdf.forum_reports, name="forum_reports"),
    path(FORUM_REPORTS + "preview/", pdf.report_preview, name="report_preview"),
    path(FORUM_REPORTS + "preview.pdf", pdf.report_preview_pdf, name="report_preview_pdf"),
    path(FORUM_REPORTS + "issue/", pdf.report_issue, name="report_issue"),
    path(
        FORUM_REPORTS + "<int:report_id>/download/",
        pdf.issued_report_download,
        name="issued_report_download",
    ),
]
