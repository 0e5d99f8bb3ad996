from django.apps import AppConfig


class SpreadsheetsConfig(AppConfig):
    name = "spreadsheets"

    def ready(self):
        from sendplan.access import Can
        from sendplan.hooks import NavLink, add_nav_link

        add_nav_link(
            NavLink("Import and export", "spreadsheets:import_export", Can.IMPORT_EXPORT, 45)
        )
