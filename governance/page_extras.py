"""What the apps above governance add to its forum and meeting pages.

Governance imports none of them. An app with something to show there (the reports app:
the progress statements issued to a forum or for a meeting) adds a function here from its
``AppConfig.ready()``; the page calls each function with its forum or meeting and puts the
dict it returns into the template's context.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Forum, Meeting

_forum_page: list[Callable[[Forum], dict]] = []
_meeting_page: list[Callable[[Meeting], dict]] = []


def add_to_forum_page(context: Callable[[Forum], dict]) -> None:
    if context not in _forum_page:
        _forum_page.append(context)


def add_to_meeting_page(context: Callable[[Meeting], dict]) -> None:
    if context not in _meeting_page:
        _meeting_page.append(context)


def forum_page(forum: Forum) -> dict:
    return {key: value for context in _forum_page for key, value in context(forum).items()}


def meeting_page(meeting: Meeting) -> dict:
    return {key: value for context in _meeting_page for key, value in context(meeting).items()}
