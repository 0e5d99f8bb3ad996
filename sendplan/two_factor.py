"""Pages for two-factor sign-in: enter a code, set up an authenticator app, backup codes,
and the set-up links site administrators issue.

Programme managers and site administrators must enter a code before any write or admin
page when SENDPLAN_REQUIRE_MFA is on (see ``sendplan.access``). Setting up a first app
takes a set-up link opened after signing in (``sendplan.otp``), unless
SENDPLAN_MFA_SELF_ENROL is on; someone with an app enters a code from it to replace it.
"""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import VerificationRequired, is_verified, needs_second_factor
from .audit_log import log_event
from .models import TwoFactorSetupLink, User
from .otp import (
    issue_setup_link,
    new_backup_codes,
    normalise_code,
    setup_link_for,
    use_setup_link,
    verify_backup_code,
)

APP_DEVICE_NAME = "Authenticator app"
# The set-up link this session opened (its id): the token itself leaves the address bar.
SETUP_LINK_SESSION_KEY = "sendplan_two_factor_setup_link"
# The app this session is setting up (its unconfirmed device's id).
PENDING_APP_SESSION_KEY = "sendplan_two_factor_pending_app"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        help_text="The 6-digit code from your authenticator app, or one of your backup codes.",
        max_length=20,
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "govuk-input govuk-input--width-10",
            }
        ),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError("Enter the code from your authenticator app")
        return code


class SetupCodeForm(CodeForm):
    code = forms.CharField(
        label="Code from the app",
        help_text="After scanning, the app shows a 6-digit code.",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=CodeForm.base_fields["code"].widget,
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the 6-digit code from your authenticator app")
        return code


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("home")


def _verify_code(user, code: str):
    """The device that accepts ``code`` and a message if none does. A failure counts
    against the device (django-otp's throttling: 1, 2, 4... seconds between tries)."""
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if not allowed:
            return None, "Too many wrong codes. Wait a minute, then enter a new code."
        with transaction.atomic():
            locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            if code.isdigit() and locked.verify_token(code):
                return locked, None
    if not code.isdigit():
        device = verify_backup_code(user, code)
        if device is not None:
            return device, None
    return None, "The code is not right, or it has been used. Enter a new code."


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    """Ask for a code from the user's authenticator app (or a backup code)."""
    next_url = _next_url(request)
    if is_verified(request.user):
        return redirect(next_url)
    if not user_has_device(request.user):
        return redirect(reverse("two_factor") + "?" + urlencode({"next": next_url}))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, problem = _verify_code(request.user, form.cleaned_data["code"])
        if device is not None:
            # A new session key when the session gains a privilege (ASVS 7.2.4).
            request.session.cycle_key()
            otp_login(request, device)
            log_event(request, "mfa_verified", device=device.__class__.__name__)
            return redirect(next_url)
        log_event(request, "mfa_failed")
        form.add_error("code", problem)
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_url})


def _qr_data_uri(url: str) -> str:
    # An <img> with a data: URI: the CSP allows data: images and no inline SVG markup
    # or script is needed.
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _opened_link(request) -> TwoFactorSetupLink | None:
    """The set-up link this session opened, while it can still be used."""
    link_id = request.session.get(SETUP_LINK_SESSION_KEY)
    if not isinstance(link_id, int):
        return None
    return TwoFactorSetupLink.objects.usable().filter(pk=link_id, user=request.user).first()


def _pending_app(request) -> TOTPDevice:
    """The unconfirmed app this session is setting up, or a new one. A key is only ever
    confirmed in the session it was shown to: an unconfirmed app left by another session
    (someone else with the password, before set-up links) is deleted, not reused."""
    device_id = request.session.get(PENDING_APP_SESSION_KEY)
    device = None
    if isinstance(device_id, int):
        device = TOTPDevice.objects.filter(pk=device_id, user=request.user, confirmed=False).first()
    if device is None:
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=request.user, name=APP_DEVICE_NAME, confirmed=False)
        request.session[PENDING_APP_SESSION_KEY] = device.pk
    return device


