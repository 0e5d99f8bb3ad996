"""Reading a page's form as a browser would submit it (for the load and crash scripts)."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class FormFields(HTMLParser):
    """The fields a browser would submit from the first form holding ``marker``."""

    def __init__(self, marker: str):
        super().__init__()
        self.marker = marker
        self.forms: list[list[tuple[str, str]]] = []
        self.radios: list[dict[str, list[str]]] = []
        self._form: list | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = []
            self.forms.append(self._form)
            self.radios.append({})
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "radio":
                self.radios[-1].setdefault(name, []).append(a.get("value", ""))
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self._form.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self._form.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self._form.append((self._select, a.get("value", "")))

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea and self._form is not None:
            self._form.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None

    def form(self) -> tuple[list[tuple[str, str]], dict[str, list[str]]] | None:
        for fields, radios in zip(self.forms, self.radios, strict=True):
            if any(name.endswith(self.marker) for name, _ in fields):
                return fields, radios
        return None


TASK_LINK = re.compile(r'class="govuk-link govuk-task-list__link" href="([^"#]+)')


def first_section(task_list_html: str, task_list_path: str) -> str:
    """The page of the lead's first part of the month, read from their task list (the page
    the update forms are on); the task list's own address when it lists nothing."""
    found = TASK_LINK.search(task_list_html)
    return found.group(1).replace("&amp;", "&") if found else task_list_path
