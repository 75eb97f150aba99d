"""P6.1.a on PostgreSQL: the application's runtime role does not own the audit table (docs/deploy.md,
"Security notes"), so it can add events but cannot rewrite, empty or unprotect the log."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection, transaction

from ordertaking.audit.models import AuditEvent
from ordertaking.audit.services import event_record
from ordertaking.audit.triggers import runtime_role_grant

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def runtime_role():  # type: ignore[no-untyped-def]
    """A throwaway login role, granted what `ordertaking migrate` grants ORDERTAKING_DB_RUNTIME_ROLE."""
    name = f"ot_runtime_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cur:
        cur.execute(f"CREATE ROLE {name} LOGIN PASSWORD 'runtime-test'")
    runtime_role_grant(name)
    params = connection.get_connection_params()
    info = {"host": params.get("host") or "127.0.0.1", "port": params.get("port") or 5432,
            "dbname": params["dbname"], "user": name, "password": "runtime-test"}
    yield info
    with connection.cursor() as cur:
        cur.execute(f"DROP OWNED BY {name}")
        cur.execute(f"DROP ROLE {name}")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditevent SET message = 'edited'",
    "DELETE FROM audit_auditevent",
    "TRUNCATE audit_auditevent",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "DROP TRIGGER audit_event_append_only ON audit_auditevent",
    "UPDATE audit_guard SET enabled = 0",
    "DELETE FROM audit_guard",
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ "
    "LANGUAGE plpgsql",
])
def test_p6_1_a_the_runtime_role_cannot_rewrite_empty_or_unprotect_the_audit_log(runtime_role, sales_rep,
                                                                                statement):
    with transaction.atomic():
        event_record(actor=sales_rep, action="test.recorded", subject=sales_rep)
    before = AuditEvent.objects.count()
    with psycopg.connect(**runtime_role) as conn, conn.cursor() as cur, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        cur.execute(statement)
    assert AuditEvent.objects.count() == before
    assert not AuditEvent.objects.filter(message="edited").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_p6_1_a_the_runtime_role_records_events_through_event_record(runtime_role, sales_rep):
    """The application, connected as the runtime role, works: event_record appends to the chain."""
    url = "postgresql://{user}:{password}@{host}:{port}/{dbname}".format(**runtime_role)
    script = ("import django; django.setup()\n"
              "from django.db import transaction\n"
              "from ordertaking.accounts.models import User\n"
              "from ordertaking.audit.services import event_record\n"
              "with transaction.atomic():\n"
              f"    ev = event_record(actor=None, action='test.runtime', subject=User.objects.get(pk={sales_rep.pk}))\n"
              "print(ev.seq)\n")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "ordertaking.settings"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    ev = AuditEvent.objects.get(action="test.runtime")
    assert ev.seq == int(done.stdout.strip()) >= 1
    from ordertaking.audit.selectors import audit_chains_verify

    assert audit_chains_verify().ok
