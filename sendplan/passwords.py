"""Password rules beyond Django's own: no words from the service, the user's account or
the user's areas.

Length, the common-password list and similarity to the user's name are Django's
validators (settings.AUTH_PASSWORD_VALIDATORS). There are no composition rules and no
expiry (NCSC and ASVS 6.2 advise against both).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

SERVICE_WORDS = ("sendplan", "send plan", "wsoa", "written statement of action")
MIN_WORD_CHARS = 4


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


class ContextWordsValidator:
    """Refuses a password containing the service's name, the user's username or names,
    or the name of one of the user's local areas ("Darlington2023!" is the first thing
    an attacker tries). Django's UserAttributeSimilarityValidator compares the whole
    password only, so "jsmith-lakes-kayak" passes it."""

    def _words(self, user) -> list[str]:
        words = list(SERVICE_WORDS)
        if user is not None:
            email = getattr(user, "email", "") or ""
            words.extend(
                [
                    getattr(user, "username", "") or "",
                    getattr(user, "first_name", "") or "",
                    getattr(user, "last_name", "") or "",
                    email.split("@")[0],
                ]
            )
        if user is not None and getattr(user, "pk", None):
            from .models import Area

            for area in Area.objects.filter(memberships__user=user).distinct():
                words.extend([area.name, area.slug])
        return [w for w in (_squash(w) for w in words) if len(w) >= MIN_WORD_CHARS]

    def validate(self, password: str, user=None) -> None:
        squashed = _squash(password)
        for word in self._words(user):
            if word in squashed:
                raise ValidationError(
                    "Your password must not contain the name of this service or of your local area",
                    code="password_context_word",
                )

    def get_help_text(self) -> str:
        return "Your password must not contain the name of this service or of your local area."
