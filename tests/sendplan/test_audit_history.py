"""Every domain model keeps its audit history, with the acting user, whatever wrote it."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from tests import factories

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = [
    "sendplan",
    "actions",
    "outcomes",
    "progress",
    "governance",
    "reports",
    "spreadsheets",
    "demo",
]


# Models that hold no one's word, only what the app worked out from audited rows, and are
# dropped and worked out again rather than edited: they need no history of their own.
DERIVED = {
    "PlanFigures": "progress.figures keeps each plan's headline figures, worked out from "
    "the audited ratings and dropped whenever the plan changes",
}


def domain_models():
    for app in DOMAIN_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical") or model.__name__ in DERIVED:
                continue
            yield model


def test_every_domain_model_keeps_history():
    missing = [
        model.__name__
        for model in domain_models()
        if getattr(getattr(model, "history", None), "model", None) is None
        or model.history.model.__name__ != f"Historical{model.__name__}"
    ]
    assert missing == []
    assert len(list(domain_models())) >= 20


def test_the_many_to_many_links_that_matter_are_through_models_with_history():
    from actions.models import Action
    from sendplan.models import Issue, Milestone

    for model, field in [(Action, "leads"), (Issue, "strategy_links"), (Milestone, "priorities")]:
        through = model._meta.get_field(field).remote_field.through
        assert not through._meta.auto_created, f"{model.__name__}.{field} needs a through model"
        assert hasattr(through, "history"), f"{through.__name__} keeps no history"


def _build_one_of_everything(user):
    """Create one object of each domain model, recording ``user`` on each save."""
    from simple_history.utils import update_change_reason  # noqa: F401

    made = []

    def make(factory, **kwargs):
        obj = factory.build(**kwargs)
        obj._history_user = user
        obj.save()
        made.append(obj)
        return obj

    area = make(factories.AreaFactory, name="History Area", slug="history-area")
    plan = make(factories.PlanFactory, area=area, slug="history-plan")
    priority = make(factories.PriorityFactory, plan=plan, number=1)
    issue = make(factories.IssueFactory, priority=priority, plan=plan, ref="1.1")
    link = make(factories.StrategyLinkFactory, area=area, name="Inclusion")
    from sendplan.models import IssueStrategyLink, Milestone, MilestonePriority

    isl = IssueStrategyLink(issue=issue, strategy_link=link)
    isl._history_user = user
    isl.save()
    person = make(factories.PersonFactory, area=area, name="Jo Example")
    action = make(factories.ActionFactory, issue=issue, plan=plan)
    make(factories.ActionLeadFactory, action=action, plan=plan, person=person)
    make(factories.ActionStatusFactory, action=action, plan=plan)
    target = make(factories.OutcomeTargetFactory, issue=issue, plan=plan)
    make(factories.ImpactRatingFactory, target=target, plan=plan)
    make(factories.StoryEntryFactory, issue=issue, plan=plan)
    make(factories.ReportingMonthFactory, plan=plan)
    milestone = Milestone(plan=plan, period="Spring 2025", text="A milestone")
    milestone._history_user = user
    milestone.save()
    mp = MilestonePriority(milestone=milestone, priority=priority)
    mp._history_user = user
    mp.save()
    forum = make(factories.ForumFactory, area=area)
    make(factories.ForumMemberFactory, forum=forum, person=person)
    make(factories.MeetingFactory, forum=forum)
    from sendplan.models import Finding, Membership

    finding = Finding(plan=plan, kind="strength", text="Leadership is strong")
    finding._history_user = user
    finding.save()
    membership = Membership(user=user, area=area, role="viewer")
    membership._history_user = user
    membership.save()
    from sendplan.models import AdviserGrant, Region

    region = Region(name="History Region")
    region._history_user = user
    region.save()
    grant = AdviserGrant(user=user, region=region)
    grant._history_user = user
    grant.save()
    return made


@pytest.mark.django_db
def test_each_save_records_the_acting_user_in_history():
    user = factories.UserFactory(username="auditor")
    _build_one_of_everything(user)
    checked = 0
    for model in domain_models():
        if model is get_user_model():
            continue
        rows = model.history.all()
        if not rows.exists():
            continue
        checked += 1
        assert not rows.filter(history_user__isnull=True).exists(), model.__name__
        assert rows.filter(history_user=user).exists(), model.__name__
    assert checked >= 18


# --- Nothing may write around history --------------------------------------------------
# QuerySet.update() and the plain bulk methods write no history row: no file may use them.
# simple-history's bulk_create_with_history/bulk_update_with_history write the history
# rows themselves. The only places allowed to use them are listed here, and each call must
# name the user and the reason its history rows record.
HISTORY_AWARE_BULK_WRITERS = {
    # path relative to the repository: reason
    "demo/synthetic/bulk.py": "generate_demo_data writes 50 areas x 36 months in minutes with "
    "simple-history's bulk_create_with_history/bulk_update_with_history, which write the "
    "history rows themselves (user, reason, date), so nothing bypasses the audit trail",
    "spreadsheets/writing/changes.py": "the whole-plan import writes a plan it has checked "
    "row by row in one transaction with the same helpers, each history row naming the "
    "importing user and the import as the reason",
}
# Files that bulk-write derived models only (DERIVED above), which keep no history.
DERIVED_WRITERS = {
    "progress/figures.py": "upserts PlanFigures rows, worked out from audited rows",
}
HISTORY_AWARE_BULK_HELPERS = {"bulk_create_with_history", "bulk_update_with_history"}
# Functions that insert with the plain bulk_create and write each record's history row
# themselves, in the same transaction, naming the user and the reason.
HISTORY_WRITING_FUNCTIONS = {
    # (path, function): reason
    ("spreadsheets/writing/changes.py", "create_with_history"): "the whole-plan import's new "
    "records: the database copies each one's history row from the row just inserted, "
    "with the importing user, the import as the reason and the import's time",
}


QUERYSET_METHODS = {
    "objects",
    "all",
    "filter",
    "exclude",
    "select_related",
    "prefetch_related",
    "order_by",
    "select_for_update",
    "annotate",
    "only",
    "defer",
    "using",
}


def _looks_like_a_queryset(node) -> bool:
    """Whether ``node`` (what .update() is called on) reads as a QuerySet: Model.objects,
    a chain of QuerySet methods, or a name that says so (``qs``, ``..._queryset``).
    dict.update() on a plain name or attribute passes."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in QUERYSET_METHODS or _looks_like_a_queryset(node.func.value)
    if isinstance(node, ast.Attribute):
        return node.attr in QUERYSET_METHODS
    if isinstance(node, ast.Name):
        return node.id in {"qs", "queryset"} or node.id.endswith(("_qs", "_queryset"))
    return False


