from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("public/<slug:area_slug>/<slug:plan_slug>/", views.summary, name="summary"),
    path("public/<slug:area_slug>/<slug:plan_slug>/pdf/", views.summary_pdf, name="pdf"),
    path(
        "public/<slug:area_slug>/<slug:plan_slug>/versions/<int:version_id>/",
        views.version,
        name="version",
    ),
    path("plans/<slug:plan_slug>/public-summary/", views.write, name="write"),
    path("plans/<slug:plan_slug>/public-summary/preview/", views.preview, name="preview"),
    path(
        "plans/<slug:plan_slug>/public-summary/readability/",
        views.readability,
        name="readability",
    ),
    path(
        "plans/<slug:plan_slug>/public-summary/versions/<int:version_id>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
]
