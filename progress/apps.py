from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "progress"

    def ready(self):
        from sendplan.access import Can
        from sendplan.hooks import NavLink, add_home_panel, add_nav_link

        from . import figures
        from .home import change_panels, month_panels

        figures.connect()

        add_home_panel(month_panels)
        add_home_panel(change_panels)
        add_nav_link(NavLink("My updates", "progress:my_updates", Can.UPDATE_OWN, 30))
        add_nav_link(NavLink("Months", "progress:month", Can.MANAGE_MONTHS, 40))
