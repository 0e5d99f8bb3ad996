from django.apps import AppConfig


class SendplanConfig(AppConfig):
    name = "sendplan"
    verbose_name = "SEND plans"
