"""The plan of a synthetic area: its findings, priorities, issues to be addressed with their
strategy links, actions with their leads (some slipped, many completed, each a dated
change) and outcome targets."""

from __future__ import annotations

from decimal import Decimal

from actions.models import Action, ActionLead
from outcomes.models import OutcomeTarget
from sendplan.models import (
    Finding,
    FindingKind,
    Issue,
    IssueStrategyLink,
    Plan,
    PlanKind,
    Priority,
    StrategyLink,
)
from sendplan.months import add_months

from .bulk import BulkWriter, area_slug, at
from .words import (
    ACTION_OBJECTS,
    ACTION_QUALIFIERS,
    ACTION_VERBS,
    ACTIONS_PER_AREA,
    ISSUE_THEMES,
    ISSUES_PER_PRIORITY,
    LEAD_PEOPLE,
    PRIORITY_TITLES,
    STRATEGY_LINKS,
    TARGET_TEMPLATES,
    TARGETS_PER_AREA,
    UNQUANTIFIED_TARGETS,
)


class StructureWriter(BulkWriter):
    def _plan(self) -> Plan:
        n = self.number
        self.plan = self.create(
            Plan,
            [
                Plan(
                    area=self.area,
                    title=f"Generated area {n:02d} Written Statement of Action",
                    slug=f"{area_slug(n)}-wsoa",
                    kind=PlanKind.WSOA,
                    inspection_date=add_months(self.before, -9),
                    publication_date=self.before,
                    introduction="A generated plan for scale tests and benchmarks.",
                    vision="Children and young people with SEND are healthy, happy and safe, "
                    "and achieve their best.",
                    source="generate_demo_data",
                )
            ],
        )[0]
        findings = [(FindingKind.STRENGTH, "Leaders know the area well.")]
        findings += [(FindingKind.SIGNIFICANT_WEAKNESS, title) for title in PRIORITY_TITLES]
        self.create(
            Finding,
            [
                Finding(plan=self.plan, kind=kind, text=text, order=order)
                for order, (kind, text) in enumerate(findings)
            ],
        )
        return self.plan

    def _issues(self) -> list[Issue]:
        """The priorities, the area's strategy links and the issues to be addressed."""
        plan = self.plan
        priorities = self.create(
            Priority,
            [
                Priority(plan=plan, number=i + 1, ref=str(i + 1), title=title)
                for i, title in enumerate(PRIORITY_TITLES)
            ],
        )
        links = self.create(
            StrategyLink, [StrategyLink(area=self.area, name=name) for name in STRATEGY_LINKS]
        )
        issues = []
        theme = 0
        for priority, count in zip(priorities, ISSUES_PER_PRIORITY, strict=True):
            for i in range(count):
                issues.append(
                    Issue(
                        plan=plan,
                        priority=priority,
                        ref=f"{priority.number}.{i + 1}",
                        description=ISSUE_THEMES[theme % len(ISSUE_THEMES)],
                        order=theme,
                    )
                )
                theme += 1
        issues = self.create(Issue, issues)
        self.create(
            IssueStrategyLink,
            [
                IssueStrategyLink(plan=plan, issue=issue, strategy_link=link)
                for issue in issues
                for link in self.shape.sample(links, self.shape.randint(1, 3))
            ],
        )
        return issues

    def _spread(self, total: int, buckets: int, base: int) -> list[int]:
        counts = [base] * buckets
        for _ in range(total - base * buckets):
            counts[self.shape.randrange(buckets)] += 1
        return counts

    def _actions(self, issues, people) -> list[Action]:
        actions = self.create(Action, self._draw_actions(issues))
        self.lead_of_action = {a.id: self.action_plan[i][0] for i, a in enumerate(actions)}
        self._leads(actions, people)
        # Dated changes, oldest first, so each history row holds the state of its moment.
        self._slip(actions)
        self._complete(actions)
        return actions

    def _draw_actions(self, issues) -> list[Action]:
        shape = self.shape
        actions = []
        self.action_plan = {}  # action index -> (lead index, start, due, completed, slip)
        per_issue = self._spread(ACTIONS_PER_AREA, len(issues), 2)
        order = 0
        for issue, count in zip(issues, per_issue, strict=True):
            for _ in range(count):
                qualifier = shape.choice(ACTION_QUALIFIERS)
                text = f"{shape.choice(ACTION_VERBS)} {shape.choice(ACTION_OBJECTS)}"
                text = f"{text} {qualifier}".strip()
                ongoing = shape.random() < 0.05
                lead = shape.randrange(LEAD_PEOPLE)
                start, due, completed, slip = self._draw_dates(ongoing)
                due_month = add_months(self.months[0], due) if due is not None else None
                actions.append(
                    Action(
                        plan=self.plan,
                        issue=issue,
                        text=text,
                        order=order,
                        due_month=due_month,
                        original_due_month=due_month,
                        due_as_written=f"{due_month:%b %Y}" if due_month else "Ongoing",
                        is_ongoing=ongoing,
                    )
                )
                self.action_plan[order] = (lead, start, due, completed, slip)
                order += 1
        return actions

    def _draw_dates(self, ongoing: bool) -> tuple:
        """An action's months (indexes into ``self.months``): when work starts, when it is
        due, when it was completed and when (and by how many months) it slipped."""
        rng = self.rng
        months = len(self.months)
        start = rng.randint(0, max(0, min(6, months // 3)))
        due = None if ongoing else rng.randint(min(3, months), months + 6)
        completed = None
        if due is not None and due <= months - 1 and rng.random() < 0.75:
            completed = max(start + 1, min(months - 2, due + rng.randint(-2, 2)))
            if completed <= start or completed >= months - 1:
                completed = None
        slip = None
        if due is not None and rng.random() < 0.15:
            slip_at = rng.randint(start, max(start, min(due, months - 1)))
            if completed is None or slip_at < completed:
                slip = (slip_at, rng.randint(3, 6))
        return start, due, completed, slip

    def _leads(self, actions, people) -> None:
        shape = self.shape
        leads = []
        for i, action in enumerate(actions):
            first = self.action_plan[i][0]
            chosen = [first]
            if shape.random() < 0.4:
                chosen.append((first + shape.randint(1, LEAD_PEOPLE - 1)) % LEAD_PEOPLE)
            leads += [
                ActionLead(plan=self.plan, action=action, person=people[p], order=k)
                for k, p in enumerate(chosen)
            ]
        self.create(ActionLead, leads)

    def _slip(self, actions) -> None:
        slipped = []
        for i, action in enumerate(actions):
            slip = self.action_plan[i][4]
            if slip:
                month = self.months[slip[0]]
                action.due_month = add_months(action.due_month, slip[1])
                action.due_as_written = f"{action.due_month:%b %Y}"
                action.due_revised_reason = "Revised by the implementation group: capacity."
                action.version += 1
                action._history_date = at(month, 20)
                action._history_user = self.users["pm"]
                slipped.append(action)
        self.change(
            Action, slipped, ["due_month", "due_as_written", "due_revised_reason", "version"]
        )

    def _complete(self, actions) -> None:
        completed = []
        for i, action in enumerate(actions):
            lead, _, _, done, _ = self.action_plan[i]
            if done is not None:
                month = self.months[done]
                action.completed_on = month.replace(day=self.rng.randint(1, 20))
                action.version += 1
                action._history_date = at(month, 24)
                action._history_user = self.rater_for(lead)
                completed.append(action)
        self.change(Action, completed, ["completed_on", "version"])

    def _targets(self, issues, actions) -> list[OutcomeTarget]:
        rng, shape = self.rng, self.shape
        months = len(self.months)
        by_issue: dict[int, list[Action]] = {}
        for action in actions:
            by_issue.setdefault(action.issue_id, []).append(action)
        per_issue = self._spread(TARGETS_PER_AREA, len(issues), 4)
        targets = []
        order = 0
        for issue, count in zip(issues, per_issue, strict=True):
            for _ in range(count):
                action = None
                if by_issue.get(issue.id) and shape.random() < 0.6:
                    action = shape.choice(by_issue[issue.id])
                month_index = rng.randint(min(6, months), months + 12)
                target_month = add_months(self.months[0], month_index)
                target = OutcomeTarget(
                    plan=self.plan,
                    issue=issue,
                    action=action,
                    order=order,
                    target_month=target_month,
                    target_as_written=f"{target_month:%b %Y}",
                )
                if shape.random() < 0.65:
                    text, unit, (low, high), goal, direction = shape.choice(TARGET_TEMPLATES)
                    target.text = f"{text}: {goal} {unit}".strip()
                    target.unit = unit
                    target.baseline = Decimal(shape.randint(low, high))
                    # Measured at the inspection, as plans write it ("56% in 2022").
                    target.baseline_month = add_months(self.before, -9)
                    target.target_value = Decimal(goal)
                    target.direction = direction
                else:
                    target.text = shape.choice(UNQUANTIFIED_TARGETS)
                targets.append(target)
                order += 1
        return self.create(OutcomeTarget, targets)
