import pytest
from django.test import Client
from django.urls import reverse

from public import services
from public.models import SummaryVersion, VersionState


def _write(plan, text, status="amber"):
    draft = services.get_draft(plan=plan)
    for account in draft.accounts.all():
        account.account = text
        account.changed_for_families = "Families now get a reply within a week."
        account.status = status
        account.save()
    return draft


def _public_url(plan):
    return reverse("public:summary", args=[plan.area.slug, plan.slug])


def _write_url(plan):
    return reverse("public:write", args=[plan.slug])


@pytest.mark.django_db
def test_an_unpublished_plan_and_an_unknown_plan_answer_404(plan_a, priorities):
    _write(plan_a, "We checked every plan.")
    assert Client().get(_public_url(plan_a)).status_code == 404
    assert Client().get("/public/nowhere/no-plan/").status_code == 404
    assert Client().get(f"/public/{plan_a.area.slug}/no-plan/").status_code == 404


@pytest.mark.django_db
def test_anyone_reads_a_published_summary_with_no_cookie_set(plan_a, priorities):
    _write(plan_a, "We checked every plan.")
    services.publish_summary(plan=plan_a)
    response = Client().get(_public_url(plan_a))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    body = response.content.decode()
    assert "We checked every plan." in body
    assert "Families now get a reply within a week." in body
    assert "▲</span> Amber" in body  # the shape and the word, never colour alone
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    csp = response["Content-Security-Policy"]
    assert "script-src 'none'" in csp and "default-src 'none'" in csp
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in body


@pytest.mark.django_db
def test_a_plan_may_let_search_engines_index_its_summary(plan_a, priorities):
    _write(plan_a, "We checked every plan.")
    services.publish_summary(plan=plan_a)
    plan_a.public_summary.noindex = False
    plan_a.public_summary.save()
    services.forget_cached_pages(plan_a)
    response = Client().get(_public_url(plan_a))
    assert "X-Robots-Tag" not in response.headers
    assert "noindex" not in response.content.decode()


@pytest.mark.django_db
def test_a_later_draft_is_not_public_until_published(plan_a, priorities):
    _write(plan_a, "First account.")
    first = services.publish_summary(plan=plan_a)
    _write(plan_a, "Second account, still a draft.")
    body = Client().get(_public_url(plan_a)).content.decode()
    assert "First account." in body and "still a draft" not in body
    second = services.publish_summary(plan=plan_a)
    body = Client().get(_public_url(plan_a)).content.decode()
    assert "Second account, still a draft." in body
    # Both versions are listed, and the first keeps its own address and words.
    version_url = reverse("public:version", args=[plan_a.area.slug, plan_a.slug, first.id])
    assert version_url in body
    old = Client().get(version_url).content.decode()
    assert "First account." in old and "older version" in old
    first.refresh_from_db()
    assert first.accounts.get(priority__number=1).account == "First account."
    assert second.state == VersionState.PUBLISHED


@pytest.mark.django_db
def test_a_withdrawn_version_is_never_public_again(plan_a, priorities):
    _write(plan_a, "First account.")
    first = services.publish_summary(plan=plan_a)
    Client().get(_public_url(plan_a))  # cached
    services.withdraw_version(version=first)
    assert Client().get(_public_url(plan_a)).status_code == 404
    url = reverse("public:version", args=[plan_a.area.slug, plan_a.slug, first.id])
    assert Client().get(url).status_code == 404


@pytest.mark.django_db
def test_a_draft_version_has_no_public_address(plan_a, priorities):
    _write(plan_a, "First account.")
    services.publish_summary(plan=plan_a)
    draft = _write(plan_a, "Secret draft.")
    url = reverse("public:version", args=[plan_a.area.slug, plan_a.slug, draft.id])
    assert Client().get(url).status_code == 404


@pytest.mark.django_db
def test_publishing_an_empty_draft_is_refused(plan_a, priorities):
    with pytest.raises(ValueError, match="Write an account"):
        services.publish_summary(plan=plan_a)
    assert not SummaryVersion.objects.published().exists()


