"""Pages of the core app that are not about one plan: sign-in, home, health."""

from __future__ import annotations

import logging

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import connection
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .access import ADVISER, ADVISER_LABEL, area_access
from .hooks import home_panels
from .models import Area, Membership, Plan
from .months import BadMonthOrDate

logger = logging.getLogger(__name__)


class SignInForm(AuthenticationForm):
    """Django's sign-in form with GOV.UK error messages. The same message is shown for an
    unknown username and a wrong password, so it does not reveal who has an account."""

    username = forms.CharField(
        label="Username",
        max_length=150,
        error_messages={"required": "Enter your username"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
                "class": "govuk-input govuk-!-width-one-half",
            }
        ),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(
            attrs={
                "autocomplete": "current-password",
                "class": "govuk-input govuk-!-width-one-half",
            }
        ),
    )
    error_messages = {
        "invalid_login": "Enter a correct username and password",
        "inactive": "This account cannot sign in. Ask your programme manager to restore it.",
    }


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


@require_safe
def home(request):
    """Each area the user may see with what matters to them there: what they owe and by
    when, who is missing, the next meeting, the latest issued pack (panels the apps
    register in sendplan.hooks), and the area's plans."""
    areas = list(
        Area.objects.for_user(request.user).prefetch_related(
            Prefetch("plans", queryset=Plan.objects.order_by("title")),
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(user=request.user),
                to_attr="my_memberships",
            ),
        )
    )
    if len(areas) == 1:
        # One area only: name it in the header, as its other pages do.
        request.area = areas[0]
    rows = []
    for area in areas:
        plans = list(area.plans.all())
        access = area_access(request.user, area)
        rows.append(
            {
                "area": area,
                "roles": [m.get_role_display() for m in area.my_memberships]
                + ([ADVISER_LABEL] if ADVISER in access.roles else []),
                "plans": plans,
                "panels": home_panels(request, access, plans),
            }
        )
    return render(request, "sendplan/home.html", {"rows": rows})


@login_not_required
@never_cache
@require_safe
def health(request):
    """For load balancers and uptime checks: 200 when the database answers, else 503.

    It never raises: a failing check must say "unavailable", not become a 500 page."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("Health check: the database did not answer", exc_info=True)
        return JsonResponse({"database": "unavailable"}, status=503)
    return JsonResponse({"database": "ok"})


def bad_request(request, exception):
    """The 400 page (``handler400``). A month or a date the address gives that a page cannot
    use (``BadMonthOrDate``) is named with what to enter instead, on the page as the user
    knows it. Any other bad request (an unknown host, too many fields) is answered as
    Django does, without a request context: its cause may make the request unsafe to use.
    """
    if isinstance(exception, BadMonthOrDate):
        return render(request, "400.html", {"message": str(exception)}, status=400)
    return HttpResponseBadRequest(loader.get_template("400.html").render())
