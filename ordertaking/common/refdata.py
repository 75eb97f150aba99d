"""Reference data read once per process, behind a version the order's lock reads (issue 14).

Every approval reads data that changes a few times a year: the working-day calendar, the active assignment
rules, who is in a department, who wants which notification by e-mail and the departments' webhooks. Each
was a statement per order. Now:

- **One version row** (`models.RefDataVersion`) that **database triggers** move on every INSERT, UPDATE,
  DELETE (and, on PostgreSQL, TRUNCATE) of the tables that data comes from, whoever writes them: a service,
  the admin site, a bulk update, raw SQL, a test. The app that reads a table names it once, in its
  `AppConfig.ready` (`refdata_source_add(Model, ignore=(...))`): common imports no app. `ignore` names the
  columns whose change must not move the version (an assignment rule's round-robin pointer, written at every
  order; a user's last login): the cached read must then not load them (`defer`), so no stale value of theirs
  can be handed out. Triggers are created after every `migrate` (`refdata_triggers_ensure`, a post_migrate
  handler, as the audit log's; on SQLite a migration that rebuilds a table drops its triggers, and the
  UPDATE triggers name the table's columns), which also moves the version once, whatever the migrations did.
  A version is never reused: PostgreSQL draws it from a sequence (not rolled back), SQLite from random(), so
  a value seen inside a transaction that rolled back never comes back with other data.
- **The lock reads the version** as a column (`refdata_annotations()`), and `refdata_adopt(locked)` takes it as
  this block's: trusted only inside the atomic block of that lock (its savepoint) of that transaction
  (`common/held.py`, as `audit.services.head_adopt` holds the audit head).
- **`refdata_cached(name, loader)`** gives the process's value of `name` if it was loaded at the version this
  block read, else calls `loader()` and keeps the result under that version. With no version adopted (a page,
  a job, any other service) it just calls `loader()`: nothing changes for them.

What the approval sees is the reference data as of its lock's statement: a holiday saved while the approval
waited for the order's row lock may or may not be in its plan, as before (the approval read it a few
statements later). A change made by the same block after its lock is not seen by that block.

Cached values are shared by the threads of the process: `loader` returns something nobody can change (tuples,
frozensets, frozen dataclasses); model instances go through `refdata_models`, which hands each caller copies.
The test settings turn `ORDERTAKING_REFDATA_CHECK` on: every cache hit also loads afresh and fails loudly if
the two differ, so the whole suite checks that no change went unseen.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Subquery

from .held import Held
from .models import RefDataVersion

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)

KEY = "refdata"
TABLE = "common_refdataversion"
SEQUENCE = "common_refdata_seq"
PREFIX = "refdata_"


class RefdataMismatch(AssertionError):
    """A cached value differs from a fresh read at the same version: a write the triggers did not see (a
    table not named with `refdata_source_add`, a column in `ignore` that the cached read loads). Raised only
    with ORDERTAKING_REFDATA_CHECK on."""


# --- the tables and their triggers ----------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    table: str
    ignore: tuple[str, ...]  # columns whose change does not move the version


_sources: dict[str, Source] = {}


def refdata_source_add(model: type[models.Model], *, ignore: Iterable[str] = ()) -> None:
    """A table a cached read comes from (called by the reading app in its AppConfig.ready). `ignore`: fields
    whose change must not move the version; the cached read must not load them. Two readers of one table:
    only what both ignore is ignored."""
    table = model._meta.db_table
    columns = {model._meta.get_field(name).column for name in ignore}  # type: ignore[union-attr]
    known = _sources.get(table)
    if known is not None:
        columns &= set(known.ignore)
    _sources[table] = Source(table, tuple(sorted(c for c in columns if c)))


def refdata_sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: s.table)


_PG_FUNCTION = f"""CREATE OR REPLACE FUNCTION refdata_bump() RETURNS trigger AS $$
       BEGIN
         INSERT INTO {TABLE} (key, n) VALUES ('{KEY}', nextval('{SEQUENCE}'))
           ON CONFLICT (key) DO UPDATE SET n = EXCLUDED.n;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql"""
_PG_BUMP = (f"INSERT INTO {TABLE} (key, n) VALUES ('{KEY}', nextval('{SEQUENCE}')) "
            "ON CONFLICT (key) DO UPDATE SET n = EXCLUDED.n")
# No upsert and no OR clause: SQLite lets the statement that fired a trigger impose its conflict policy (an
# INSERT OR IGNORE of a group membership) on the trigger's statements, and neither of these can conflict.
_SQLITE_BUMP = (f"UPDATE {TABLE} SET n = random() WHERE key = '{KEY}'; "
                f"INSERT INTO {TABLE} (key, n) SELECT '{KEY}', random() "
                f"WHERE NOT EXISTS (SELECT 1 FROM {TABLE} WHERE key = '{KEY}');")


def _named(table: str, op: str, template: str) -> tuple[str, str]:
    """The trigger's name carries a hash of its definition, so a changed definition (a column added to the
    table, a column no longer ignored) is a missing trigger, re-created by the next migrate."""
    digest = hashlib.sha256(template.encode()).hexdigest()[:8]
    name = f"{PREFIX}{table[:40]}_{op}_{digest}"
    return name, template.replace("{name}", name)


def _wanted(conn: Any, cur: Any, tables: set[str]) -> dict[str, tuple[str, str]]:
    """name -> (table, CREATE TRIGGER) for every registered source table that exists."""
    q = conn.ops.quote_name
    wanted: dict[str, tuple[str, str]] = {}
    for source in refdata_sources():
        if source.table not in tables:
            continue
        watched = [c.name for c in conn.introspection.get_table_description(cur, source.table)
                   if c.name not in source.ignore]
        table = q(source.table)
        if conn.vendor == "postgresql":
            ops = "INSERT OR DELETE OR TRUNCATE" if source.ignore else "INSERT OR UPDATE OR DELETE OR TRUNCATE"
            templates = {"stmt": f"CREATE TRIGGER {{name}} AFTER {ops} ON {table} "
                                 "FOR EACH STATEMENT EXECUTE FUNCTION refdata_bump()"}
            if source.ignore and watched:
                changed = " OR ".join(f"OLD.{q(c)} IS DISTINCT FROM NEW.{q(c)}" for c in watched)
                templates["upd"] = (f"CREATE TRIGGER {{name}} AFTER UPDATE ON {table} FOR EACH ROW "
                                    f"WHEN ({changed}) EXECUTE FUNCTION refdata_bump()")
        else:
            templates = {"ins": f"CREATE TRIGGER {{name}} AFTER INSERT ON {table} BEGIN {_SQLITE_BUMP} END",
                         "del": f"CREATE TRIGGER {{name}} AFTER DELETE ON {table} BEGIN {_SQLITE_BUMP} END"}
            if not source.ignore:
                templates["upd"] = f"CREATE TRIGGER {{name}} AFTER UPDATE ON {table} BEGIN {_SQLITE_BUMP} END"
            elif watched:
                changed = " OR ".join(f"OLD.{q(c)} IS NOT NEW.{q(c)}" for c in watched)
                templates["upd"] = (f"CREATE TRIGGER {{name}} AFTER UPDATE ON {table} WHEN {changed} "
                                    f"BEGIN {_SQLITE_BUMP} END")
        for op, template in templates.items():
            name, sql = _named(source.table, op, template)
            wanted[name] = (source.table, sql)
    return wanted


def _present(conn: Any, cur: Any) -> dict[str, tuple[str, bool]]:
    """name -> (table, enabled) of the refdata triggers in the database."""
    if conn.vendor == "sqlite":
        cur.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s ESCAPE '\\'",
                    [PREFIX.replace("_", "\\_") + "%"])
        return {name: (table, True) for name, table in cur.fetchall()}
    # tgenabled 'D' = disabled (ALTER TABLE ... DISABLE TRIGGER): as good as missing.
    cur.execute("SELECT t.tgname, c.relname, t.tgenabled <> 'D' FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE %s AND NOT t.tgisinternal AND pg_table_is_visible(c.oid)",
                [PREFIX.replace("_", "\\_") + "%"])
    return {name: (table, bool(enabled)) for name, table, enabled in cur.fetchall()}


def _bump(conn: Any, cur: Any) -> None:
    if conn.vendor == "postgresql":
        cur.execute(_PG_BUMP)
    else:
        for statement in _SQLITE_BUMP.split(";"):
            if statement.strip():
                cur.execute(statement)


def refdata_triggers_missing(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The triggers that should move the version and are missing, disabled or out of date (empty before the
    version table exists, and on databases other than SQLite and PostgreSQL)."""
    conn = connections[using]
    if conn.vendor not in ("sqlite", "postgresql"):
        return []
    with conn.cursor() as cur:
        tables = set(conn.introspection.table_names(cur))
        if TABLE not in tables:
            return []
        present = {name for name, (_table, enabled) in _present(conn, cur).items() if enabled}
        return sorted(set(_wanted(conn, cur, tables)) - present)


