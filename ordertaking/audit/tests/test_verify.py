"""P6.1.a: the verification reaches the administrator (console), the auditor (page) and clients (API);
the append-only protection is checked at start-up and restored by migrate."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection, transaction

from ordertaking.audit.services import event_record
from ordertaking.audit.triggers import triggers_missing
from ordertaking.cli import main

pytestmark = pytest.mark.django_db


@pytest.fixture
def tampered(sales_rep, reviewer):  # type: ignore[no-untyped-def]
    """Returns a function that edits one event behind the application's back and returns it."""
    with transaction.atomic():
        ev = event_record(actor=reviewer, action="order.approved", subject=sales_rep, label="SO-20261130-0007")

    def tamper():  # type: ignore[no-untyped-def]
        with connection.cursor() as cur:
            cur.execute("UPDATE audit_guard SET enabled = 0")
            cur.execute("UPDATE audit_auditevent SET message = 'edited' WHERE id = %s", [ev.pk])
            cur.execute("UPDATE audit_guard SET enabled = 1")
        return ev

    return tamper


def test_p6_1_a_verify_audit_exits_0_on_an_intact_log_and_1_naming_a_changed_event(tampered, capsys):
    assert main(["verify-audit"]) == 0
    assert "verifies" in capsys.readouterr().out
    ev = tampered()
    assert main(["verify-audit"]) == 1
    captured = capsys.readouterr()
    assert f"CHANGED: {ev.stream} #{ev.seq} (event id {ev.pk}, order.approved" in captured.out
    assert "does NOT verify: 1 changed" in captured.err


def test_p6_1_a_verify_audit_fails_when_the_guard_is_lowered(sales_rep, capsys):
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_guard SET enabled = 0")
    assert main(["verify-audit"]) == 1
    assert "PROTECTION: audit_guard (lowered)" in capsys.readouterr().out