def _source_files():
    for app in DOMAIN_APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            yield path


def test_no_code_writes_around_the_audit_history():
    offenders = []
    for path in _source_files():
        rel = str(path.relative_to(ROOT))
        if rel in DERIVED_WRITERS:
            continue
        tree = ast.parse(path.read_text(), filename=rel)
        allowed = {
            id(call)
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef)
            and (rel, function.name) in HISTORY_WRITING_FUNCTIONS
            for call in ast.walk(function)
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name = node.func.attr
            if name == "bulk_create" and id(node) in allowed:
                continue
            if (name == "update" and _looks_like_a_queryset(node.func.value)) or name in {
                "bulk_create",
                "bulk_update",
                "_raw_delete",
            }:
                offenders.append(f"{rel}:{node.lineno} .{node.func.attr}()")
    assert offenders == [], "Writes that skip history: " + ", ".join(offenders)


@pytest.mark.parametrize(
    "source, flagged",
    [
        ("Action.objects.filter(plan=p).update(text='x')", True),
        ("Action.objects.update(text='x')", True),
        ("qs.update(text='x')", True),
        ("Action.objects.bulk_create(rows)", True),
        ("plan.actions.all().update(text='x')", True),
        ("layout.update(barmode='group')", False),
        ("values.update(rated_by=user)", False),
        ("bulk_create_with_history(rows, Action, default_user=u)", False),
        ("bulk_update_with_history(rows, Action, ['text'], default_user=u)", False),
    ],
)
def test_the_history_guard_tells_querysets_from_dicts(source, flagged):
    node = ast.parse(source).body[0].value
    name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
    is_flagged = (name == "update" and _looks_like_a_queryset(node.func.value)) or name in {
        "bulk_create",
        "bulk_update",
    }
    assert is_flagged is flagged


def _history_helper_problems(node) -> list[str]:
    """What is wrong with ``node`` as a call of a history-aware bulk helper: the user and
    the reason must be named, not left to whatever each object happens to carry."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in HISTORY_AWARE_BULK_HELPERS:
        return []
    given = {keyword.arg for keyword in node.keywords}
    missing = sorted({"default_user", "default_change_reason"} - given)
    return [f"{name}() gives no {' or '.join(missing)}"] if missing else []


def test_history_aware_bulk_writes_are_listed_and_name_their_user_and_reason():
    offenders = []
    used_in = set()
    for path in _source_files():
        rel = str(path.relative_to(ROOT))
        if rel in DERIVED_WRITERS:
            continue
        tree = ast.parse(path.read_text(), filename=rel)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name not in HISTORY_AWARE_BULK_HELPERS:
                continue
            used_in.add(rel)
            if rel not in HISTORY_AWARE_BULK_WRITERS:
                offenders.append(f"{rel}:{node.lineno} {name}() in a file not listed")
            offenders.extend(f"{rel}:{node.lineno} {p}" for p in _history_helper_problems(node))
    assert offenders == [], "Bulk writes to check: " + ", ".join(offenders)
    assert used_in == set(HISTORY_AWARE_BULK_WRITERS)


@pytest.mark.parametrize(
    "source, problems",
    [
        (
            "bulk_create_with_history(rows, Action, default_user=u, default_change_reason=r)",
            [],
        ),
        (
            "bulk_update_with_history(rows, Action, ['text'], default_user=u)",
            ["bulk_update_with_history() gives no default_change_reason"],
        ),
        (
            "bulk_create_with_history(rows, Action, **history)",
            ["bulk_create_with_history() gives no default_change_reason or default_user"],
        ),
        ("Action.objects.filter(plan=p).count()", []),
    ],
)
def test_the_bulk_helper_guard_wants_a_user_and_a_reason(source, problems):
    assert _history_helper_problems(ast.parse(source).body[0].value) == problems
