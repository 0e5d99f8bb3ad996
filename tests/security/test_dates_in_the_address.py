"""A month, a date or a year in a page's address is read one way (``sendplan.months``):
nonsense, out-of-range and malformed values are answered with a clear message (the page's
own error summary, or the 400 page), never with a server error.

The independent probe (December 2026, finding 5) found ``?month=0001-01`` and
``?as_at=0001-01-01`` on the dashboard raising "year 0 is out of range".

``QUERY_DATES`` lists every page that reads a month, a date or a year from its query
string; ``test_every_query_parameter_a_page_reads_is_known`` finds the parameters each page
actually reads, so a page that starts reading a new one fails until it is listed here.
"""

from __future__ import annotations

from functools import partial
from unittest import mock

import pytest
from django.http import QueryDict
from django.utils.html import escape
from django.utils.http import MAX_URL_REDIRECT_LENGTH as REDIRECT_LIMIT
from django.utils.http import urlencode
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sendplan.months import BadMonthOrDate, parse_iso_date, parse_iso_month, parse_year

from .conftest import client_for
from .urlwalk import all_routes, url_for

# The pages and the parameters of theirs that are a month, a date or a year, with the
# parser that reads each; ``base`` is the rest of a good query (the bar a link names).
BAR = {"chart": "bragg-trend", "bar": "2023-04", "value": "red"}
PLAN_VIEW = {"month": parse_iso_month, "as_at": parse_iso_date}
QUERY_DATES = {
    "reports:plan_detail": ({}, PLAN_VIEW),
    "reports:priority_detail": ({}, PLAN_VIEW),
    "reports:issue_detail": ({}, PLAN_VIEW),
    "reports:dashboard": ({}, PLAN_VIEW),
    "reports:readiness": ({}, PLAN_VIEW),
    "reports:dashboard_items": (
        BAR,
        {**PLAN_VIEW, "bar": partial(parse_iso_month, name="the month of the bar")},
    ),
    # No period, so a good date never starts building a PDF: the preview page answers.
    "reports:report_preview": ({}, {"as_at": parse_iso_date}),
    "reports:report_preview_pdf": ({}, {"as_at": parse_iso_date}),
    "governance:forum_detail": ({}, {"year": parse_year}),
    "evidence:item": ({}, {"as_at": parse_iso_date}),
    "evidence:decision": ({}, {"as_at": parse_iso_date}),
    "reports:partner_review": ({}, PLAN_VIEW),
    "progress:change_requests": ({}, {"as_at": parse_iso_date}),
}
# Parameters pages read that are neither a month, a date nor a year, and why.
NOT_DATES = {
    "next": "where to go after signing in: checked as a local address",
    "back": "where an evidence page's Back link goes: checked as a local address",
    "page": "the page of a list: Paginator.get_page takes anything",
    "chart": "a choice from the dashboard's charts",
    "value": "a choice of BRAGG or RAG value",
    "period": "a choice from the forum's periods (codes it made)",
    "meeting": "a choice of the forum's meetings",
    "submitted": "a flag: only whether it is there",
    "from_last": "which story so far to start from last month's text: an item key, looked up",
    "username": "whose two-factor set-up link to issue: looked up among the users",
    "sort": "the months page's order of leads, the advisers' page's column: a choice",
    "like": "the advisers' page's plan to compare with: a slug, looked up in their areas",
    "kind": "the advisers' page's kind of plan: a choice",
    "region": "the advisers' page's region: a choice of the adviser's regions",
    "band": "the advisers' page's readiness band: a choice",
    "show": "which leads the months page lists: a choice (all, missing), others ignored",
}