def _bearer(user):  # type: ignore[no-untyped-def]
    from ordertaking.accounts.services import api_token_issue

    with transaction.atomic():
        _token, raw = api_token_issue(user=user, name="test", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_p6_1_a_the_api_verifies_for_the_auditor_and_names_the_changed_event(client, auditor, tampered):
    headers = _bearer(auditor)
    body = client.get("/api/v1/audit/verify", **headers).json()
    assert body["ok"] is True and body["problems"] == [] and body["events"] >= 1
    ev = tampered()
    response = client.get("/api/v1/audit/verify", HTTP_ACCEPT_LANGUAGE="en", **headers)
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False and body["counts"]["changed"] == 1
    (problem,) = body["problems"]
    assert (problem["kind"], problem["event_id"], problem["seq"], problem["subject_label"]) == (
        "changed", ev.pk, ev.seq, "SO-20261130-0007")
    assert problem["record"] == "user" and problem["action"] == "order.approved"


def test_p6_1_a_only_the_auditor_may_run_the_verification(client, leader, sales_rep):
    assert client.get("/api/v1/audit/verify", **_bearer(leader)).status_code == 403
    client.force_login(leader)
    assert client.get("/audit/verify/").status_code == 403


def test_p6_1_a_the_auditors_page_says_intact_or_names_the_finding_in_words(client, auditor, tampered):
    client.force_login(auditor)
    listing = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/audit/verify/"' in listing
    page = client.get("/audit/verify/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The audit trail is intact" in page
    ev = tampered()
    page = client.get("/audit/verify/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 finding: the audit trail has been tampered with." in page
    assert "Changed" in page and "SO-20261130-0007" in page and "Its content no longer matches" in page
    zh = client.get("/audit/verify/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "审计记录已被篡改" in zh and "已篡改" in zh and "内容与其指纹不符" in zh
    for raw in (ev.stream, ev.hash, ev.prev_hash, "order.approved", "changed<"):
        assert raw not in page and raw not in zh


def _drop_a_trigger() -> str:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("DROP TRIGGER audit_event_append_only ON audit_auditevent")
            return "audit_event_append_only"
        cur.execute("DROP TRIGGER audit_event_no_delete")
        return "audit_event_no_delete"


def test_p6_1_a_the_system_check_fails_without_a_trigger_and_migrate_puts_it_back(sales_rep):
    assert not [e for e in run_checks() if e.id == "audit.E001"]
    name = _drop_a_trigger()
    errors = [e for e in run_checks() if e.id == "audit.E001"]
    assert len(errors) == 1 and name in errors[0].msg and "ordertaking migrate" in (errors[0].hint or "")
    call_command("migrate", verbosity=0)
    assert triggers_missing() == []
    assert not [e for e in run_checks() if e.id == "audit.E001"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_p6_1_a_a_disabled_trigger_on_postgresql_fails_the_check_and_migrate_enables_it():
    from ordertaking.audit.triggers import triggers_ensure

    try:
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_truncate")
        assert triggers_missing() == ["audit_event_no_truncate"]
        assert [e.id for e in run_checks() if e.id == "audit.E001"] == ["audit.E001"]
        call_command("migrate", verbosity=0)
        assert triggers_missing() == []
    finally:
        triggers_ensure()


def test_p6_1_a_ordertaking_serve_refuses_to_start_without_the_triggers(monkeypatch, capsys):
    import os

    from ordertaking import cli

    started = []
    monkeypatch.setattr(cli, "bind_busy", lambda bind: None)
    monkeypatch.setattr(os, "execv", lambda path, argv: started.append(argv))
    _drop_a_trigger()
    assert main(["serve"]) == 1
    assert started == [] and "append-only protection is not in force" in capsys.readouterr().err
    call_command("migrate", verbosity=0)
    assert main(["serve"]) == 0 and len(started) == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds tables; PostgreSQL alters them in place")
@pytest.mark.django_db(transaction=True)
def test_p6_1_a_a_sqlite_table_rebuild_drops_the_triggers_and_migrate_brings_them_back(sales_rep):
    """What a migration altering the audit table does on SQLite: copy, drop, rename, and the triggers are gone."""
    from ordertaking.audit.models import AuditEvent
    from ordertaking.audit.triggers import triggers_ensure

    try:
        with connection.schema_editor() as editor:
            editor._remake_table(AuditEvent)  # type: ignore[attr-defined]
        assert set(triggers_missing()) == {"audit_event_no_delete", "audit_event_no_update"}
        assert [e.id for e in run_checks() if e.id == "audit.E001"] == ["audit.E001"]
        call_command("migrate", verbosity=0)
        assert triggers_missing() == []
    finally:
        triggers_ensure()


def test_p6_1_a_the_migration_chains_the_events_written_before_it_in_their_order(sales_rep, reviewer):
    """Migration 0003 on a log written before the chain: every record's events, in time order."""
    import importlib

    from django.apps import apps

    from ordertaking.audit.models import AuditEvent, StreamHead
    from ordertaking.audit.selectors import audit_chains_verify

    with transaction.atomic():
        for i in range(3):
            event_record(actor=reviewer, action=f"test.{i}", subject=sales_rep)
            event_record(actor=reviewer, action=f"test.{i}", subject=reviewer)
    with connection.cursor() as cur:  # the log as it was before the chain
        cur.execute("UPDATE audit_guard SET enabled = 0")
        cur.execute("UPDATE audit_auditevent SET stream = '', seq = 0, prev_hash = '', hash = ''")
        cur.execute("DELETE FROM audit_streamhead")
    assert not audit_chains_verify().ok
    migration = importlib.import_module("ordertaking.audit.migrations.0003_chain")
    migration.chain_existing(apps, type("Editor", (), {"connection": connection})())
    report = audit_chains_verify()
    assert report.ok, [str(p) for p in report.problems]
    ordered = list(AuditEvent.objects.filter(subject_id=str(sales_rep.pk), subject_type="accounts.user")
                   .order_by("at", "id").values_list("seq", flat=True))
    assert ordered == list(range(1, len(ordered) + 1))
    assert StreamHead.objects.get(stream=f"accounts.user:{sales_rep.pk}").seq == len(ordered)
