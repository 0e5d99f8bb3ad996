from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "public progress summaries"

    def ready(self):
        from sendplan.access import Can
        from sendplan.hooks import NavLink, add_nav_link

        add_nav_link(NavLink("Public summary", "public:write", Can.ISSUE_REPORTS, 80))