def refdata_triggers_ensure(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Create the triggers that are missing or out of date, drop those no source wants any more, and move the
    version (whatever the migrations just did without triggers is then behind a new version). Returns what it
    (re-)created."""
    conn = connections[using]
    if conn.vendor not in ("sqlite", "postgresql"):
        return []
    created: list[str] = []
    with transaction.atomic(using=using), conn.cursor() as cur:
        tables = set(conn.introspection.table_names(cur))
        if TABLE not in tables:
            return []
        if conn.vendor == "postgresql":
            cur.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")
            cur.execute(_PG_FUNCTION)
        wanted = _wanted(conn, cur, tables)
        present = _present(conn, cur)
        for name, (table, _enabled) in sorted(present.items()):
            if name not in wanted:
                cur.execute(f"DROP TRIGGER {conn.ops.quote_name(name)}"
                            + (f" ON {conn.ops.quote_name(table)}" if conn.vendor == "postgresql" else ""))
        for name, (table, sql) in sorted(wanted.items()):
            if name not in present:
                cur.execute(sql)
                created.append(name)
            elif not present[name][1]:
                cur.execute(f"ALTER TABLE {conn.ops.quote_name(table)} ENABLE TRIGGER {conn.ops.quote_name(name)}")
                created.append(name)
        _bump(conn, cur)
    return created


# --- the version a transaction read ---------------------------------------------------------------------

def refdata_annotations() -> dict[str, Any]:
    """The reference data version as a column of the caller's locking query (taken by `refdata_adopt`)."""
    version = RefDataVersion.objects.filter(key=KEY).order_by().values("n")[:1]
    return {"refdata_version": Subquery(version)}


# The version each atomic block adopted, trusted only inside that block of that transaction (common/held.py).
_ADOPTED: Held[str, int] = Held()


def refdata_adopt(obj: models.Model) -> None:
    """Take the version read by `refdata_annotations` as the one this atomic block trusts (right after the lock)."""
    value = getattr(obj, "refdata_version", None)
    if value is not None:
        _ADOPTED.hold(KEY, int(value), using=obj._state.db or DEFAULT_DB_ALIAS, savepoint=True)


def refdata_version(using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The version this block adopted, or None (nothing adopted, or no longer valid here)."""
    return _ADOPTED.get(KEY, using=using)


# --- the cache ------------------------------------------------------------------------------------------

# (alias, name) -> (version, value): one value per name, the latest loaded. Plain dict operations are atomic
# under the GIL; two threads loading at once both store, the later wins, both are right for their version.
_cache: dict[tuple[str, str], tuple[int, Any]] = {}


def _comparable(value: Any) -> Any:
    if isinstance(value, models.Model):
        deferred = value.get_deferred_fields()
        return (value._meta.label, tuple((f.attname, getattr(value, f.attname))
                                         for f in value._meta.concrete_fields if f.attname not in deferred))
    if isinstance(value, list | tuple):
        return tuple(_comparable(v) for v in value)
    return value


def _lookup(name: str, loader: Callable[[], T], using: str) -> tuple[T, bool]:
    """(value, whether it is the shared cached one)."""
    version = refdata_version(using)
    if version is None:
        return loader(), False
    key = (using, name)
    hit = _cache.get(key)
    if hit is not None and hit[0] == version:
        if getattr(settings, "ORDERTAKING_REFDATA_CHECK", False):
            fresh = loader()
            if _comparable(fresh) != _comparable(hit[1]):
                raise RefdataMismatch(f"reference data {name!r} at version {version} changed without a new "
                                      f"version:\ncached {hit[1]!r}\nfresh  {fresh!r}")
        return hit[1], True
    value = loader()
    _cache[key] = (version, value)
    return value, True


def refdata_cached(name: str, loader: Callable[[], T], *, using: str = DEFAULT_DB_ALIAS) -> T:
    """`loader()`'s value, kept per process under the version this block adopted (module docstring). `name`
    says what the value is, including every argument the loader was given; the value must be immutable."""
    return _lookup(name, loader, using)[0]


def refdata_models(name: str, loader: Callable[[], Iterable[M]], *, using: str = DEFAULT_DB_ALIAS) -> list[M]:
    """`refdata_cached` for model instances: kept as a tuple, each caller gets copies of its own."""
    rows, shared = _lookup(name, lambda: tuple(loader()), using)
    return [copy.copy(row) for row in rows] if shared else list(rows)


def refdata_forget() -> None:
    """Drop every cached value of this process (tests)."""
    _cache.clear()
