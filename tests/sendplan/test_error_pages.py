"""GOV.UK-styled error pages."""

from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from sendplan.months import BadMonthOrDate
from sendplan.views import bad_request


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


def test_a_month_the_address_gives_that_a_page_cannot_use_gets_the_bad_request_page(client, lead_a):
    client.force_login(lead_a)
    request = RequestFactory().get("/")
    request.user = lead_a

    response = bad_request(request, BadMonthOrDate("Enter a year between 2000 and 2099."))

    html = response.content.decode()
    assert response.status_code == 400
    assert '<h1 class="govuk-heading-l">There is a problem with the web address</h1>' in html
    assert "Enter a year between 2000 and 2099." in html
    assert "Sign out" in html


def test_any_other_bad_request_gets_the_page_without_its_details_or_the_request(client, lead_a):
    client.force_login(lead_a)

    response = client.get("/", HTTP_HOST="attacker.example")

    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem with the web address" in html
    assert "attacker.example" not in html
    assert "Sign out" not in html


@override_settings(DEBUG=True)
def test_with_debug_on_a_wrong_address_still_gets_the_apps_page_not_found(client, lead_a):
    client.force_login(lead_a)

    for url in ("/no-such-page/", reverse("reports:plan_detail", args=["no-such-plan"])):
        response = client.get(url)

        html = response.content.decode()
        assert response.status_code == 404, url
        assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
        # Django's technical page: "Page not found <small>(404)</small>", the URL patterns.
        assert "(404)" not in html
        assert "URLconf" not in html


@override_settings(DEBUG=True)
def test_with_debug_on_a_missing_slash_still_redirects(client, lead_a):
    client.force_login(lead_a)

    assert client.get("/sign-in").status_code == 301


@override_settings(DEBUG=True)
def test_with_debug_on_a_refusal_gets_the_apps_forbidden_page(client, lead_a, plan_a, plan_b):
    client.force_login(lead_a)

    refused = client.get(reverse("progress:month", args=[plan_a.slug]))
    other_area = client.get(reverse("reports:plan_detail", args=[plan_b.slug]))

    assert refused.status_code == 403
    assert "You cannot see this page" in refused.content.decode()
    assert other_area.status_code == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in other_area.content.decode()


@override_settings(DEBUG=True, SENDPLAN_DEBUG_PAGES=True)
def test_sendplan_debug_pages_asks_for_djangos_technical_page(client, lead_a):
    client.force_login(lead_a)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Using the URLconf defined in" in response.content.decode()
