from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SendplanConfig(AppConfig):
    default = True  # this module also holds the admin's config, below
    name = "sendplan"
    verbose_name = "SEND plans"

    def ready(self):
        from . import security_signals  # noqa: F401  (connects the receivers)
        from .audit_log import install_log_context

        install_log_context()


class SendplanAdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site, which asks for an authenticator code (sendplan.otp)."""

    default = False
    default_site = "sendplan.otp.SendplanAdminSite"
