import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def priorities(plan_a):
    return [
        factories.PriorityFactory(plan=plan_a, number=1, title="Assessments on time"),
        factories.PriorityFactory(plan=plan_a, number=2, title="Better transitions"),
    ]
