"""An outcome target's RAG impact rating for the open month, through the form and service."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from outcomes.forms import TargetUpdateForm
from outcomes.models import ImpactRating
from outcomes.services import record_impact_rating
from sendplan.ratings import RAG
from sendplan.services import ConflictError, UpdateRefused
from tests import factories

pytestmark = pytest.mark.django_db

MAY = dt.date(2023, 5, 1)


@pytest.fixture(autouse=True)
def _in_may_2023():
    with time_machine.travel(timezone.make_aware(dt.datetime(2023, 5, 15, 10)), tick=True):
        yield


@pytest.fixture
def target(plan_a):
    factories.ReportingMonthFactory(plan=plan_a, month=MAY)
    issue = factories.IssueFactory(priority=factories.PriorityFactory(plan=plan_a))
    return factories.OutcomeTargetFactory(
        issue=issue,
        text="Fewer exclusions",
        unit="pupils",
        baseline=40,
        target_value=25,
        direction="decrease",
    )


def _form(target, data=None, strict=True, **initial):
    item = SimpleNamespace(target=target)
    values = {"version": 0, "rag": "", "measured_value": None, "note": "", **initial}
    return TargetUpdateForm(
        data, prefix="target-1", initial=values, item=item, month=MAY, strict=strict
    )


def _data(form, **values):
    data = {f"target-1-{k}": v for k, v in form.initial.items() if v is not None}
    data.update({f"target-1-{k}": v for k, v in values.items()})
    return data


def test_the_form_shows_the_keys_words_and_the_unit(target):
    form = _form(target)
    assert [label for _, label in form.fields["rag"].choices] == ["Red", "Amber", "Green"]
    assert form.fields["rag"].widget.hints["green"].startswith("Positive impact")
    # The unit is written beside the box (the page's suffix), the target in the hint.
    assert form.fields["measured_value"].label == "Measured figure"
    assert form.fields["measured_value"].help_text == "The target is 25 pupils."


def test_a_target_without_a_figure_asks_for_none(plan_a, target):
    target.target_value = None
    form = _form(target)
    assert "measured_value" not in form.fields


@pytest.mark.parametrize(
    "values, message",
    [
        ({"measured_value": "lots"}, "Enter the measured figure as a number"),
        ({"measured_value": "1.234", "rag": "amber"}, "no more than 2 decimal places"),
        ({"note": "Improving"}, "Select the RAG impact rating"),
        ({"rag": "purple"}, "Select a RAG impact rating from the list"),
    ],
)
def test_bad_input_gets_a_clear_message(target, values, message):
    form = _form(target)
    bound = _form(target, _data(form, **values))
    assert not bound.is_valid()
    assert message in str(bound.errors)


def test_an_untouched_form_is_recognised(target):
    target.unit = "%"  # a share, so a figure with decimals is a real one
    form = _form(target, rag=RAG.AMBER, measured_value=Decimal("31.50"), note="Steady")
    bound = _form(
        target,
        _data(form, measured_value="31.5"),
        rag=RAG.AMBER,
        measured_value=Decimal("31.50"),
        note="Steady",
    )
    assert bound.is_valid(), bound.errors
    assert bound.untouched


def test_the_service_records_the_rating_and_refuses_a_stale_version(target, lead_a):
    row = record_impact_rating(
        target=target,
        month=MAY,
        user=lead_a,
        rag=RAG.GREEN,
        measured_value=Decimal("24"),
        expected_version=0,
    )
    assert (row.version, row.rated_by) == (1, lead_a)
    with pytest.raises(ConflictError) as caught:
        record_impact_rating(target=target, month=MAY, user=lead_a, rag=RAG.RED, expected_version=0)
    assert ("Measured figure", "24 pupils") in caught.value.saved
    assert ImpactRating.objects.get().rag == RAG.GREEN


def test_a_measured_figure_for_an_unquantified_target_is_refused(target, lead_a):
    target.target_value = None
    target.save()
    with pytest.raises(ValidationError):
        record_impact_rating(
            target=target,
            month=MAY,
            user=lead_a,
            rag=RAG.AMBER,
            measured_value=Decimal("3"),
            expected_version=0,
        )


def test_a_future_month_cannot_be_rated(target, lead_a):
    with pytest.raises(UpdateRefused, match="not started"):
        record_impact_rating(
            target=target,
            month=dt.date(2023, 6, 1),
            user=lead_a,
            rag=RAG.AMBER,
            expected_version=0,
        )
    assert not ImpactRating.objects.exists()
