from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        from governance import page_extras

        from . import governance_pages

        page_extras.add_to_forum_page(governance_pages.forum_page)
        page_extras.add_to_meeting_page(governance_pages.meeting_page)
