def sendplan(request):
    """The current area's name for the page header, when the view has set one."""
    return {"current_area": getattr(request, "area", None)}
