"""The small plan of tests/actions (area A, an open May 2023, an action led by lead A, its
outcome target), of which a month's update is made. A module that needs "today" inside
May 2023, as the actions tests have it, imports ``_in_may_2023`` as well. The reporting-month
fixtures of tests/sendplan (``may``, ``lead_item``, ``_in_june_2023``) serve the month pages."""

import pytest
from django.urls import reverse

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
from tests.sendplan.conftest import (  # noqa: F401  (fixtures, found here by pytest)
    _in_june_2023,
    lead_item,
    may,
)


# The page of the lead's month most tests of it use: issue 1.1's items for lead A.
@pytest.fixture
def url(plan_a):
    return reverse("progress:my_section", kwargs={"plan_slug": plan_a.slug, "section": "1.1"})


@pytest.fixture
def update_page(client, lead_a, url, request):
    for name in ("open_may", "action_a", "target_a"):
        request.getfixturevalue(name)
    client.force_login(lead_a)
    return client.get(url)
