from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"

    def ready(self):
        from sendplan.access import Can
        from sendplan.hooks import NavLink, add_home_panel, add_nav_link

        from .home import meeting_panels

        add_home_panel(meeting_panels)
        add_nav_link(
            NavLink("Forums and reports", "governance:forum_list", Can.VIEW, 50, "area_slug")
        )
