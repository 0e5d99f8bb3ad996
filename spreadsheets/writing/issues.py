"""Writing a row's priority and issue, with the issue's strategy links."""

from __future__ import annotations

from sendplan.models import Issue, IssueStrategyLink, Priority, StrategyLink

from .rows import PlanRow


class IssueWriting:
    def _priority(self, number: int, title: str) -> Priority:
        priority = self.priorities.get(number)
        if priority is None:
            priority = self._create(Priority(plan=self.plan, number=number, title=title))
            self.priorities[number] = priority
        elif title:
            self._update(priority, {"title": title})
        self._seen(priority)
        return priority

    def _issue(self, row: PlanRow, priority: Priority) -> Issue:
        ref = row.ref
        first_time = ref not in self.issue_order
        if first_time:
            self.issue_order[ref] = len(self.issue_order)
        issue = self.issues.get(ref)
        if issue is None:
            issue = self._create(
                Issue(
                    plan=self.plan,
                    priority=priority,
                    ref=ref,
                    description=row.issue,
                    order=self.issue_order[ref],
                )
            )
            self.issues[ref] = issue
        else:
            values = {"priority": priority}
            if row.issue:
                values["description"] = row.issue
            if first_time:
                values["order"] = self.issue_order[ref]
            self._update(issue, values)
        self._seen(issue)
        self._issue_links(issue, row)
        return issue

    def _issue_links(self, issue: Issue, row: PlanRow) -> None:
        for name in row.strategy_links:
            link = self._strategy_link(name)
            through = self.issue_links.get((row.ref, name.casefold()))
            if through is None:
                through = self._create(
                    IssueStrategyLink(plan=self.plan, issue=issue, strategy_link=link)
                )
                self.issue_links[row.ref, name.casefold()] = through
            self._seen(through)

    def _strategy_link(self, name: str) -> StrategyLink:
        link = self.links.get(name.casefold())
        if link is None:
            link = self._create(StrategyLink(area=self.area, name=name))
            self.links[name.casefold()] = link
        return link
