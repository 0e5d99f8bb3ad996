from django.urls import path

from . import views

app_name = "evidence"

urlpatterns = [
    path(
        "plans/<slug:plan_slug>/evidence/<str:kind>/<int:item_id>/",
        views.item_evidence,
        name="item",
    ),
    path(
        "areas/<slug:area_slug>/decisions/<int:decision_id>/evidence/",
        views.decision_evidence,
        name="decision",
    ),
    path("areas/<slug:area_slug>/evidence/", views.area_evidence, name="area_evidence"),
    path(
        "areas/<slug:area_slug>/evidence/<int:evidence_id>/download/",
        views.download,
        name="download",
    ),
    path(
        "areas/<slug:area_slug>/evidence/<int:evidence_id>/withdraw/",
        views.withdraw_view,
        name="withdraw",
    ),
]
