"""Pages for two-factor sign-in: enter a code, set up an authenticator app, backup codes.

Programme managers and site administrators must enter a code before any write or admin
page when SENDPLAN_REQUIRE_MFA is on (see ``sendplan.access``); anyone may set up an app.
"""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import is_verified
from .audit_log import log_event
from .otp import new_backup_codes, normalise_code, verify_backup_code

APP_DEVICE_NAME = "Authenticator app"


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


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request):
    """Set up an authenticator app: scan the QR code, enter the code it shows.

    Someone who already has an app must enter a code first, so a stolen password alone
    cannot add a second app."""
    user = request.user
    next_url = _next_url(request)
    if user_has_device(user) and not is_verified(user):
        return redirect(reverse("otp_verify") + "?" + urlencode({"next": request.path}))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", "Too many wrong codes. Wait a minute, then enter a new code.")
        elif device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = new_backup_codes(user)
            request.session.cycle_key()
            otp_login(request, device)
            log_event(request, "mfa_enrolled")
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
