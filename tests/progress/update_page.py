"""How the tests of a page of the lead's month post it (the page itself: the ``url`` and
``update_page`` fixtures of tests/progress/conftest.py)."""

from tests.actions.conftest import domain_counts


def post(client, url, data, button="draft", **extra):
    data = {**data, button: "1"}
    return client.post(url, data, **extra)


def refused(client, url, data, button="draft"):
    """Post, expecting a refusal that changes nothing: (status, page)."""
    before = domain_counts()
    response = post(client, url, data, button=button)
    assert domain_counts() == before
    return response.status_code, response.content.decode()
