from django.urls import path

from .views import dashboard, plan

app_name = "reports"

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
]
