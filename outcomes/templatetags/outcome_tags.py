"""Template filters for outcome targets' figures."""

from django import template

from outcomes.figures import with_unit

register = template.Library()


@register.filter
def figure(value, unit: str = "") -> str:
    """{{ rating.measured_value|figure:target.unit }}: "56%", "53 weeks" (outcomes.figures)."""
    return with_unit(value, unit or "")
