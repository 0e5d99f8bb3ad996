"""manage.py benchmark: figures for each page, and a hello-world view only it can reach."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def installation():
    call_command("generate_demo_data", "--areas", "1", "--months", "2", verbosity=0)


def _benchmark(*args):
    out = StringIO()
    call_command(
        "benchmark",
        "--pages-only",
        "--repeat",
        "2",
        "--warmup",
        "0",
        "--import-repeat",
        "1",
        "--import-rows",
        "12",
        *args,
        stdout=out,
    )
    return out.getvalue()


def test_the_benchmark_times_every_page_against_the_hello_world_view(installation):
    figures = json.loads(_benchmark("--json"))
    assert figures["plan"] == "area01-wsoa"
    assert figures["installation"]["areas"] == 1
    pages = {p["name"]: p for p in figures["pages"]}
    assert pages["hello-world view"]["status"] == 200
    assert pages["plan page"]["status"] == 200
    assert len(pages["plan page"]["samples_ms"]) == 2
    assert pages["plan page"]["median"] > 0
    assert pages["readiness page"]["status"] == 200, pages["readiness page"]
    assert pages["readiness page"]["median"] > 0
    assert pages["import of a 12-row sheet"]["status"] == 200, pages["import of a 12-row sheet"]


def test_the_programme_managers_pages_are_timed_signed_in_as_the_manager(installation):
    # The months page answers 403 to the lead the benchmark signs in as; timing it as the
    # lead would time the 403 page.
    pages = {p["name"]: p for p in json.loads(_benchmark("--json"))["pages"]}
    assert pages["months page"]["status"] == 200, pages["months page"]
    assert pages["months page"]["median"] > 0
    assert pages["home, programme manager"]["status"] == 200


def test_the_printed_report_gives_medians_and_ratios(installation):
    out = _benchmark()
    assert "hello-world view" in out
    assert "plan page" in out
    assert "x hello" in out


def test_the_import_is_rolled_back(installation):
    from sendplan.models import Area

    _benchmark()
    assert not Area.objects.filter(name="Benchmark import area").exists()


def test_the_hello_world_view_is_not_part_of_the_site(client, installation):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="area01-lead1"))
    assert client.get("/benchmark/hello").status_code == 404


def test_the_benchmark_knows_when_the_hashed_static_files_are_missing_or_old(tmp_path, settings):
    import os

    from demo.benchmarks.measure import static_files_stale

    sources, collected = tmp_path / "static", tmp_path / "collected"
    sources.mkdir()
    collected.mkdir()
    (sources / "app.css").write_text("body {}")
    settings.STATICFILES_DIRS = [sources]
    settings.STATIC_ROOT = collected
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    assert static_files_stale()  # never collected

    manifest = collected / "staticfiles.json"
    manifest.write_text('{"paths": {}, "version": "1.1"}')
    os.utime(sources / "app.css", (1_000_000, 1_000_000))
    assert not static_files_stale()

    os.utime(sources / "app.css", None)  # edited after the last collectstatic
    os.utime(manifest, (1_000_000, 1_000_000))
    assert static_files_stale()


def test_the_partner_review_and_change_request_pages_are_timed_as_who_uses_them(installation):
    from outcomes.models import TargetChangeRequest
    from reports.models import PartnerReview, ReviewResponse

    pages = {p["name"]: p for p in json.loads(_benchmark("--json"))["pages"]}
    for name in (
        "partner review",
        "partner review, reviewer",
        "changes to decide",
        "ask to change a target",
        "ask to move a due date",
        "decide a change",
    ):
        assert pages[name]["status"] == 200, pages[name]
        assert pages[name]["median"] > 0
    # What the rows need is made once: a second run adds nothing.
    _benchmark("--json")
    assert PartnerReview.objects.count() == 1
    assert ReviewResponse.objects.count() == 1
    assert TargetChangeRequest.objects.pending().count() == 1
