"""/health: public, uncached, and honest about the database."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse


@pytest.mark.django_db
def test_health_says_database_ok_to_an_anonymous_client(client):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {"database": "ok"}


@pytest.mark.django_db
def test_health_is_never_cached(client):
    response = client.get(reverse("health"))

    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_answers_503_not_500_when_the_database_is_unavailable(client):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get(reverse("health"))

    assert response.status_code == 503
    assert response.json() == {"database": "unavailable"}


@pytest.mark.django_db
def test_health_answers_503_when_the_database_cannot_be_reached_at_all(client):
    with mock.patch("sendplan.views.connection.cursor", side_effect=RuntimeError("no route")):
        response = client.get(reverse("health"))

    assert response.status_code == 503


@pytest.mark.django_db
def test_health_refuses_post(client):
    assert client.post(reverse("health")).status_code == 405
