import datetime as dt

from django.urls import path, register_converter

from sendplan.months import parse_iso_month

from .views import changes, month, my_updates, tasks


class MonthConverter:
    """A month in a URL as YYYY-MM, given to the view as the first day of the month."""

    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        # BadMonthOrDate is a ValueError, which means "no match": a 404.
        return parse_iso_month(value)

    def to_url(self, value) -> str:
        if isinstance(value, dt.date):
            return f"{value:%Y-%m}"
        return str(value)


register_converter(MonthConverter, "yyyy-mm")

app_name = "progress"

urlpatterns = [
    # --- The monthly update: a task list, a short page per issue, a check and submit ----
    path("plans/<slug:plan_slug>/my-updates/", tasks.my_updates, name="my_updates"),
    path("plans/<slug:plan_slug>/my-updates/autosave/", my_updates.autosave, name="autosave"),
    path("plans/<slug:plan_slug>/my-updates/check/", tasks.my_check, name="my_check"),
    path(
        "plans/<slug:plan_slug>/my-updates/<str:section>/",
        my_updates.my_section,
        name="my_section",
    ),
    path(
        "plans/<slug:plan_slug>/leads/<int:person_id>/updates/",
        tasks.lead_updates,
        name="lead_updates",
    ),
    path(
        "plans/<slug:plan_slug>/leads/<int:person_id>/updates/check/",
        tasks.lead_check,
        name="lead_check",
    ),
    path(
        "plans/<slug:plan_slug>/leads/<int:person_id>/updates/<str:section>/",
        my_updates.lead_section,
        name="lead_section",
    ),
    # --- Changes to what the plan promised, asked for and approved (issue 19) ----------
    path("plans/<slug:plan_slug>/changes/", changes.change_requests, name="change_requests"),
    path(
        "plans/<slug:plan_slug>/changes/targets/<int:change_id>/",
        changes.decide_change,
        {"kind": "target"},
        name="decide_target_change",
    ),
    path(
        "plans/<slug:plan_slug>/changes/due-dates/<int:change_id>/",
        changes.decide_change,
        {"kind": "due-date"},
        name="decide_due_date_change",
    ),
    path(
        "plans/<slug:plan_slug>/targets/<int:target_id>/change/",
        changes.propose_target_change,
        name="propose_target_change",
    ),
    path(
        "plans/<slug:plan_slug>/actions/<int:action_id>/due-date/",
        changes.propose_due_date_change,
        name="propose_due_date_change",
    ),
    # --- The programme manager's months --------------------------------------------------
    path("plans/<slug:plan_slug>/months/", month.month_page, name="month"),
    path("plans/<slug:plan_slug>/months/open/", month.open_month_view, name="open_month"),
    path("plans/<slug:plan_slug>/months/<yyyy-mm:month>/", month.month_page, name="month_detail"),
    path(
        "plans/<slug:plan_slug>/months/<yyyy-mm:month>/close/",
        month.close_month_view,
        name="close_month",
    ),
    path(
        "plans/<slug:plan_slug>/months/<yyyy-mm:month>/remind/",
        month.send_reminders_view,
        name="send_reminders",
    ),
    path(
        "plans/<slug:plan_slug>/months/<yyyy-mm:month>/reopen/",
        month.reopen_month_view,
        name="reopen_month",
    ),
]
