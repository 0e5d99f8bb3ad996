"""Fixtures shared by the spreadsheet tests."""

import pytest

from tests import factories


@pytest.fixture
def importer(db):
    return factories.UserFactory(username="importer")
