"""Personas shared by the whole suite: a lead, a viewer and a programme manager in area A,
and a lead in area B, each with a small plan of their own."""

import pytest

from sendplan.models import Role
from tests import factories


@pytest.fixture
def area_a(db):
    return factories.AreaFactory(name="Area A", slug="area-a")


@pytest.fixture
def area_b(db):
    return factories.AreaFactory(name="Area B", slug="area-b")


@pytest.fixture
def plan_a(area_a):
    return factories.PlanFactory(area=area_a, title="Area A WSoA", slug="area-a-wsoa")


@pytest.fixture
def plan_b(area_b):
    return factories.PlanFactory(area=area_b, title="Area B WSoA", slug="area-b-wsoa")


def _member(area, role, username):
    user = factories.UserFactory(username=username)
    factories.MembershipFactory(user=user, area=area, role=role)
    return user


@pytest.fixture
def lead_a(area_a):
    user = _member(area_a, Role.SEND_LEAD, "lead-a")
    factories.PersonFactory(area=area_a, name="Lead A Person", user=user)
    return user


@pytest.fixture
def viewer_a(area_a):
    return _member(area_a, Role.VIEWER, "viewer-a")


@pytest.fixture
def programme_manager_a(area_a):
    return _member(area_a, Role.PROGRAMME_MANAGER, "pm-a")


@pytest.fixture
def lead_b(area_b):
    user = _member(area_b, Role.SEND_LEAD, "lead-b")
    factories.PersonFactory(area=area_b, name="Lead B Person", user=user)
    return user


@pytest.fixture
def admin_user(db):
    return factories.UserFactory(username="site-admin", is_staff=True, is_superuser=True)
