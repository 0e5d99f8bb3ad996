from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        from governance import page_extras

        from . import governance_pages

        page_extras.add_to_forum_page(governance_pages.forum_page)
        page_extras.add_to_meeting_page(governance_pages.meeting_page)

        from sendplan.access import Can
        from sendplan.hooks import NavLink, add_home_panel, add_nav_link

        from .home import report_panels, review_panels

        add_home_panel(report_panels)
        add_home_panel(review_panels)
        add_nav_link(NavLink("Plan", "reports:plan_detail", Can.VIEW, 10))
        add_nav_link(NavLink("Dashboard", "reports:dashboard", Can.VIEW, 20))
