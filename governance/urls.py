from django.urls import path

from . import views

app_name = "governance"

FORUM = "areas/<slug:area_slug>/forums/<slug:forum_slug>/"
MEETING = FORUM + "meetings/<int:meeting_id>/"

urlpatterns = [
    path("areas/<slug:area_slug>/forums/", views.forum_list, name="forum_list"),
    path(FORUM, views.forum_detail, name="forum_detail"),
    path(FORUM + "meetings/add/", views.meeting_add, name="meeting_add"),
    path(MEETING, views.meeting_detail, name="meeting_detail"),
    path(MEETING + "date/", views.meeting_date_edit, name="meeting_date_edit"),
    path(MEETING + "attendance/", views.meeting_attendance_edit, name="meeting_attendance_edit"),
    path(MEETING + "decisions/add/", views.decision_add, name="decision_add"),
    path(
        MEETING + "decisions/<int:decision_id>/done/",
        views.decision_complete,
        name="decision_complete",
    ),
    path(
        MEETING + "decisions/<int:decision_id>/reopen/",
        views.decision_reopen,
        name="decision_reopen",
    ),
]
