"""Every URL pattern of the project, found by walking the resolver, with sample arguments.

Tests that sweep the site use ``all_routes()`` and ``url_for(route, world)``, so pages
added later are covered without editing the tests. A pattern with an argument name not
in SAMPLE_KWARGS fails loudly: add the name and how to pick a value for it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone


class UnknownArgument(AssertionError):
    pass


@dataclass(frozen=True)
class Route:
    route: str  # the pattern as written, prefixes included
    name: str | None  # namespaced name
    pattern: URLPattern
    args: tuple[str, ...]
    positional: bool = False  # the pattern's groups are unnamed: reverse with args

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")

    @property
    def model_admin(self):
        return getattr(self.pattern.callback, "model_admin", None)

    def __str__(self) -> str:
        return self.name or self.route


# Regex patterns with unnamed groups, and what their groups hold.
POSITIONAL_GROUPS = {
    # simple_history's "revert to this version" page in the admin
    r"^([^/]+)/history/([^/]+)/$": ("object_id", "history_id"),
}


def _args_of(pattern) -> list[str]:
    if getattr(pattern, "converters", None):
        return list(pattern.converters)
    regex = pattern.regex
    if regex.groups > len(regex.groupindex):
        if regex.pattern not in POSITIONAL_GROUPS:
            raise UnknownArgument(
                f"URL pattern {regex.pattern!r} has unnamed groups: name them in "
                "tests/security/urlwalk.py POSITIONAL_GROUPS."
            )
        return list(POSITIONAL_GROUPS[regex.pattern])
    return list(regex.groupindex)


def _walk(patterns, prefix: str, namespace: str | None, args: list[str]):
    for entry in patterns:
        here = args + _args_of(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns, here)
        else:
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            positional = entry.pattern.regex.groups > len(entry.pattern.regex.groupindex)
            yield Route(prefix + str(entry.pattern), name, entry, tuple(here), positional)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, "", None, []))


def _admin_model(route):
    if route.model_admin is not None:
        return route.model_admin.model
    match = re.match(r"admin/(\w+)/(\w+)/", route.route)
    return apps.get_model(match.group(1), match.group(2)) if match else None


def _admin_object(world, route):
    model = _admin_model(route)
    if model is None:  # the admin's "view on site" link: r/<ct>/<id>/
        return str(world.plan.pk)
    obj = world.admin_objects.get(model) or model._default_manager.order_by("pk").first()
    return str(obj.pk) if obj is not None else "1"


def _admin_history_id(world, route):
    model = _admin_model(route)
    obj = model._default_manager.filter(pk=_admin_object(world, route)).first()
    history = obj.history.order_by("pk").first() if obj is not None else None
    return history.pk if history is not None else 1


def _content_type_id(world, route):
    from django.contrib.contenttypes.models import ContentType

    from sendplan.models import Plan

    return ContentType.objects.get_for_model(Plan).pk


def _issued_report(world, route):
    """An issued progress statement of area A's forum, made when first asked for."""
    from reports.models import IssuedReport

    report = IssuedReport.objects.filter(forum=world.forum).first()
    if report is None:
        report = IssuedReport(
            plan=world.plan,
            forum=world.forum,
            period_code="2023-04",
            period_label="April 2023",
            period_start=dt.date(2023, 4, 1),
            period_end=dt.date(2023, 4, 1),
            as_at=timezone.now(),
            title="CANARY-report-7f3a",
            filename="canary.pdf",
            content=b"%PDF-1.4 CANARY-report-7f3a",
            page_count=1,
            issued_by=world.users["admin"],
            issued_at=timezone.now(),
        )
        report.save()
    return report.pk


def _pack_request(world, route):
    """A request to issue area A's forum a pack, made when first asked for."""
    from reports.models import PackRequest

    pack_request = PackRequest.objects.filter(forum=world.forum).first()
    if pack_request is None:
        pack_request = PackRequest.objects.create(
            plan=world.plan,
            forum=world.forum,
            period_code="2023-04",
            period_label="April 2023",
            as_at=timezone.now(),
            requested_by=world.users["admin"],
            requested_at=timezone.now(),
            status="failed",
            error="CANARY-request-9b2c",
        )
    return pack_request.pk


def _partner_review(world, route):
    """A partner review of area A's forum's April 2023 statement, made when first asked."""
    from reports.models import PartnerReview

    review = PartnerReview.objects.filter(forum=world.forum).first()
    if review is None:
        review = PartnerReview.objects.create(
            plan=world.plan,
            forum=world.forum,
            period_code="2023-04",
            period_label="April 2023",
            as_at=timezone.now(),
            closes_on=timezone.localdate(),
            message="CANARY-review-4d1f",
            requested_by=world.users["admin"],
            requested_at=timezone.now(),
        )
    return review.pk


def _bundle(world, route):
    """A monitoring-visit bundle of area A's plan (never built), made when first asked for."""
    from reports.models import Bundle

    bundle = Bundle.objects.filter(plan=world.plan).first()
    if bundle is None:
        bundle = Bundle.objects.create(
            plan=world.plan,
            as_at=timezone.now(),
            requested_by=world.users["admin"],
            requested_at=timezone.now(),
            status="failed",
            error="CANARY-bundle-5d1e",
        )
    return bundle.pk


