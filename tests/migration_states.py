"""A schema as it was before some migrations, for tests that put rows into it and look
for them once the migrations have run (the rows of a database that is upgraded)."""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@contextmanager
def schema_as_at(*targets: tuple[str, str]):
    """Migrate back to ``targets`` (app label, migration name) and yield the models of that
    schema; on leaving, even after a failure, migrate forward to the latest migrations.

    Needs a test that commits (``django_db(transaction=True)``): SQLite changes no schema
    inside a transaction."""
    MigrationExecutor(connection).migrate(list(targets))
    try:
        yield MigrationExecutor(connection).loader.project_state(list(targets)).apps
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        # Content types moved between apps on the way: forget the ids cached before.
        ContentType.objects.clear_cache()


def table_names() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))
