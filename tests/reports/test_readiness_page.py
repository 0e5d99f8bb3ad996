"""The inspection readiness page: who may see it, what it lists and where its lines lead;
and ``manage.py readiness``, which prints the same."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.builders import build_readiness_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(plan_a):
    build_readiness_plan(plan_a)
    return plan_a


def _url(plan):
    return reverse("reports:readiness", args=[plan.slug])


def test_a_viewer_sees_each_priority_scored_in_words_and_figures(client, built, viewer_a):
    client.force_login(viewer_a)
    page = client.get(_url(built))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Whole plan: 18 of 29 checks passed (62%)." in html
    assert "4 of 14 checks passed (29%)" in html
    assert "No outcome target under this priority." in html
    assert "March 2023" in html and "6 of 11 (55%)" in html  # the trend, month by month


def test_each_weakness_links_to_its_item(client, built, viewer_a):
    client.force_login(viewer_a)
    html = client.get(_url(built)).content.decode()
    late = built.actions.get(text="Late action (1)")
    link = re.search(r'href="([^"]+#action-' + str(late.id) + ')"', html)
    assert link, "the overdue action links to its row on the issue page"
    issue_page = client.get(link.group(1).split("#")[0])
    assert issue_page.status_code == 200
    assert f'id="action-{late.id}"' in issue_page.content.decode()


def test_the_dashboard_links_to_the_readiness_page(client, built, viewer_a):
    client.force_login(viewer_a)
    html = client.get(reverse("reports:dashboard", args=[built.slug])).content.decode()
    assert _url(built) in html


def test_another_areas_user_gets_not_found(client, built, lead_b):
    client.force_login(lead_b)
    assert client.get(_url(built)).status_code == 404


def test_the_programme_managers_home_links_to_it_and_a_leads_does_not(
    client, built, programme_manager_a, lead_a
):
    client.force_login(programme_manager_a)
    assert "Check inspection readiness" in client.get("/").content.decode()
    client.force_login(lead_a)
    assert "Check inspection readiness" not in client.get("/").content.decode()


def test_the_command_prints_the_scores_trend_and_weaknesses(built):
    out = StringIO()
    call_command("readiness", plan=built.slug, stdout=out)
    text = out.getvalue()
    assert "Whole plan: 18 of 29 checks passed (62%)." in text
    assert "Priority 2: Preparing for adulthood" in text
    assert "  Score: 4 of 14 checks passed (29%)." in text
    assert "Mar 2023 6 of 11; Apr 2023 4 of 14." in text
    assert '  - 2.1 action "Late action (1)": Due February 2023 and not Blue.' in text
    assert "Priority 1: Meeting needs early\n  Score: 12 of 12" in text
    assert "Nothing found weak." in text


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"plan": "no-such-plan"}, 'There is no plan with the slug "no-such-plan".'),
        ({"as_at": "2023-02-30"}, "--as-at: Enter a real date, like 2023-04-30."),
        ({"as_at": "2099-01-01"}, "--as-at: Enter a date that is today or in the past."),
    ],
)
def test_the_command_refuses_a_bad_slug_or_date_plainly(built, options, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("readiness", **{"plan": built.slug, **options})