def _evidence(world, route):
    """A piece of evidence (a link) on area A's action, made when first asked for."""
    from evidence.models import Evidence

    evidence = Evidence.objects.filter(area=world.area).first()
    if evidence is None:
        evidence = Evidence(
            area=world.area,
            plan=world.plan,
            action=world.action,
            kind="link",
            url="https://example.org/canary-evidence",
            title="CANARY-evidence-5b1e",
            dated=dt.date(2023, 4, 1),
            added_by=world.users["admin"],
        )
        evidence.save()
    return evidence.pk


def _plan_import(world, route):
    """An upload into area A's plan by its programme manager, waiting to be confirmed,
    made when first asked for."""
    from spreadsheets.models import PlanImport
    from tests.spreadsheets.import_helpers import pending_upload

    upload = PlanImport.objects.filter(slug=world.plan.slug).first()
    if upload is None:
        upload = pending_upload(user=world.users["programme_manager"], plan=world.plan)
    return upload.pk


def _summary_version(world, route):
    """A published public summary of area A's plan, made when first asked for."""
    from public.models import PriorityAccount, SummaryVersion, VersionState
    from public.services import get_draft, publish_summary

    published = SummaryVersion.objects.filter(
        summary__plan=world.plan, state=VersionState.PUBLISHED
    ).first()
    if published is None:
        draft = get_draft(plan=world.plan, user=world.users["admin"])
        PriorityAccount.objects.filter(version=draft).update(account="CANARY-summary-3c7a")
        published = publish_summary(plan=world.plan, user=world.users["admin"])
    return published.pk


def _change(world, route):
    """A change waiting for a decision, asked for by area A's lead, made when first asked
    for: of the target for a target's page, of the action's due date otherwise."""
    from actions.models import DueDateChangeRequest
    from actions.services import propose_due_date_change
    from outcomes.models import TargetChangeRequest
    from outcomes.services import propose_target_change

    if "target" in str(route):
        change = TargetChangeRequest.objects.filter(plan=world.plan).first()
        if change is None:
            change = propose_target_change(
                target=world.target,
                user=world.users["lead"],
                reason="CANARY-change-4e2b",
                effective_month=dt.date(2023, 5, 1),
                target_value=50,
            )
        return change.pk
    change = DueDateChangeRequest.objects.filter(plan=world.plan).first()
    if change is None:
        change = propose_due_date_change(
            action=world.action,
            user=world.users["lead"],
            due_month=dt.date(2024, 9, 1),
            reason="CANARY-change-4e2b",
            effective_month=dt.date(2023, 5, 1),
        )
    return change.pk


# How to pick a value for each URL argument name, from the seeded ``world`` (area A).
SAMPLE_KWARGS = {
    "plan_slug": lambda w, r: w.plan.slug,
    "number": lambda w, r: w.priority.number,
    "ref": lambda w, r: w.issue.ref,
    "section": lambda w, r: w.issue.ref,
    "person_id": lambda w, r: w.lead_person.pk,
    "month": lambda w, r: w.open_month.month,
    "area_slug": lambda w, r: w.area.slug,
    "forum_slug": lambda w, r: w.forum.slug,
    "meeting_id": lambda w, r: w.meeting.pk,
    "decision_id": lambda w, r: w.decision.pk,
    "report_id": _issued_report,
    "request_id": _pack_request,
    "bundle_id": _bundle,
    "review_id": _partner_review,
    "version_id": _summary_version,
    "kind": lambda w, r: "action",  # an evidence page's item: an action...
    "item_id": lambda w, r: w.action.pk,  # ...area A's
    "evidence_id": _evidence,
    "target_id": lambda w, r: w.target.pk,
    "action_id": lambda w, r: w.action.pk,
    "change_id": _change,
    "import_id": _plan_import,
    "token": lambda w, r: "no-such-set-up-link",  # a two-factor set-up link
    # The admin's own arguments.
    "app_label": lambda w, r: _admin_app_label(r),
    "object_id": _admin_object,
    "pk": _admin_object,  # django-otp's QR code page for a TOTP device
    "id": lambda w, r: w.users["viewer"].pk,  # the user admin's password page
    "history_id": _admin_history_id,
    "content_type_id": _content_type_id,
    "url": lambda w, r: "no-such-admin-page/",
}


def _admin_app_label(route) -> str:
    match = re.search(r"\(\?P<app_label>([^)]*)\)", route.route)
    return match.group(1).split("|")[0] if match else "sendplan"


def sample_kwargs(route: Route, world) -> dict:
    unknown = [a for a in route.args if a not in SAMPLE_KWARGS]
    if unknown:
        raise UnknownArgument(
            f"URL pattern {route.route!r} has arguments {unknown} that "
            "tests/security/urlwalk.py SAMPLE_KWARGS does not know: add them."
        )
    return {arg: SAMPLE_KWARGS[arg](world, route) for arg in route.args}


def url_for(route: Route, world, **overrides) -> str:
    kwargs = sample_kwargs(route, world)
    kwargs.update(overrides)
    if route.name and route.positional:
        return reverse(route.name, args=[kwargs[a] for a in route.args])
    if route.name:
        return reverse(route.name, kwargs=kwargs)
    # Unnamed patterns (the admin's catch-all): fill the regex groups in by hand.
    text = route.route
    for arg, value in kwargs.items():
        text = re.sub(rf"\(\?P<{arg}>[^)]*\)", str(value), text)
    return "/" + text.replace("^", "").replace("$", "").replace("\\", "")


def month_value(value) -> str:
    return f"{value:%Y-%m}" if isinstance(value, dt.date) else str(value)
