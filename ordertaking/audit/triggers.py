"""The append-only triggers on the audit table (P6.1.a) and the PostgreSQL runtime role's grants.

`triggers_ensure` runs after every `migrate` (a post_migrate handler, apps.py). It is
idempotent: it creates only what is missing. That is how the protection survives a
migration that rebuilds the audit table: SQLite has no ALTER for most column changes,
so Django copies the table into a new one and drops the old one, triggers and all.

`triggers_missing` is what the system check (checks.py) and the verifier report.

The triggers are a switch the table's owner can turn off; the hash chain (chain.py) is
what makes doing so visible. On PostgreSQL the application should not own the table at
all: `runtime_role_grant` gives a separate runtime role only what it needs (docs/deploy.md).
"""

from __future__ import annotations

from typing import Any

from django.db import connections

TABLE = "audit_auditevent"
GUARD = "audit_guard"

SQLITE_TRIGGERS = {
    "audit_event_no_update": f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON {TABLE}
       WHEN (SELECT enabled FROM {GUARD}) = 1
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    "audit_event_no_delete": f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON {TABLE}
       WHEN (SELECT enabled FROM {GUARD}) = 1
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
}

POSTGRES_FUNCTION = f"""CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
       BEGIN
         IF (SELECT enabled FROM {GUARD}) = 1 THEN
           RAISE EXCEPTION 'audit events are append-only';
         END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql"""
POSTGRES_TRIGGERS = {
    "audit_event_append_only": f"""CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON {TABLE}
       FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    "audit_event_no_truncate": f"""CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {TABLE}
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
}


def expected_triggers(vendor: str) -> dict[str, str]:
    return {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}.get(vendor, {})


def _tables(conn: Any) -> set[str]:
    with conn.cursor() as cur:
        return set(conn.introspection.table_names(cur))


def _present_triggers(conn: Any) -> set[str]:
    with conn.cursor() as cur:
        if conn.vendor == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            return {row[0] for row in cur.fetchall()}
        if conn.vendor == "postgresql":
            # tgenabled 'D' = disabled (ALTER TABLE ... DISABLE TRIGGER): as good as missing.
            cur.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal "
                        "AND tgenabled <> 'D'", [TABLE])
            return {row[0] for row in cur.fetchall()}
    return set()


def triggers_missing(using: str = "default") -> list[str]:
    """The append-only protections that are not in force: missing or disabled triggers, a missing or
    lowered guard. Empty when the audit table does not exist yet (before the first migrate)."""
    conn = connections[using]
    tables = _tables(conn)
    if TABLE not in tables:
        return []
    missing = sorted(set(expected_triggers(conn.vendor)) - _present_triggers(conn))
    if GUARD not in tables:
        missing.append(GUARD)
    else:
        with conn.cursor() as cur:
            cur.execute(f"SELECT enabled FROM {GUARD}")  # noqa: S608 - constant name
            rows = cur.fetchall()
        if [tuple(r) for r in rows] != [(1,)]:
            missing.append(f"{GUARD} (lowered)")
    return missing


def triggers_ensure(using: str = "default") -> list[str]:
    """Create whatever protection is missing and raise the guard; returns what it (re-)created."""
    conn = connections[using]
    if conn.vendor not in ("sqlite", "postgresql"):
        return []
    tables = _tables(conn)
    if TABLE not in tables:
        return []
    created: list[str] = []
    with conn.cursor() as cur:
        if GUARD not in tables:
            cur.execute(f"CREATE TABLE {GUARD} (enabled integer NOT NULL)")
            created.append(GUARD)
        cur.execute(f"SELECT count(*) FROM {GUARD}")  # noqa: S608 - constant name
        if cur.fetchone()[0] != 1:
            cur.execute(f"DELETE FROM {GUARD}")  # noqa: S608 - constant name
            cur.execute(f"INSERT INTO {GUARD} (enabled) VALUES (1)")  # noqa: S608 - constant name
        else:
            cur.execute(f"UPDATE {GUARD} SET enabled = 1 WHERE enabled <> 1")  # noqa: S608 - constant name
        present = _present_triggers(conn)
        wanted = expected_triggers(conn.vendor)
        if conn.vendor == "postgresql":
            # A disabled trigger is present in pg_trigger but off: enable it rather than re-create.
            cur.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                        [TABLE])
            existing = {row[0] for row in cur.fetchall()}
            for name in sorted(set(wanted) & existing - present):
                cur.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {name}")
                created.append(name)
            if set(wanted) - existing:
                cur.execute(POSTGRES_FUNCTION)
        else:
            existing = present
        for name in sorted(set(wanted) - existing):
            cur.execute(wanted[name])
            created.append(name)
    return created


def runtime_role_grant(role: str, using: str = "default") -> None:
    """PostgreSQL, run as the tables' owner: give the application's runtime role what it needs and no more.

    Every table: SELECT, INSERT, UPDATE, DELETE (the application's ordinary work) and its sequences.
    The audit log: SELECT and INSERT only, no UPDATE, DELETE or TRUNCATE; the guard: SELECT only.
    Not being the owner, the role cannot ALTER TABLE ... DISABLE TRIGGER, drop the triggers or
    change the trigger function."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        return
    quoted = conn.ops.quote_name(role)
    with conn.cursor() as cur:
        cur.execute("SELECT current_schema()")
        schema = conn.ops.quote_name(cur.fetchone()[0])
        cur.execute(f"GRANT USAGE ON SCHEMA {schema} TO {quoted}")
        cur.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {quoted}")
        cur.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {quoted}")
        cur.execute(f"REVOKE ALL ON {TABLE}, {GUARD} FROM {quoted}")
        cur.execute(f"GRANT SELECT, INSERT ON {TABLE} TO {quoted}")
        cur.execute(f"GRANT SELECT ON {GUARD} TO {quoted}")
