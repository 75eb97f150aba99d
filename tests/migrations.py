"""Data migrations tested forwards and back on the test database (transaction=True tests only)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(app: str, name: str) -> Any:
    """Migrate `app` to migration `name`; the app registry of that state (its models as they were then)."""
    executor = MigrationExecutor(connection)
    executor.migrate([(app, name)])
    return executor.loader.project_state((app, name)).apps


@contextmanager
def migrated_back(app: str, name: str) -> Iterator[Callable[[str], Any]]:
    """The database as `app` stood at migration `name`, for the block; `to(other)` migrates it elsewhere in the
    meantime. Whatever the block does, the app ends at its latest migration again, as the other tests expect."""
    migrate_to(app, name)
    try:
        yield lambda other: migrate_to(app, other)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes(app))
