from .hooks import plan_navigation


def sendplan(request):
    """The current area's name for the page header, when the view has set one, and the
    plan's navigation when the page is one of a plan's."""
    access = getattr(request, "plan_access", None)
    return {
        "current_area": getattr(request, "area", None),
        "plan_nav": plan_navigation(request, access) if access else [],
        "nav_plan": access.plan if access else None,
    }
