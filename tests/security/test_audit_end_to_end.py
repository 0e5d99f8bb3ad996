"""F16 end to end: after writes through the web, the admin, the spreadsheet import and
management commands, no new history row lacks the acting user."""

from __future__ import annotations

import io

from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from spreadsheets.services import export_plan

from .conftest import PASSWORD
from .test_hostile_text import form_fields

DOMAIN_APPS = {
    "sendplan",
    "actions",
    "outcomes",
    "progress",
    "governance",
    "reports",
    "spreadsheets",
    "demo",
}


def history_models():
    for model in apps.get_models():
        if model._meta.app_label in DOMAIN_APPS and model.__name__.startswith("Historical"):
            yield model


def high_water() -> dict:
    return {
        model: (
            model.objects.order_by("-history_id").values_list("history_id", flat=True).first() or 0
        )
        for model in history_models()
    }


def signed_in(username: str) -> Client:
    client = Client()
    assert (
        client.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_no_history_row_lacks_its_user_whatever_wrote_it(world, tmp_path):
    before = high_water()

    # The web: a lead's monthly update.
    lead = signed_in("canary-lead")
    page_url = reverse(
        "progress:my_section", kwargs={"plan_slug": world.plan.slug, "section": world.issue.ref}
    )
    fields = form_fields(lead.get(page_url).content.decode())
    fields[f"story-{world.issue.pk}-narrative"] = "Progress this month."
    assert lead.post(page_url, fields).status_code == 302

    # The admin: a change to a plan record, and an import through the admin.
    admin = signed_in("canary-admin")
    change_url = reverse("admin:actions_storyentry_change", args=[world.story.pk])
    fields = form_fields(admin.get(change_url).content.decode())
    fields["narrative"] = "<p>Corrected in the admin.</p>"
    fields["_save"] = "Save"
    assert admin.post(change_url, fields).status_code == 302
    upload = io.BytesIO(export_plan(plan=world.plan, fmt="csv"))
    upload.name = "plan.csv"
    added = admin.post(
        reverse("admin:spreadsheets_planimport_add"),
        {"file": upload, "area_name": world.area.name, "plan_title": "Audited import"},
    )
    assert added.status_code == 302
    sha = form_fields(admin.get(added["Location"]).content.decode())["sha256"]
    assert admin.post(added["Location"], {"sha256": sha}).status_code == 302

    # Management commands: the import and the demo seed.
    plan_file = tmp_path / "plan.csv"
    plan_file.write_bytes(export_plan(plan=world.plan, fmt="csv"))
    call_command(
        "import_plan",
        str(plan_file),
        "--area",
        "Command Area",
        "--plan",
        "Command plan",
        stdout=io.StringIO(),
    )
    call_command("seed_demo", stdout=io.StringIO())

    new_rows = 0
    missing = {}
    for model, high in before.items():
        rows = model.objects.filter(history_id__gt=high)
        new_rows += rows.count()
        nulls = rows.filter(history_user__isnull=True).count()
        if nulls:
            missing[model.__name__] = nulls
    assert missing == {}
    assert new_rows > 500  # the seed alone writes hundreds
