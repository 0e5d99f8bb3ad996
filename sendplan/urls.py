from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sendplan import two_factor, views

handler400 = views.bad_request

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign-in/verify/", two_factor.verify, name="otp_verify"),
    path("account/two-factor/", two_factor.setup, name="two_factor"),
    path(
        "account/two-factor/backup-codes/",
        two_factor.backup_codes,
        name="two_factor_backup_codes",
    ),
    path("account/two-factor/link/<str:token>/", two_factor.setup_link, name="two_factor_link"),
    path("account/two-factor/issue-link/", two_factor.issue_link, name="two_factor_issue_link"),
    path("health", views.health, name="health"),
    path("admin/", admin.site.urls),
    path("", include("reports.urls")),
    path("", include("progress.urls")),
    path("", include("governance.urls")),
    path("", include("evidence.urls")),
    path("", include("spreadsheets.urls")),
    path("", include("public.urls")),
]
