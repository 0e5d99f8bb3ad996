"""F11: hostile rich text. 50+ payloads saved as story so far, through the sanitiser, the
monthly update form, the admin and the import, are stored and shown with 0 banned tags,
0 on*= handlers, 0 style= and 0 links other than http(s) and mailto; cleaning is
idempotent."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from actions.models import StoryEntry
from sendplan.text import sanitise_narrative

from .conftest import client_for
from .xss_payloads import PAYLOADS, banned_markup


def marked(i: int) -> tuple[str, str]:
    return f"HOSTILE-START-{i}", f"HOSTILE-END-{i}"


def all_payloads() -> str:
    """Every payload between markers, each in its own paragraph."""
    parts = []
    for i, payload in enumerate(PAYLOADS):
        start, end = marked(i)
        parts.append(f"<p>{start}</p>{payload}<p>{end}</p>")
    return "\n".join(parts)


def test_there_are_at_least_50_payloads():
    assert len(PAYLOADS) >= 50
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def test_the_checker_finds_what_it_should():
    assert banned_markup("<p>fine <a href='https://x.example'>x</a></p>") == []
    assert banned_markup("<script>x</script>") == ["<script>"]
    assert banned_markup("<p onclick=x>") == ["p onclick="]
    assert banned_markup('<a href=" javascript:x">') == ["href=' javascript:x'"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_sanitiser_leaves_nothing_that_can_run(payload):
    clean = sanitise_narrative(payload)

    assert banned_markup(clean) == []
    assert sanitise_narrative(clean) == clean  # idempotent


def test_the_sanitiser_keeps_the_formatting_it_allows():
    clean = sanitise_narrative(
        "<p><strong>Done</strong> <em>on time</em></p><ul><li>one</li></ul>"
        '<a href="https://example.org/x">see</a> <a href="mailto:a@example.org">mail</a>'
    )

    assert "<strong>Done</strong>" in clean and "<em>on time</em>" in clean
    assert "<ul><li>one</li></ul>" in clean
    assert 'href="https://example.org/x"' in clean and 'href="mailto:a@example.org"' in clean


class FormFields(HTMLParser):
    """The values a browser would send for the first form with method=post and a textarea."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("radio", "checkbox") and "checked" not in attrs:
                return
            self.fields[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_fields(html: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html)
    return parser.fields


def assert_safe(html: str):
    """Nothing in ``html`` can run, and the payloads did reach it (some markers survive:
    a payload like <plaintext> or <style> takes the rest of the text with it)."""
    assert banned_markup(html) == []
    assert "HOSTILE-START-0" in html


def narratives(page: str) -> str:
    return "".join(
        re.findall(r'<div class="govuk-body sendplan-narrative">(.*?)</div>', page, re.DOTALL)
    )


def test_payloads_typed_into_the_monthly_update_are_stored_and_shown_safe(world):
    client = client_for(world.users["lead"])
    page_url = reverse(
        "progress:my_section", kwargs={"plan_slug": world.plan.slug, "section": world.issue.ref}
    )
    page = client.get(page_url)
    assert page.status_code == 200
    fields = form_fields(page.content.decode())
    story_field = f"story-{world.issue.pk}-narrative"
    assert story_field in fields, sorted(fields)
    fields = {k: v for k, v in fields.items() if k != "csrfmiddlewaretoken"}
    fields[story_field] = all_payloads()

    response = client.post(page_url, fields)
    # Then submit it, so that the plan pages show it.
    fields = form_fields(client.get(page_url).content.decode())
    fields = {k: v for k, v in fields.items() if k != "csrfmiddlewaretoken"}
    fields[story_field] = all_payloads()
    fields["submit"] = "Submit"
    submitted = client.post(page_url, fields)

    assert response.status_code == 302, response.content.decode()[:3000]
    entry = StoryEntry.objects.get(issue=world.issue, month=world.open_month.month)
    assert_safe(entry.narrative)
    issue_page = client.get(
        reverse(
            "reports:issue_detail", kwargs={"plan_slug": world.plan.slug, "ref": world.issue.ref}
        ),
        {"month": f"{world.open_month.month:%Y-%m}"},
    )
    assert submitted.status_code in (302, 400), submitted.status_code
    shown = narratives(issue_page.content.decode())
    assert "HOSTILE-START" in shown, submitted.content.decode()[:2000]
    assert_safe(shown)
    again = client.get(page_url).content.decode()
    assert "HOSTILE-START-0" in again
    # The text box shows the stored HTML escaped, never as live markup.
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", again, re.DOTALL).group(1)
    assert "<script" not in textarea and "<img" not in textarea


def test_payloads_entered_in_the_admin_are_stored_safe(world):
    client = client_for(world.users["admin"])
    change_url = reverse("admin:actions_storyentry_change", args=[world.story.pk])
    fields = form_fields(client.get(change_url).content.decode())
    fields = {k: v for k, v in fields.items() if k != "csrfmiddlewaretoken"}
    fields["narrative"] = all_payloads()
    fields["_save"] = "Save"

    response = client.post(change_url, fields)

    assert response.status_code == 302, response.content.decode()[:3000]
    world.story.refresh_from_db()
    assert_safe(world.story.narrative)
    history = world.story.history.order_by("-history_id").first()
    assert_safe(history.narrative)
    assert history.history_user == world.users["admin"]


def named(data: bytes, name: str) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_payloads_in_an_imported_story_so_far_are_stored_safe(world):
    from spreadsheets.services import (
        confirm_plan_import,
        export_plan,
        export_plan_updates,
    )

    plan_csv = export_plan(plan=world.plan, fmt="csv")
    text = export_plan_updates(plan=world.plan).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    rows[1][rows[0].index("text")] = all_payloads()
    out = io.StringIO()
    csv.writer(out).writerows(rows)

    plan, _ = confirm_plan_import(
        source=named(plan_csv, "plan.csv"),
        updates=named(out.getvalue().encode(), "updates.csv"),
        area_name=world.area.name,
        plan_title="Imported hostile plan",
        slug="imported-hostile-plan",
        user=world.users["admin"],
    )

    stored = "".join(StoryEntry.objects.filter(plan=plan).values_list("narrative", flat=True))
    assert_safe(stored)
    client = client_for(world.users["admin"])
    page = client.get(
        reverse("reports:issue_detail", kwargs={"plan_slug": plan.slug, "ref": world.issue.ref})
    )
    assert page.status_code == 200
    assert banned_markup(narratives(page.content.decode())) == []
