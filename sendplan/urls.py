from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sendplan import views

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("health", views.health, name="health"),
    path("admin/", admin.site.urls),
    path("", include("reports.urls")),
    path("", include("actions.urls")),
    path("", include("governance.urls")),
]
