"""Two-factor sign-in rules: the admin site that insists on a verified authenticator,
backup codes that are stored hashed, and the set-up links a site administrator issues.

django-otp stores its static (backup) tokens as plain text. We keep its StaticDevice and
StaticToken tables, with their single use and throttling, but what we store in
``StaticToken.token`` is a slow hash of the code: a copy of the database does not give
away a way in. ``verify_backup_code()`` hashes what the user typed and lets django-otp
look the hash up.

A set-up link lets its user set up an authenticator app, once, within 24 hours, after
signing in with their password; without one (and unless SENDPLAN_MFA_SELF_ENROL is on) a
first app cannot be set up, so a stolen password alone cannot enrol the thief's phone.
Only a hash of the link's token is stored: it is a random 256-bit secret, so one round of
SHA-256 is enough.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import secrets

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from .access import is_verified, needs_second_factor
from .admin_scope import ScopedAdmin
from .history import save_with_history
from .models import TwoFactorSetupLink, User

BACKUP_CODE_COUNT = 10
BACKUP_CODE_DEVICE_NAME = "Backup codes"
# 12 characters from a 32-letter alphabet: 60 random bits, so that even with the slow
# hash below, guessing from a stolen hash is out of reach.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_CODE_LENGTH = 12
_HASH_ITERATIONS = 100_000


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def hash_backup_code(user, code: str) -> str:
    """The 16 characters stored for ``code`` (StaticToken.token holds at most 16).

    The salt is per user, and 80 bits of a PBKDF2 hash of a 60-bit random code is
    enough: unlike a password, the code is never chosen by a person."""
    digest = hashlib.pbkdf2_hmac(
        "sha256",
        normalise_code(code).encode(),
        f"sendplan-backup-code:{user.pk}".encode(),
        _HASH_ITERATIONS,
    )
    return base64.b32encode(digest).decode()[:16].lower()


def new_backup_codes(user) -> list[str]:
    """Replace the user's backup codes with new ones; return them to be shown once."""
    codes = [
        "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_LENGTH))
        for _ in range(BACKUP_CODE_COUNT)
    ]
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=BACKUP_CODE_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        for code in codes:
            StaticToken.objects.create(device=device, token=hash_backup_code(user, code))
    return [f"{code[:4]}-{code[4:8]}-{code[8:]}" for code in codes]


def verify_backup_code(user, code: str) -> StaticDevice | None:
    """The backup-code device that accepted ``code`` (which is used up), or None.

    django-otp's throttling applies: after each failure the next attempt must wait
    1, 2, 4... seconds."""
    hashed = hash_backup_code(user, code)
    with transaction.atomic():
        for device in StaticDevice.objects.devices_for_user(user).select_for_update():
            if device.verify_token(hashed):
                return device
    return None


def _hash_link_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_setup_link(*, user: User, issued_by: User) -> tuple[str, TwoFactorSetupLink]:
    """A new set-up link for ``user``: its token, to be shown once, and its record. The
    user's earlier links that have not been used stop working."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        for earlier in TwoFactorSetupLink.objects.filter(user=user).usable(now):
            earlier.expires_at = now
            save_with_history(earlier, user=issued_by, update_fields=["expires_at"])
        link = TwoFactorSetupLink(
            user=user,
            token_hash=_hash_link_token(token),
            issued_by=issued_by,
            issued_at=now,
            expires_at=now + TwoFactorSetupLink.LIFETIME,
        )
        save_with_history(link, user=issued_by)
    return token, link


def setup_link_for(user: User, token: str) -> TwoFactorSetupLink | None:
    """``user``'s usable link with this token, or None (used, expired, another user's,
    or no such link)."""
    if not user.is_authenticated:
        return None
    return (
        TwoFactorSetupLink.objects.usable()
        .filter(user=user, token_hash=_hash_link_token(token))
        .first()
    )


def use_setup_link(*, link_id: int, user: User) -> bool:
    """Mark the link used as ``user`` sets up an app with it; False if it can no longer be
    used (used meanwhile, expired, not theirs). Call it inside the set-up's transaction."""
    link = (
        TwoFactorSetupLink.objects.usable()
        .select_for_update()
        .filter(pk=link_id, user=user)
        .first()
    )
    if link is None:
        return False
    link.used_at = timezone.now()
    save_with_history(link, user=user, update_fields=["used_at"])
    return True


