from django.urls import path

from . import views

app_name = "spreadsheets"

PAGE = "plans/<slug:plan_slug>/import-export/"

urlpatterns = [
    path(PAGE, views.import_export, name="import_export"),
    path(PAGE + "export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path(PAGE + "export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path(PAGE + "uploads/<int:import_id>/", views.preview, name="preview"),
    path(PAGE + "uploads/<int:import_id>/cancel/", views.cancel, name="cancel"),
]