EXTREMES = [
    "0000-01",
    "0001-01",
    "0000-01-01",
    "0001-01-01",
    "9999-12",
    "9999-12-31",
    "10000-01",
    "10000-01-01",
    "1999-12-31",
    "2100-01",
    "2023-13",
    "2023-00",
    "2023-02-30",
    "2023-02-29",
    "2023-04-31",
    "2024-02-29",
    "٢٠٢٣-٠٤",  # Arabic-Indic digits
    "２０２３-０４-３０",  # full-width digits
    "-2023-04",
    "-2023-04-30",
    "-1",
    "0",
    "10000",
    "1999",
    "2024",
    " 2023-04 ",
    "\t2023-04-30\n",
    "2023-04-30T00:00",
    "2023/04/30",
    "April 2023",
    "1e309",
    "NaN",
    "\x00",
    "\u202e2023-04",
    "9" * 5000,
    "2023-04" * 15_000,
]
VALUES = st.one_of(
    st.sampled_from(EXTREMES),
    st.text(max_size=40),
    st.from_regex(r"\A-?[0-9]{1,5}(-[0-9]{1,3}){0,2}\Z"),
    st.integers(min_value=-(10**6), max_value=10**6).map(str),
    st.dates().map(str),
    st.dates().map(lambda day: f"{day:%Y-%m}"),
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def world(world):
    """The security world, its forum monitoring the plan so that it has reports."""
    world.forum.plan = world.plan
    world.forum.save()
    return world


NULL_REFUSED = "Null characters are not allowed."


def _route(name):
    return next(route for route in all_routes() if route.name == name)


def _refusal(parser, value: str) -> str | None:
    """The message the page must show for ``value``, or None when the value is good (or
    empty: not given)."""
    if not value.strip():
        return None
    try:
        parser(value)
    except BadMonthOrDate as error:
        return str(error)
    return None


CASES = [(name, param) for name, (_, params) in QUERY_DATES.items() for param in params]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "param"), CASES, ids=[f"{n}?{p}" for n, p in CASES])
def test_a_bad_month_or_date_in_the_address_is_explained_never_a_server_error(world, name, param):
    base, params = QUERY_DATES[name]
    url = url_for(_route(name), world)
    viewer = client_for(world.users["admin"], raise_request_exception=False)

    def check(value):
        query = {**base, param: value}
        response = viewer.get(url, query, follow=True)
        shown = value[:80]
        assert response.status_code < 500, shown
        message = _refusal(params[param], value)
        if message is None:
            return
        assert response.status_code in (200, 400), shown
        if name == "reports:report_preview_pdf" and len(urlencode(query)) > REDIRECT_LIMIT:
            return  # Django refuses to redirect that far, with the plain 400 page
        body = response.content.decode()
        # A CharField (the bar) refuses a null character before the value is read.
        assert escape(message) in body or NULL_REFUSED in body, (shown, message)

    for value in EXTREMES:
        check = example(value=value)(check)
    FUZZ(given(value=VALUES)(check))()


def test_the_dashboard_explains_year_zero_rather_than_failing(world):
    """The probe's own two addresses."""
    viewer = client_for(world.users["viewer"], raise_request_exception=False)
    url = url_for(_route("reports:dashboard"), world)

    for query, message in [
        ("?month=0001-01", "Enter a month between January 2000 and December 2099."),
        ("?as_at=0001-01-01", "Enter a date between 1 January 2000 and 31 December 2099."),
    ]:
        response = viewer.get(url + query)
        assert response.status_code == 200
        assert message in response.content.decode()


def test_a_year_the_calendar_cannot_show_is_the_400_page(world):
    viewer = client_for(world.users["viewer"])
    url = url_for(_route("governance:forum_detail"), world)

    response = viewer.get(url, {"year": "1999"})

    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem with the web address" in body
    assert "Enter a year between 2000 and 2099." in body
    assert "Sign out" in body  # the page as the user knows it, with their header


@pytest.mark.parametrize(
    ("month", "status"),
    [
        ("2023-05", 200),
        ("2023-13", 404),
        ("0000-05", 404),
        ("0001-05", 404),
        ("9999-12", 404),
        ("٢٠٢٣-٠٥", 404),
    ],
)
def test_a_month_in_the_month_pages_path_is_read_the_same_way(world, month, status):
    manager = client_for(world.users["programme_manager"], raise_request_exception=False)

    response = manager.get(f"/plans/{world.plan.slug}/months/{month}/")

    assert response.status_code == status


def _keys_read(client, url: str) -> set[str]:
    """The query parameters a page asks for, whether or not the address gives them."""
    read: set[str] = set()
    spied = {}
    for method in ("get", "getlist", "__getitem__", "__contains__"):
        original = getattr(QueryDict, method)

        def spy(self, key, *args, _original=original, **kwargs):
            read.add(key)
            return _original(self, key, *args, **kwargs)

        spied[method] = spy
    with mock.patch.multiple(QueryDict, **spied):
        # A query of some kind, as pages read a query string only when there is one.
        client.get(url, {"unrelated": "1"})
    return read


def test_every_query_parameter_a_page_reads_is_known(world):
    # Between them, these reach every page of area A.
    clients = [
        client_for(world.users[role], raise_request_exception=False)
        for role in ("admin", "programme_manager", "lead")
    ]
    unknown = {}
    for route in all_routes():
        if route.is_admin:
            continue
        url = url_for(route, world)
        read = set().union(*(_keys_read(client, url) for client in clients))
        listed = set(QUERY_DATES.get(route.name, ({}, {}))[1])
        # "unrelated" is read only by a page that reads every parameter (the dashboard's
        # filters): the names it then uses are the ones it asks for.
        if extra := read - listed - set(NOT_DATES) - {"unrelated"}:
            unknown[route.name] = sorted(extra)
    assert unknown == {}, "add them to QUERY_DATES (a month, date or year) or NOT_DATES"
