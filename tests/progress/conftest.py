"""The small plan of tests/actions (area A, an open May 2023, an action led by lead A, its
outcome target), of which a month's update is made. A module that needs "today" inside
May 2023, as the actions tests have it, imports ``_in_may_2023`` as well."""

from tests.actions.conftest import (  # noqa: F401  (fixtures, found here by pytest)
    action_a,
    closed_april,
    issue_a,
    lead2_a,
    lead_person_a,
    open_may,
    other_action_a,
    target_a,
)
