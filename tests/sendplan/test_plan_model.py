import pytest
from django.core.exceptions import ValidationError

from tests import factories


@pytest.mark.django_db
def test_issue_takes_its_plan_from_its_priority():
    priority = factories.PriorityFactory()
    issue = factories.IssueFactory(priority=priority, plan=None)
    assert issue.plan == priority.plan


@pytest.mark.django_db
def test_action_cannot_belong_to_another_plan_than_its_issue():
    issue = factories.IssueFactory()
    other_plan = factories.PlanFactory()
    with pytest.raises(ValidationError):
        factories.ActionFactory(issue=issue, plan=other_plan)


@pytest.mark.django_db
def test_revising_the_due_month_keeps_the_original():
    import datetime as dt

    action = factories.ActionFactory(due_month=dt.date(2022, 12, 1))
    action.due_month = dt.date(2023, 6, 1)
    action.save()
    action.refresh_from_db()
    assert action.original_due_month == dt.date(2022, 12, 1)
    assert action.is_slipped