@pytest.mark.django_db
def test_the_programme_manager_writes_previews_and_publishes(
    client, plan_a, priorities, programme_manager_a
):
    client.force_login(programme_manager_a)
    page = client.get(_write_url(plan_a))
    assert page.status_code == 200
    assert "reading age of about 9" in page.content.decode()
    data = {
        "p1-status": "green",
        "p1-account": "We now answer in a week.",
        "p1-changed_for_families": "You wait less.",
        "p2-status": "red",
        "p2-account": "",
        "p2-changed_for_families": "",
        "save": "",
    }
    client.post(_write_url(plan_a), data)
    assert Client().get(_public_url(plan_a)).status_code == 404
    preview = client.post(_write_url(plan_a), {**data, "preview": ""}, follow=True)
    assert "Preview of the draft" in preview.content.decode()
    client.post(_write_url(plan_a), {**data, "publish": ""})
    body = Client().get(_public_url(plan_a)).content.decode()
    assert "We now answer in a week." in body and "●</span> Green" in body
    assert "■</span> Red" in body


@pytest.mark.django_db
def test_a_viewer_is_refused_and_another_area_gets_not_found(
    client, plan_a, priorities, viewer_a, lead_b
):
    client.force_login(viewer_a)
    assert client.get(_write_url(plan_a)).status_code == 403
    client.force_login(lead_b)
    assert client.get(_write_url(plan_a)).status_code == 404


@pytest.mark.django_db
def test_the_readability_figure_aims_at_a_reading_age_of_about_9(
    client, plan_a, priorities, programme_manager_a
):
    client.force_login(programme_manager_a)
    url = reverse("public:readability", args=[plan_a.slug])
    easy = client.post(url, {"text": "We help you. We talk to you. We see you soon."})
    assert "about right for families" in easy.content.decode()
    hard = client.post(
        url,
        {
            "text": "Notwithstanding considerable organisational reconfiguration, "
            "multidisciplinary safeguarding arrangements necessitate comprehensive "
            "interagency accountability frameworks."
        },
    )
    assert "try shorter sentences" in hard.content.decode()


@pytest.mark.django_db
def test_the_summary_is_a_tagged_pdf_with_no_cookie(plan_a, priorities):
    import io

    from pypdf import PdfReader

    _write(plan_a, "We checked every plan.")
    services.publish_summary(plan=plan_a)
    response = Client().get(reverse("public:pdf", args=[plan_a.area.slug, plan_a.slug]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Set-Cookie" not in response.headers
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert "We checked every plan." in reader.pages[0].extract_text()


@pytest.mark.django_db
def test_a_summary_naming_an_officer_is_published_only_once_they_agreed(
    client, plan_a, priorities, programme_manager_a
):
    from tests import factories

    factories.PersonFactory(area=plan_a.area, name="Jo Littler")
    client.force_login(programme_manager_a)
    data = {
        "p1-status": "green",
        "p1-account": "Thanks to jo  littler, plans are on time.",
        "p1-changed_for_families": "",
        "p2-status": "grey",
        "p2-account": "",
        "p2-changed_for_families": "",
        "publish": "",
    }
    refused = client.post(_write_url(plan_a), data, follow=True).content.decode()
    assert "names Jo Littler" in refused
    assert "Officers are named only if they chose to be" in refused
    assert Client().get(_public_url(plan_a)).status_code == 404
    # The words were kept as the draft: nothing the manager wrote is lost.
    assert "Thanks to jo  littler" in refused

    client.post(_write_url(plan_a), {**data, "names_agreed": "1"})
    published = SummaryVersion.objects.published().get()
    assert published.names_agreed
    assert "Thanks to jo  littler" in Client().get(_public_url(plan_a)).content.decode()
    assert published.history.latest().history_user == programme_manager_a


@pytest.mark.django_db
def test_a_summary_naming_nobody_needs_no_agreement(plan_a, priorities):
    from tests import factories

    factories.PersonFactory(area=plan_a.area, name="Jo Littler")
    _write(plan_a, "Jo and the team now answer within a week.")
    version = services.publish_summary(plan=plan_a)
    assert version.state == VersionState.PUBLISHED and not version.names_agreed


@pytest.mark.django_db
def test_the_plan_pages_link_the_programme_manager_to_the_summary_and_nobody_else(
    client, plan_a, priorities, programme_manager_a, viewer_a
):
    plan_url = reverse("reports:plan_detail", args=[plan_a.slug])
    client.force_login(programme_manager_a)
    assert _write_url(plan_a) in client.get(plan_url).content.decode()
    client.force_login(viewer_a)
    assert _write_url(plan_a) not in client.get(plan_url).content.decode()
