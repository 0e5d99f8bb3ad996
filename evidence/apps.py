from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "evidence"

    def ready(self):
        from actions.hooks import set_evidence_count
        from governance.page_extras import add_to_meeting_page
        from progress.readiness import add_blue_evidence_check
        from sendplan.hooks import add_home_panel

        from .hooks import (
            action_evidence_count,
            blue_without_evidence,
            meeting_evidence,
            quota_panels,
        )

        set_evidence_count(action_evidence_count)
        add_to_meeting_page(meeting_evidence)
        add_home_panel(quota_panels)
        add_blue_evidence_check(blue_without_evidence)
