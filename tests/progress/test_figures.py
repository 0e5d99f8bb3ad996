"""Each plan's kept figures (progress.figures): the advisers' page and the readiness trend
read them instead of working them out on every request, and they are never older than
what the plan's records say."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from outcomes.models import OutcomeTarget
from progress.figures import page_readiness, plan_figures, whole_plan_trend
from progress.models import PlanFigures
from progress.readiness import plan_readiness
from tests import factories
from tests.builders import APRIL, MARCH, build_readiness_plan

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date(2023, 5, 20)


@pytest.fixture
def built(plan_a):
    build_readiness_plan(plan_a)
    return plan_a


def _scores(readiness):
    return [
        [(s.month, s.passed, s.applicable) for s in p.trend] + [len(p.findings)]
        for p in readiness.priorities
    ]


def test_kept_figures_give_the_same_scores_and_trend_as_working_them_out(built):
    worked_out = plan_readiness(built, today=TODAY)
    figures = plan_figures([built], today=TODAY)[built.id]
    assert PlanFigures.objects.filter(plan=built).count() == 1
    assert figures.month == APRIL
    trend = whole_plan_trend(figures)
    assert [(s.month, s.passed, s.applicable) for s in trend] == [
        (s.month, s.passed, s.applicable) for s in worked_out.trend
    ]
    assert trend[-1].words == "18 of 29 checks passed (62%)"
    # The readiness page, reading the kept trend and working out only its month, shows
    # what working the whole page out shows.
    assert _scores(page_readiness(built, today=TODAY)) == _scores(worked_out)


def test_a_change_to_the_plan_forgets_its_figures_and_no_other_plans(built, plan_b):
    build_readiness_plan(plan_b)
    plan_figures([built, plan_b], today=TODAY)
    target = OutcomeTarget.objects.get(plan=built, text="Nothing to measure by (1)")
    target.baseline = Decimal("3")
    target.unit = "%"
    target.save()
    assert list(PlanFigures.objects.values_list("plan_id", flat=True)) == [plan_b.id]
    figures = plan_figures([built, plan_b], today=TODAY)
    assert whole_plan_trend(figures[built.id])[-1].words == "20 of 29 checks passed (69%)"
    assert whole_plan_trend(figures[plan_b.id])[-1].words == "18 of 29 checks passed (62%)"


def test_a_change_in_a_transaction_forgets_the_figures_once_and_a_rolled_back_one_is_undone(
    built,
):
    plan_figures([built], today=TODAY)
    target = OutcomeTarget.objects.get(plan=built, text="Nothing to measure by (1)")
    with transaction.atomic():
        target.unit = "%"
        target.save()
        assert not PlanFigures.objects.filter(plan=built).exists()
        plan_figures([built], today=TODAY)  # a read inside the same transaction keeps them
        target.baseline = Decimal("3")
        target.save()  # and this write forgets them again
        assert not PlanFigures.objects.filter(plan=built).exists()
        transaction.set_rollback(True)
    # Rolled back: the write, and the forgetting, did not happen.
    assert PlanFigures.objects.filter(plan=built).exists()
    with transaction.atomic():
        target.refresh_from_db()
        target.unit = "cases"
        target.save()
    assert not PlanFigures.objects.filter(plan=built).exists()


def test_a_lead_rating_an_action_forgets_the_figures(built):
    plan_figures([built], today=TODAY)
    action = built.actions.get(text="Late action (1)")
    factories.ActionStatusFactory(action=action, month=MARCH)
    assert not PlanFigures.objects.filter(plan=built).exists()


def test_figures_too_old_or_for_another_month_are_worked_out_again(built):
    from progress.models import FIGURES_MAX_AGE

    kept = plan_figures([built], today=TODAY)[built.id]
    assert plan_figures([built], today=TODAY)[built.id].computed_at == kept.computed_at
    # The next day, for the same month: they still hold.
    assert plan_figures([built], today=TODAY + dt.timedelta(days=1))[built.id].pk == kept.pk
    old = kept.computed_at - FIGURES_MAX_AGE - dt.timedelta(hours=1)
    PlanFigures.objects.filter(pk=kept.pk).delete()
    PlanFigures.objects.create(plan=built, month=kept.month, computed_at=old, figures=kept.figures)
    assert plan_figures([built], today=TODAY)[built.id].computed_at > old
    kept = PlanFigures.objects.get(plan=built)
    kept.month = MARCH  # kept for a month the pages no longer open on
    kept.save()
    assert plan_figures([built], today=TODAY)[built.id].month == APRIL


def test_refresh_figures_keeps_every_plans_figures(built, plan_b):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("refresh_figures", stdout=out)
    assert set(PlanFigures.objects.values_list("plan_id", flat=True)) == {built.id, plan_b.id}
    assert out.getvalue().startswith("Figures kept for 2 plans in ")


def test_a_draft_saved_as_a_draft_keeps_the_figures_and_a_submitted_one_turned_draft_does_not(
    built,
):
    from actions.models import ActionStatus, EntryState
    from sendplan.ratings import BRAGG

    plan_figures([built], today=TODAY)
    action = built.actions.get(text="Late action (1)")
    draft = factories.ActionStatusFactory(
        action=action, month=dt.date(2023, 5, 1), state=EntryState.DRAFT
    )
    draft = ActionStatus.objects.get(pk=draft.pk)
    draft.status = BRAGG.RED
    draft.save()
    # Readers see submitted entries only: a lead's drafts change no figure.
    assert PlanFigures.objects.filter(plan=built).exists()
    draft.state = EntryState.SUBMITTED
    draft.save()
    assert not PlanFigures.objects.filter(plan=built).exists()
    plan_figures([built], today=TODAY)
    submitted = ActionStatus.objects.get(pk=draft.pk)
    submitted.state = EntryState.DRAFT  # taken back to a draft: readers no longer see it
    submitted.save()
    assert not PlanFigures.objects.filter(plan=built).exists()