def _link_needed(request, *, invalid_link: bool = False):
    # Status 200 even for a link that does not work, as Django's password reset does:
    # Django logs the path of a 4xx response, and the token of another user's link
    # would reach the log.
    user = request.user
    return render(
        request,
        "registration/two_factor_link_needed.html",
        {
            "needs_app": needs_second_factor(user) and not user_has_device(user),
            "invalid_link": invalid_link,
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request):
    """Set up an authenticator app: scan the QR code, enter the code it shows.

    A first app needs a set-up link opened in this session (unless SENDPLAN_MFA_SELF_ENROL
    is on), so a stolen password alone cannot enrol the thief's phone. Someone who already
    has an app enters a code from it first, or opens a set-up link (a lost phone)."""
    user = request.user
    next_url = _next_url(request)
    link = _opened_link(request)
    if link is None:
        if user_has_device(user):
            if not is_verified(user):
                return redirect(reverse("otp_verify") + "?" + urlencode({"next": request.path}))
        elif not settings.SENDPLAN_MFA_SELF_ENROL:
            return _link_needed(request)
    device = _pending_app(request)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", "Too many wrong codes. Wait a minute, then enter a new code.")
        elif device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                if link is not None and not use_setup_link(link_id=link.pk, user=user):
                    # Used in another session, or expired, since the page was shown.
                    return _link_needed(request, invalid_link=True)
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = new_backup_codes(user)
            request.session.pop(SETUP_LINK_SESSION_KEY, None)
            request.session.pop(PENDING_APP_SESSION_KEY, None)
            request.session.cycle_key()
            otp_login(request, device)
            log_event(request, "mfa_enrolled", with_link=link is not None)
            return render(
                request,
                "registration/two_factor_backup_codes.html",
                {"codes": codes, "next": next_url, "just_set_up": True},
            )
        else:
            log_event(request, "mfa_failed")
            form.add_error("code", "The code is not right. Enter the code the app shows now.")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_code": _qr_data_uri(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": next_url,
            "has_app": user_has_device(user),
            "verified": is_verified(user),
        },
    )


@never_cache
@require_POST
def backup_codes(request):
    """Replace the backup codes (after entering a code) and show the new ones once."""
    if not is_verified(request.user):
        return redirect(reverse("otp_verify") + "?" + urlencode({"next": reverse("two_factor")}))
    codes = new_backup_codes(request.user)
    log_event(request, "mfa_backup_codes_replaced")
    messages.success(request, "Your old backup codes no longer work.")
    return render(
        request,
        "registration/two_factor_backup_codes.html",
        {"codes": codes, "next": reverse("home"), "just_set_up": False},
    )


@never_cache
@require_safe
def setup_link(request, token: str):
    """Open a set-up link, signed in as the person it was issued to: the session remembers
    it and goes on to the set-up page, where the link is used up when the app is set up."""
    link = setup_link_for(request.user, token)
    if link is None:
        log_event(request, "mfa_setup_link_refused")
        return _link_needed(request, invalid_link=True)
    request.session[SETUP_LINK_SESSION_KEY] = link.pk
    log_event(request, "mfa_setup_link_opened")
    return redirect("two_factor")


class IssueLinkForm(forms.Form):
    username = forms.CharField(
        label="Username",
        help_text="The username of the person who will set up an authenticator app.",
        max_length=150,
        error_messages={"required": "Enter the username of the person the link is for"},
        widget=forms.TextInput(
            attrs={
                "autocapitalize": "none",
                "spellcheck": "false",
                "class": "govuk-input govuk-!-width-one-half",
            }
        ),
    )

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError("Enter the username of an existing account")
        if not user.is_active:
            raise forms.ValidationError(
                "Enter the username of an account that can sign in: this one is deactivated"
            )
        return user


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def issue_link(request):
    """Site administrators: issue someone a set-up link and show it, once."""
    if not request.user.is_superuser:
        raise PermissionDenied("Only site administrators issue set-up links.")
    if needs_second_factor(request.user) and not is_verified(request.user):
        raise VerificationRequired("Enter a code from your authenticator app first.")
    form = IssueLinkForm(request.POST or None, initial={"username": request.GET.get("username")})
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["username"]
        token, link = issue_setup_link(user=person, issued_by=request.user)
        log_event(request, "mfa_setup_link_issued", recipient=person.username)
        return render(
            request,
            "registration/two_factor_link_issued.html",
            {
                "person": person,
                "link": link,
                "url": request.build_absolute_uri(reverse("two_factor_link", args=[token])),
                "has_app": user_has_device(person),
            },
        )
    return render(request, "registration/two_factor_issue_link.html", {"form": form})
