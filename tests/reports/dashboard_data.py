"""A small plan with a known mix of statuses, for the dashboard and meeting tests.

Two priorities; each copy (``copies``) adds per priority one issue to be addressed with
five actions and three outcome targets rated for March and April 2023, so the expected
counts are easy to state: per copy and priority, April has one Blue, one Green, one
Amber, one Red and one unrated action.
"""

import datetime as dt
from decimal import Decimal

from sendplan.models import MonthStatus
from sendplan.ratings import BRAGG, RAG
from tests import factories

MARCH = dt.date(2023, 3, 1)
APRIL = dt.date(2023, 4, 1)
MAY = dt.date(2023, 5, 1)


def build_plan(plan, copies: int = 1):
    area = plan.area
    lead = factories.PersonFactory(area=area, name="Jo Littler", organisation="Borough Council")
    other = factories.PersonFactory(area=area, name="Nic Childs", organisation="NHS ICB")
    inclusion = factories.StrategyLinkFactory(area=area, name="Inclusion")
    factories.ReportingMonthFactory(plan=plan, month=MARCH, status=MonthStatus.CLOSED)
    factories.ReportingMonthFactory(plan=plan, month=APRIL, status=MonthStatus.CLOSED)
    factories.ReportingMonthFactory(plan=plan, month=MAY, status=MonthStatus.OPEN)
    priorities = [
        factories.PriorityFactory(plan=plan, number=1, title="Meeting needs early"),
        factories.PriorityFactory(plan=plan, number=2, title="Preparing for adulthood"),
    ]
    for copy in range(copies):
        for priority in priorities:
            issue = factories.IssueFactory(priority=priority, ref=f"{priority.number}.{copy + 1}")
            if priority.number == 1:
                issue.strategy_links.through.objects.create(
                    issue=issue, strategy_link=inclusion, plan=plan
                )
            statuses = [BRAGG.BLUE, BRAGG.GREEN, BRAGG.AMBER, BRAGG.RED, None]
            for n, status in enumerate(statuses):
                action = factories.ActionFactory(
                    issue=issue,
                    text=f"Action {priority.number}.{copy + 1}.{n}",
                    due_month=dt.date(2023, 2, 1) if n == 3 else dt.date(2023, 9, 1),
                    completed_on=dt.date(2023, 4, 10) if status == BRAGG.BLUE else None,
                )
                factories.ActionLeadFactory(action=action, person=lead if n % 2 else other)
                factories.ActionStatusFactory(action=action, month=MARCH, status=BRAGG.GREY)
                if status:
                    factories.ActionStatusFactory(
                        action=action,
                        month=APRIL,
                        status=status,
                        note="Why" if status in (BRAGG.RED, BRAGG.AMBER) else "",
                    )
                if n == 0:  # one update already in for the open month
                    factories.ActionStatusFactory(
                        action=action, month=MAY, status=BRAGG.BLUE, state="draft"
                    )
            for n, rag in enumerate([RAG.GREEN, RAG.AMBER, RAG.RED]):
                target = factories.OutcomeTargetFactory(
                    issue=issue,
                    text=f"Target {priority.number}.{copy + 1}.{n}",
                    target_month=dt.date(2023, 1, 1) if n == 2 else dt.date(2023, 12, 1),
                    baseline=Decimal("10") if n == 0 else None,
                    target_value=Decimal("50") if n == 0 else None,
                    direction="increase" if n == 0 else "",
                    unit="%" if n == 0 else "",
                )
                factories.ImpactRatingFactory(
                    target=target,
                    month=APRIL,
                    rag=rag,
                    measured_value=Decimal("30") if n == 0 else None,
                )
    return priorities
