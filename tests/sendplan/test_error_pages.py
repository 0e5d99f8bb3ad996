"""GOV.UK-styled error pages."""

from django.template.loader import render_to_string
from django.test import Client, RequestFactory


def test_unknown_address_gets_the_page_not_found_page(client, lead_a):
    client.force_login(lead_a)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in response.content.decode()


def test_server_error_page_renders_without_a_request_or_database():
    html = render_to_string("500.html")

    assert "Sorry, there is a problem with the service" in html
    assert "Sign out" not in html


def test_forbidden_page_names_the_reason_without_details(db):
    request = RequestFactory().get("/")
    html = render_to_string("403.html", request=request)

    assert "You cannot see this page" in html


def test_csrf_failure_page_explains_what_to_do(lead_a):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(lead_a)

    response = strict.post("/sign-out/")

    assert response.status_code == 403
    assert "The form could not be sent" in response.content.decode()
