"""Writing a row's priority and issue, with the issue's strategy links."""

from __future__ import annotations

from sendplan.models import Issue, IssueStrategyLink, Priority, StrategyLink, priority_short_label

from .rows import PlanRow, text_key


class IssueWriting:
    def _priority(
        self, key: tuple, ref: str, title: str, description: str | None = None
    ) -> Priority:
        """The priority ``key`` names: the plan's own (by reference, else by title), or a
        new one. A new priority comes after every priority the plan has, in the sheet's
        order; one the plan has keeps its place (its number is its address). Its
        ``description`` is the first row's that names it (None: the sheet has no such
        column, and the description stays as it is)."""
        first_time = key not in self.priority_order
        priority = self.priorities.get(key)
        if priority is None and title:
            candidate = self.priorities_by_title.get(text_key(title))
            if candidate is not None and candidate.pk not in self.seen[Priority]:
                priority = candidate
                self.priorities[key] = priority
        if key not in self.priority_order:
            self.priority_order[key] = len(self.priority_order)
        if priority is None:
            numbers = [p.number for p in self.priorities.values()]
            priority = self._create(
                Priority(
                    plan=self.plan,
                    number=max(numbers, default=0) + 1,
                    ref=ref,
                    title=title or priority_short_label(ref, ""),
                    description=description or "",
                )
            )
            self.priorities[key] = priority
        else:
            values = {}
            if title:
                values["title"] = title
            if ref:
                values["ref"] = ref
            if first_time and description is not None:
                values["description"] = description
            self._update(priority, values)
        self._seen(priority)
        return priority

    def _issue(self, row: PlanRow, priority: Priority) -> Issue:
        key = row.key
        first_time = key not in self.issue_order
        issue = self.issues.get(key)
        if first_time:
            # An issue the plan has keeps its place while the sheet keeps the plan's order.
            kept = issue if issue is not None and issue.pk is not None else None
            self.issue_order[key] = self._place(self.issue_places, None, kept)
        if issue is None:
            issue = self._create(
                Issue(
                    plan=self.plan,
                    priority=priority,
                    ref=row.ref,
                    description=row.issue,
                    order=self.issue_order[key],
                    is_gap=row.gap,
                )
            )
            self.issues[key] = issue
        else:
            values = {"priority": priority}
            if row.issue:
                values["description"] = row.issue
            if first_time:
                values["order"] = self.issue_order[key]
                if "gap" in self.present:
                    values["is_gap"] = row.gap
            self._update(issue, values)
        self._seen(issue)
        self._issue_links(issue, row)
        return issue

    def _issue_links(self, issue: Issue, row: PlanRow) -> None:
        for name in row.strategy_links:
            link = self._strategy_link(name)
            through = self.issue_links.get((row.key, name.casefold()))
            if through is None:
                through = self._create(
                    IssueStrategyLink(plan=self.plan, issue=issue, strategy_link=link)
                )
                self.issue_links[row.key, name.casefold()] = through
            self._seen(through)

    def _strategy_link(self, name: str) -> StrategyLink:
        link = self.links.get(name.casefold())
        if link is None:
            link = self._create(StrategyLink(area=self.area, name=name))
            self.links[name.casefold()] = link
        return link
