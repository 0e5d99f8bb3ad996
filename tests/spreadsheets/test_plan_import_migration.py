"""PlanImport moved from reports to spreadsheets: an upgraded database keeps every stored
upload awaiting confirmation, its history and the permissions granted on it."""

import datetime as dt
import hashlib

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from sendplan.models import User
from spreadsheets.models import PlanImport, PlanImportStatus
from tests import factories
from tests.migration_states import schema_as_at, table_names

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BEFORE_THE_MOVE = ("reports", "0002_initial")
SHEET = b"ref,priority\n1.1,Meeting needs\n"


def test_uploads_stored_before_the_move_are_kept_with_their_history_and_permissions():
    # Each test runs the migrations back and forth: one test holds all that is kept.
    uploader = factories.UserFactory(username="pm")
    manager = factories.UserFactory(username="importer", is_staff=True)
    created = timezone.make_aware(dt.datetime(2023, 5, 9, 8, 0))
    fields = {
        "area_name": "Darlington",
        "plan_title": "Darlington WSoA",
        "slug": "darlington-wsoa",
        "month": dt.date(2023, 5, 1),
        "replace": False,
        "file_name": "plan.csv",
        "sha256": hashlib.sha256(SHEET).hexdigest(),
        "updates_name": "",
        "updates_sha256": "",
        "status": "previewed",
        "created_by_id": uploader.pk,
        "plan_id": None,
        "imported_at": None,
    }

    with schema_as_at(BEFORE_THE_MOVE) as old:
        assert "reports_planimport" in table_names()
        stored = old.get_model("reports", "PlanImport").objects.create(**fields, content=SHEET)
        old.get_model("reports", "HistoricalPlanImport").objects.create(
            **fields,
            id=stored.pk,
            created_at=created,
            history_date=created,
            history_type="+",
            history_user_id=uploader.pk,
        )
        manager.user_permissions.add(
            Permission.objects.get(content_type__app_label="reports", codename="add_planimport")
        )

    assert "reports_planimport" not in table_names()
    upload = PlanImport.objects.get(pk=stored.pk)
    assert (upload.file_name, upload.status, upload.created_by) == (
        "plan.csv",
        PlanImportStatus.PREVIEWED,
        uploader,
    )
    assert upload.content_matches()
    entry = upload.history.get()
    assert (entry.history_type, entry.history_user, entry.file_name) == ("+", uploader, "plan.csv")
    # The table goes on numbering its rows after the ones it brought with it.
    later = PlanImport.objects.create(**fields, content=SHEET)
    assert later.pk > upload.pk

    assert User.objects.get(pk=manager.pk).has_perm("spreadsheets.add_planimport")
