"""F22: fuzzing. Every form of ours, given 200 hypothesis examples of hostile input,
raises no unhandled exception; every URL pattern, given random ints and strings as its
arguments (and as the plan pages' ?as_at and ?month), answers 4xx or 3xx, never 500."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.periods import parse_period
from sendplan.models import Region

from .conftest import client_for
from .urlwalk import SAMPLE_KWARGS, all_routes, url_for

OUR_APPS = [
    "sendplan",
    "actions",
    "outcomes",
    "progress",
    "governance",
    "evidence",
    "reports",
    "spreadsheets",
    "demo",
]
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)

# --- Forms -------------------------------------------------------------------------------


def _items(world):
    from progress.items import month_items
    from progress.plan_state import plan_state

    state = plan_state(world.plan, month=world.open_month.month, include_drafts=True, months=1)
    return {item.kind: item for item in month_items(state)}, state


def _item_form(kind):
    def kwargs(world):
        items, _ = _items(world)
        return {"item": items[kind], "month": world.open_month.month, "prefix": items[kind].key}

    return kwargs


# How to build each form that needs more than data; a new form needing arguments that is
# not here fails test_every_form_is_known.
FORM_KWARGS = {
    "sendplan.views.SignInForm": lambda w: {"request": RequestFactory().post("/sign-in/")},
    "actions.forms.ActionUpdateForm": _item_form("action"),
    "actions.forms.StoryForm": _item_form("story"),
    "outcomes.forms.TargetUpdateForm": _item_form("target"),
    "reports.forms.CommentaryForm": lambda w: {"priorities": w.plan.priorities.all()},
    "governance.forms.AttendanceForm": lambda w: {
        "members": list(w.forum.members.select_related("person")),
        "current": {},
    },
    "governance.forms.DecisionForm": lambda w: {"forum": w.forum},
    "reports.dashboard.filters.DashboardFilterForm": lambda w: {"state": _items(w)[1]},
    "spreadsheets.forms.PlanImportForm": lambda w: {"user": w.users["admin"]},
    "reports.views.pdf.ReportForm": lambda w: {"forum": w.forum},
    "reports.views.pdf.IssueForm": lambda w: {"forum": w.forum},
    "reports.views.bundles.BundleForm": lambda w: {"plan": w.plan},
    "spreadsheets.forms.PlanPageImportForm": lambda w: {"plan": w.plan},
    "reports.forms.SendForReviewForm": lambda w: {"periods": [parse_period("2023-04")]},
    "reports.forms.ReviewResponseForm": lambda w: {"priority": w.priority},
    "outcomes.forms.TargetChangeForm": lambda w: {"target": w.target},
    "reports.views.national.RegionalFilterForm": lambda w: {"regions": Region.objects.all()},
}
# Bases that are never used on their own.
ABSTRACT = {"actions.forms.ItemForm", "progress.forms._Helped"}


def our_forms() -> dict[str, type[forms.BaseForm]]:
    found = {}
    for app in OUR_APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module_info.name or ".management" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for name, value in vars(module).items():
                if (
                    inspect.isclass(value)
                    and issubclass(value, forms.BaseForm)
                    and value.__module__ == module.__name__
                ):
                    found[f"{value.__module__}.{name}"] = value
    return {name: cls for name, cls in found.items() if name not in ABSTRACT}


def _needs_arguments(cls) -> bool:
    for parameter in inspect.signature(cls.__init__).parameters.values():
        if parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty:
            return True
    return False


def test_every_form_is_known():
    unknown = [
        name
        for name, cls in our_forms().items()
        if _needs_arguments(cls) and name not in FORM_KWARGS
    ]
    assert unknown == [], "add these to FORM_KWARGS in tests/security/test_fuzz.py"
    assert len(our_forms()) >= 10


HOSTILE_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "0",
            "-1",
            "99999999999999999999999",
            "1e309",
            "NaN",
            "2023-02-31",
            "31/02/2023",
            "2023-13",
            "9999-99",
            "<script>alert(1)</script>",
            "=cmd|' /C calc'!A0",
            "'; DROP TABLE sendplan_plan; --",
            "\u202e\u0000\ufeff",
            "x" * 100_001,
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(str),
)


def _field_names(form) -> list[str]:
    names = []
    for bound in form:
        widget = bound.field.widget
        if isinstance(widget, forms.MultiWidget):
            names.extend(bound.html_name + suffix for suffix in widget.widgets_names)
        else:
            names.append(bound.html_name)
    return names


@pytest.mark.slow
@pytest.mark.parametrize("form_name", sorted(our_forms()))
def test_no_form_raises_on_hostile_input(world, form_name):
    cls = our_forms()[form_name]
    kwargs = FORM_KWARGS.get(form_name, lambda w: {})(world)
    names = _field_names(cls(**kwargs))

    @FUZZ
    @given(values=st.lists(HOSTILE_TEXT, min_size=len(names), max_size=len(names)))
    def check(values):
        form = cls(data=dict(zip(names, values, strict=True)), **kwargs)
        form.is_valid()  # any exception fails the test
        form.errors.as_json()

    check()


# --- URLs ------------------------------------------------------------------------------

CONVERTER_VALUES = {
    "IntConverter": st.integers(min_value=0, max_value=2**70),
    "SlugConverter": st.from_regex(r"\A[-a-zA-Z0-9_]{1,60}\Z"),
    "StringConverter": st.from_regex(r"\A[^/?#\x00-\x1f]{1,40}\Z"),
    "PathConverter": st.from_regex(r"\A[^?#\x00-\x1f]{1,40}\Z"),
    "MonthConverter": st.from_regex(r"\A\d{4}-\d{2}\Z"),
}
QUERY_VALUES = st.one_of(
    st.from_regex(r"\A\d{4}-\d{2}(-\d{2})?\Z"), st.text(max_size=20), st.just("")
)


def _argument_values(route):
    converters = getattr(route.pattern.pattern, "converters", {}) or {}
    strategies = {}
    for arg in route.args:
        converter = converters.get(arg)
        kind = type(converter).__name__ if converter is not None else None
        strategies[arg] = CONVERTER_VALUES.get(kind, st.just(None))
    return st.fixed_dictionaries(strategies)


APP_ROUTES = [r for r in all_routes() if not r.is_admin and r.args]


@pytest.mark.slow
@pytest.mark.parametrize("route", APP_ROUTES, ids=str)
def test_no_url_answers_500_to_random_arguments(world, route):
    admin = client_for(world.users["admin"], raise_request_exception=False)
    outsider = client_for(world.users["outsider"], raise_request_exception=False)
    assert set(route.args) <= set(SAMPLE_KWARGS)

    @settings(FUZZ, max_examples=15)
    @given(values=_argument_values(route), as_at=QUERY_VALUES, month=QUERY_VALUES)
    def check(values, as_at, month):
        overrides = {k: v for k, v in values.items() if v is not None}
        url = url_for(route, world, **overrides)
        for client in (admin, outsider):
            response = client.get(url, {"as_at": as_at, "month": month})
            assert response.status_code < 500, (url, as_at, month)

    check()


@pytest.mark.slow
def test_no_admin_url_answers_500_to_random_object_ids(world):
    admin = client_for(world.users["admin"], raise_request_exception=False)
    routes = [r for r in all_routes() if r.is_admin and "object_id" in r.args]

    @settings(FUZZ, max_examples=150)
    @given(
        route=st.sampled_from(routes),
        object_id=st.one_of(
            st.integers(min_value=-(2**70), max_value=2**70).map(str),
            st.from_regex(r"\A[^/?#\x00-\x1f]{1,30}\Z"),
        ),
    )
    def check(route, object_id):
        try:
            url = url_for(route, world, object_id=object_id)
        except Exception:  # the id does not fit the pattern: no URL to request
            return
        assert admin.get(url).status_code < 500, url

    check()


def test_the_month_converter_turns_a_bad_month_into_404(world):
    client = client_for(world.users["admin"])

    response = client.get(f"/plans/{world.plan.slug}/months/2023-13/")

    assert response.status_code == 404
    assert dt.date(2023, 5, 1) == world.open_month.month
