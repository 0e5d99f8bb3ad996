"""A plan's dashboard: what is off track at one glance, and the items behind each bar.

Everything here is computed from ``plan_state`` (live, or as the plan stood at a moment),
so the dashboard, the plan pages and the PDF reports count the same things. The modules:

- ``board``: the ``Dashboard`` of one month (``build_dashboard``) and the months to show;
- ``filters``: the filter form and the rule that keeps an item (``Filters``);
- ``charts``: the palette, the plotly figures' common parts and the charts by priority;
- ``trend``: the charts month by month, counted by the database;
- ``measures``: the quantified outcome targets' table and chart;
- ``milestones``: the milestones' status (``milestone_status``), table and timeline;
- ``exceptions``: the lists of what is off track;
- ``items``: the rows of those lists, and the items behind a bar (``bar_items``);
- ``text``: short forms of text for labels.

Each module's docstring writes down the decisions it carries.
"""

from progress.plan_state import NOT_RATED
from sendplan.ratings import word

from .board import Dashboard, build_dashboard, default_month, reporting_months
from .charts import COLOURS, FONT, NO_TEMPLATE, PATTERNS, TEXT_COLOURS, Chart
from .exceptions import ExceptionList
from .filters import DashboardFilterForm, Filters
from .items import (
    BAR_CHARTS,
    PRIORITY_CHARTS,
    TREND_CHARTS,
    BarItems,
    Item,
    bar_items,
    bar_items_link,
    dashboard_query,
)
from .milestones import (
    MILESTONE_COLOURS,
    MILESTONE_ORDER,
    MILESTONE_SYMBOLS,
    MilestoneRow,
    milestone_status,
)
from .text import plot_text, shorten, truncate
from .trend import TREND_MONTHS, TREND_TABLES

__all__ = [
    "BAR_CHARTS",
    "COLOURS",
    "FONT",
    "MILESTONE_COLOURS",
    "MILESTONE_ORDER",
    "MILESTONE_SYMBOLS",
    "NOT_RATED",
    "NO_TEMPLATE",
    "PATTERNS",
    "PRIORITY_CHARTS",
    "TEXT_COLOURS",
    "TREND_CHARTS",
    "TREND_MONTHS",
    "TREND_TABLES",
    "BarItems",
    "Chart",
    "Dashboard",
    "DashboardFilterForm",
    "ExceptionList",
    "Filters",
    "Item",
    "MilestoneRow",
    "bar_items",
    "bar_items_link",
    "build_dashboard",
    "dashboard_query",
    "default_month",
    "milestone_status",
    "plot_text",
    "reporting_months",
    "shorten",
    "truncate",
    "word",
]
