"""A measured figure is checked against its target: a percentage 0-100, a count whole and
not negative, a figure far beyond baseline and target kept only once confirmed."""

from decimal import Decimal

import pytest
from django.urls import reverse

from outcomes.figures import figure_problem
from outcomes.models import ImpactRating
from tests import factories
from tests.actions.conftest import _in_may_2023, form_data  # noqa: F401

pytestmark = pytest.mark.django_db


def _problem(value, unit="%", baseline="40", target="75"):
    return figure_problem(
        Decimal(value),
        unit=unit,
        baseline=Decimal(baseline) if baseline is not None else None,
        target=Decimal(target),
    )


def test_a_percentage_is_between_0_and_100():
    assert _problem("75") is None
    assert _problem("0") is None and _problem("100") is None
    refused = _problem("999999")
    assert refused.message.startswith("Enter a percentage from 0 to 100")
    assert not refused.can_confirm
    assert _problem("-1") is not None


def test_a_count_is_a_whole_number_not_below_zero():
    assert _problem("12", unit="young people", baseline="30", target="20") is None
    assert (
        "whole number" in _problem("12.5", unit="young people", baseline="30", target="20").message
    )
    assert _problem("-3", unit="plans", baseline="30", target="20") is not None
    # An amount of time is not a count: a fraction is fine.
    assert _problem("12.5", unit="weeks", baseline="30", target="20") is None


def test_a_figure_far_beyond_baseline_and_target_asks_to_be_confirmed():
    problem = _problem("5000", unit="plans", baseline="30", target="20")
    assert problem.can_confirm
    assert "far beyond both the baseline and the target" in problem.message
    assert _problem("250", unit="plans", baseline=None, target="20").can_confirm
    assert _problem("150", unit="plans", baseline="30", target="20") is None


def _target_page(client, lead_a, plan_a, target):
    client.force_login(lead_a)
    return reverse("progress:my_section", kwargs={"plan_slug": plan_a.slug, "section": "1.1"})


def test_the_page_refuses_999999_percent_and_stores_nothing(
    client, lead_a, plan_a, open_may, action_a, target_a
):
    url = _target_page(client, lead_a, plan_a, target_a)
    page = client.get(url)
    html = page.content.decode()
    assert 'class="govuk-input__suffix" aria-hidden="true">%</div>' in html
    data = form_data(page)
    data.update(
        {f"target-{target_a.pk}-rag": "green", f"target-{target_a.pk}-measured_value": "999999"}
    )
    refused = client.post(url, {**data, "draft": "1"})
    assert refused.status_code == 400
    assert "Enter a percentage from 0 to 100; 999999% is not one" in refused.content.decode()
    assert not ImpactRating.objects.exists()


def test_an_implausible_count_is_kept_once_the_lead_confirms_it(
    client, lead_a, plan_a, open_may, action_a, issue_a
):
    target = factories.OutcomeTargetFactory(
        issue=issue_a, action=action_a, unit="plans", baseline=30, target_value=20
    )
    url = _target_page(client, lead_a, plan_a, target)
    data = form_data(client.get(url))
    data.update({f"target-{target.pk}-rag": "amber", f"target-{target.pk}-measured_value": "5000"})
    asked = client.post(url, {**data, "draft": "1"})
    assert asked.status_code == 400
    html = asked.content.decode()
    assert "far beyond both the baseline and the target" in html
    assert "The figure is right: keep it" in html
    assert not ImpactRating.objects.exists()
    data[f"target-{target.pk}-confirm_figure"] = "on"
    assert client.post(url, {**data, "draft": "1"}).status_code == 302
    assert ImpactRating.objects.get(target=target).measured_value == 5000


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (Decimal("56.50"), "%", "56.5%"),
        (Decimal("53"), "weeks", "53 weeks"),
        (Decimal("100"), "%", "100%"),
        (Decimal("1200"), "young people", "1200 young people"),
        (Decimal("7.25"), "", "7.25"),
        (None, "%", ""),
    ],
)
def test_a_figure_is_written_with_its_unit_the_same_way_everywhere(value, unit, shown):
    from outcomes.figures import with_unit

    assert with_unit(value, unit) == shown
