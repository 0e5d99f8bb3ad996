"""The monitoring-visit bundle: a ZIP of index.pdf and the evidence files, as at a moment,
built by the worker, frozen, and downloaded byte for byte."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from evidence import services
from reports.models import Bundle, PackBuild
from sendplan.models import Role
from tests import factories
from tests.evidence import conftest as evidence_world
from tests.evidence.files import big_pdf, upload, xlsx

TODAY = dt.date(2023, 6, 1)
# The evidence tests' area, plan, people and temporary evidence folder.
evidence_dir = evidence_world.evidence_dir
world = evidence_world.world
client_for = evidence_world.client_for


def _add(world, kind, obj, data, name, *, title, user=None):
    item = services.plan_item(world.plan, kind, obj.pk)
    return services.add_file(
        item, upload(data, name), user=user or world.users["pm"], title=title, dated=TODAY
    )


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def _index_text(archive: zipfile.ZipFile) -> str:
    reader = PdfReader(io.BytesIO(archive.read("index.pdf")))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_command_writes_the_index_and_each_file_byte_for_byte(world, tmp_path):
    report = big_pdf(50_000)
    sheet = xlsx()
    on_action = _add(world, "action", world.action, report, "panel minutes.pdf", title="Minutes")
    on_target = _add(world, "target", world.target, sheet, "audit.xlsx", title="Audit data")
    services.add_link(
        services.plan_item(world.plan, "action", world.action.pk),
        user=world.users["pm"],
        url="https://example.org/survey",
        title="Parent survey",
        dated=TODAY,
    )
    out = tmp_path / "bundle.zip"

    call_command("build_bundle", "--plan", world.plan.slug, "-o", str(out), stdout=io.StringIO())

    archive = _zip(out.read_bytes())
    assert sorted(archive.namelist()) == [
        "evidence/1.1/audit.xlsx",
        "evidence/1.1/panel minutes.pdf",
        "index.pdf",
    ]
    assert archive.read("evidence/1.1/panel minutes.pdf") == report
    assert archive.read("evidence/1.1/audit.xlsx") == sheet
    text = " ".join(_index_text(archive).split())
    for evidence in (on_action, on_target):
        assert evidence.sha256 in text.replace(" ", "") or evidence.sha256 in text
    assert "evidence/1.1/panel minutes.pdf" in text
    assert "Parent survey" in text and "https://example.org/survey" in text
    assert "Publish the local offer" in text


def test_as_at_leaves_out_what_came_later_and_keeps_what_was_withdrawn_later(world, tmp_path):
    early = _add(world, "action", world.action, big_pdf(2_000), "early.pdf", title="Early")
    gone = _add(world, "action", world.action, big_pdf(2_000), "gone.pdf", title="Gone")
    services.withdraw(gone, user=world.users["pm"], reason="Wrong file")
    moment = timezone.now()
    later = _add(world, "action", world.action, big_pdf(2_000), "later.pdf", title="Later")
    services.withdraw(early, user=world.users["pm"], reason="Replaced")
    assert later.pk

    from reports.bundles import collect, write_bundle

    buffer = io.BytesIO()
    write_bundle(buffer, collect(world.plan, as_at=moment))

    assert [n for n in _zip(buffer.getvalue()).namelist() if n != "index.pdf"] == [
        "evidence/1.1/early.pdf"
    ]


def test_two_files_of_the_same_name_are_both_kept(world, tmp_path):
    _add(world, "action", world.action, big_pdf(2_000), "minutes.pdf", title="One")
    _add(world, "target", world.target, big_pdf(3_000), "minutes.pdf", title="Two")
    out = tmp_path / "b.zip"
    call_command("build_bundle", "--plan", world.plan.slug, "-o", str(out), stdout=io.StringIO())
    names = sorted(_zip(out.read_bytes()).namelist())
    assert names == ["evidence/1.1/minutes (2).pdf", "evidence/1.1/minutes.pdf", "index.pdf"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--plan", "no-such-plan"], 'There is no plan with the slug "no-such-plan".'),
        (["--priority", "9"], 'The plan has no priority "9". Its priorities are: 1.'),
        (
            ["--as-at", "30/06/2023"],
            'Enter --as-at as a date such as 2023-06-30, not "30/06/2023".',
        ),
    ],
)
def test_the_command_refuses_bad_input_with_a_message(world, tmp_path, args, message):
    base = ["--plan", world.plan.slug]
    if args[0] == "--plan":
        base = []
    out = tmp_path / "b.zip"
    with pytest.raises(CommandError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        call_command("build_bundle", *base, *args, "-o", str(out))
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_the_assurance_executive_builds_one_and_downloads_exactly_what_was_built(world):
    data = big_pdf(20_000)
    _add(world, "action", world.action, data, "minutes.pdf", title="Minutes")
    executive = factories.UserFactory(username="ev-sae")
    factories.MembershipFactory(user=executive, area=world.area, role=Role.ASSURANCE_EXECUTIVE)
    client = client_for(executive)
    url = reverse("reports:bundles", kwargs={"plan_slug": world.plan.slug})

    response = client.post(url, {"priority": "", "as_at": ""})

    bundle = Bundle.objects.get()
    assert response["Location"] == bundle.get_absolute_url()
    assert bundle.status == PackBuild.ISSUED and bundle.file_count == 1
    page = client.get(bundle.get_absolute_url()).content.decode()
    assert "Ready" in page and bundle.sha256 in page
    download = client.get(
        reverse(
            "reports:bundle_download", kwargs={"plan_slug": world.plan.slug, "bundle_id": bundle.pk}
        )
    )
    body = b"".join(download.streaming_content)
    assert hashlib.sha256(body).hexdigest() == bundle.sha256
    assert download["Content-Disposition"].startswith('attachment; filename="bundle-')
    assert download["X-Content-Type-Options"] == "nosniff"
    assert _zip(body).read("evidence/1.1/minutes.pdf") == data
    # The list shows it, ready.
    assert "Ready, 1 file" in client.get(url).content.decode()


def test_a_date_in_the_future_is_refused_and_nothing_is_queued(world):
    client = client_for(world.users["pm"])
    url = reverse("reports:bundles", kwargs={"plan_slug": world.plan.slug})
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(url, {"priority": "", "as_at": tomorrow.isoformat()})
    assert response.status_code == 400
    assert "The date must be today or in the past." in response.content.decode()
    assert not Bundle.objects.exists()


def test_every_member_downloads_bundles_but_only_report_roles_build_them(world):
    url = reverse("reports:bundles", kwargs={"plan_slug": world.plan.slug})
    client_for(world.users["pm"]).post(url, {"priority": "", "as_at": ""})
    bundle = Bundle.objects.get()
    retry = reverse(
        "reports:bundle_retry", kwargs={"plan_slug": world.plan.slug, "bundle_id": bundle.pk}
    )
    download = reverse(
        "reports:bundle_download", kwargs={"plan_slug": world.plan.slug, "bundle_id": bundle.pk}
    )
    for user in (world.users["viewer"], world.users["lead"]):
        client = client_for(user)
        page = client.get(url)
        assert page.status_code == 200
        assert "Build a bundle" not in page.content.decode()
        assert client.get(download).status_code == 200
        assert client.post(url, {"priority": ""}).status_code == 403
        assert client.post(retry).status_code == 403
    outsider = client_for(world.users["outsider"])
    for page in (url, bundle.get_absolute_url(), download):
        assert outsider.get(page).status_code == 404
    assert outsider.post(url, {"priority": ""}).status_code == 404
    assert Bundle.objects.count() == 1
