"""The small plan of tests/actions (area A, an open May 2023, an action led by lead A, its
outcome target), on whose monthly update the outcome targets' figures are checked."""

from tests.actions.conftest import (  # noqa: F401  (fixtures, found here by pytest)
    action_a,
    issue_a,
    lead_person_a,
    open_may,
    target_a,
)