def _check_pk(model, object_id) -> None:
    """404 for an id that is not a possible primary key ("abc", or beyond 64 bits)."""
    try:
        value = model._meta.pk.to_python(unquote(object_id))
    except (ValidationError, ValueError, TypeError):
        raise Http404("No such record.") from None
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        raise Http404("No such record.")


def _guard_history_views(model_admin) -> None:
    """django-simple-history's history pages use the id from the URL unchecked: an id
    that is not a number was a 500. (Records outside the user's areas are not found on
    these pages either: sendplan.admin_scope.ScopedAdmin.)"""
    history_view = getattr(model_admin, "history_view", None)
    form_view = getattr(model_admin, "history_form_view", None)
    if history_view is None or form_view is None:
        return

    @functools.wraps(history_view)
    def guarded_history(request, object_id, extra_context=None):
        _check_pk(model_admin.model, object_id)
        return history_view(request, object_id, extra_context)

    @functools.wraps(form_view)
    def guarded_form(request, object_id, version_id, extra_context=None):
        if not str(version_id).isdigit() or len(str(version_id)) > 18:
            raise Http404("No such version.")
        _check_pk(model_admin.model, object_id)
        return form_view(request, object_id, version_id, extra_context)

    model_admin.history_view = guarded_history
    model_admin.history_form_view = guarded_form


def _for_site_administrators_only(model_admin) -> None:
    """A model admin that does not limit staff to their areas (a ScopedAdmin does) is for
    site administrators only: Django's groups carry permissions, django-otp's devices are
    other users' second factors, django-axes' logs name users of every area."""
    for name in (
        "has_module_permission",
        "has_view_permission",
        "has_add_permission",
        "has_change_permission",
        "has_delete_permission",
    ):
        allowed = getattr(model_admin, name)

        def if_site_administrator(request, *args, _allowed=allowed, **kwargs):
            return request.user.is_superuser and _allowed(request, *args, **kwargs)

        setattr(model_admin, name, if_site_administrator)


class SendplanAdminSite(admin.AdminSite):
    """Django's admin, open only to staff who entered an authenticator code in this
    session (when SENDPLAN_REQUIRE_MFA is on). Its sign-in page is ours."""

    site_header = "sendplan administration"
    site_title = "sendplan admin"

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, admin_class, **options)
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        for model in models:
            if model in self._registry:  # a swapped model (auth.User) is not registered
                _guard_history_views(self._registry[model])
                if not isinstance(self._registry[model], ScopedAdmin):
                    _for_site_administrators_only(self._registry[model])

    def get_urls(self):
        # Django's "view on site" redirect looks the record up in the whole table, and
        # its address names it (a plan's slug): ask the record's model admin first.
        view_on_site = path(
            "r/<path:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [view_on_site, *super().get_urls()]

    def view_on_site(self, request, content_type_id, object_id):
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except (ContentType.DoesNotExist, ValueError):
            raise Http404("No such record.") from None
        model_admin = self._registry.get(model)
        if (
            model_admin is None
            or not model_admin.has_view_or_change_permission(request)
            or model_admin.get_object(request, unquote(object_id)) is None
        ):
            raise Http404("No such record in your areas.")
        return contenttype_views.shortcut(request, content_type_id, object_id)

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not needs_second_factor(request.user) or is_verified(request.user)

    def login(self, request, extra_context=None):
        # One sign-in page for the whole service, then the code page if needed.
        next_url = request.GET.get("next") or reverse("admin:index")
        if request.user.is_authenticated:
            if not super().has_permission(request):
                raise PermissionDenied("The admin is for site administrators.")
            if not self.has_permission(request):
                return redirect(reverse("otp_verify") + "?" + urlencode({"next": next_url}))
            return redirect(next_url if url_has_allowed_host_and_scheme(next_url, None) else "/")
        return redirect(reverse(settings.LOGIN_URL) + "?" + urlencode({"next": next_url}))
