"""Backups (P4.2.b): a populated database is backed up, restored elsewhere and proved identical — on
SQLite and on PostgreSQL — and a damaged backup, a non-empty target or an overdue backup is caught."""

from __future__ import annotations

import gzip
import json
import sqlite3
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ordertaking import cli
from ordertaking.audit.services import event_record
from ordertaking.ops import backup as bk
from ordertaking.ops.models import BackupRecord

pytestmark = pytest.mark.django_db(transaction=True)


# --- the retention rule (pure) ------------------------------------------------------------------

def test_p4_2_b_retention_keeps_the_newest_days_weeks_and_months():
    days = [date(2026, 11, 30) - timedelta(days=n) for n in range(400)]
    keep = bk.backups_to_keep(days, daily=14, weekly=8, monthly=12)
    newest14 = set(days[:14])
    assert newest14 <= keep
    weeks = {d.isocalendar()[:2] for d in keep}
    months = {(d.year, d.month) for d in keep}
    assert len(months) == 12 and (2025, 12) in months and (2025, 11) not in months
    assert len(weeks) >= 8
    # 14 daily + the newest of 8 weeks + the newest of 12 months, overlapping: far fewer than 400
    assert len(keep) < 14 + 8 + 12
    assert date(2025, 11, 30) not in keep  # older than every bucket


def test_p4_2_b_retention_with_few_backups_keeps_them_all():
    days = [date(2026, 11, 1), date(2026, 10, 1)]
    assert bk.backups_to_keep(days, daily=1, weekly=1, monthly=2) == set(days)
    assert bk.backups_to_keep([], daily=14, weekly=8, monthly=12) == set()


# --- a populated database ---------------------------------------------------------------------

@pytest.fixture
def populated(make_order, customer, settings, tmp_path):
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=customer.created_by)
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "inspections").mkdir(parents=True)
    (settings.MEDIA_ROOT / "inspections" / "report.pdf").write_bytes(b"%PDF-1.4 test report")
    orders = [make_order(state="approved"), make_order(state="submitted"), make_order()]
    from django.db import transaction

    with transaction.atomic():
        event_record(actor=None, action="order.updated", subject=orders[0], clause="P2.2.b",
                     before={"notes": ""}, after={"notes": "x"})
    return orders


def _sqlite_dump(conn: sqlite3.Connection) -> list[str]:
    return list(conn.iterdump())


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_p4_2_b_sqlite_backup_restores_into_an_identical_database(populated, tmp_path):
    folder = bk.backup_make(destination=tmp_path / "backups")
    manifest = json.loads((folder / bk.MANIFEST).read_text())
    assert manifest["vendor"] == "sqlite" and manifest["tables"]["orders_order"] == 3
    assert set(manifest["files"]) == {bk.SQLITE_FILE, bk.MEDIA_FILE} and manifest["media_files"] == 1
    target = tmp_path / "restored.sqlite3"
    report = bk.backup_restore(folder, database_url=f"sqlite:///{target}")
    assert report.ok, report.problems
    assert "The audit log verifies" in report.audit_output
    connection.ensure_connection()
    restored = sqlite3.connect(target)
    try:
        assert _sqlite_dump(restored) == _sqlite_dump(connection.connection)
    finally:
        restored.close()


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_p4_2_b_a_damaged_backup_or_a_non_empty_target_is_refused(populated, tmp_path):
    folder = bk.backup_make(destination=tmp_path / "backups")
    target = tmp_path / "restored.sqlite3"
    assert bk.backup_restore(folder, database_url=f"sqlite:///{target}").ok
    # the target now has tables: a second restore into it is refused, nothing overwritten
    with pytest.raises(bk.BackupError, match="not empty"):
        bk.backup_restore(folder, database_url=f"sqlite:///{target}")
    # one flipped byte in the database file: refused before anything is written
    data = bytearray((folder / bk.SQLITE_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / bk.SQLITE_FILE).write_bytes(bytes(data))
    other = tmp_path / "other.sqlite3"
    with pytest.raises(bk.BackupError, match="checksum"):
        bk.backup_restore(folder, database_url=f"sqlite:///{other}")
    assert not other.exists()


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_p4_2_b_a_restore_whose_audit_log_does_not_verify_is_reported(populated, tmp_path):
    """A backup edited consistently (checksums recomputed) still fails: the hash chain catches it."""
    folder = bk.backup_make(destination=tmp_path / "backups")
    raw = tmp_path / "raw.sqlite3"
    with gzip.open(folder / bk.SQLITE_FILE) as src:
        raw.write_bytes(src.read())
    conn = sqlite3.connect(raw)
    conn.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_update")
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
    for name in names:
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("UPDATE audit_auditevent SET message = 'rewritten' WHERE id = (SELECT max(id) FROM audit_auditevent)")
    conn.commit()
    conn.close()
    with gzip.open(folder / bk.SQLITE_FILE, "wb") as out:
        out.write(raw.read_bytes())
    manifest = json.loads((folder / bk.MANIFEST).read_text())
    manifest["files"][bk.SQLITE_FILE] = {"size": (folder / bk.SQLITE_FILE).stat().st_size,
                                         "sha256": bk._sha256(folder / bk.SQLITE_FILE)}
    (folder / bk.MANIFEST).write_text(json.dumps(manifest))
    report = bk.backup_restore(folder, database_url=f"sqlite:///{tmp_path / 'r.sqlite3'}")
    assert not report.ok
    assert any("audit log does not verify" in p for p in report.problems)


@pytest.fixture
def empty_target(tmp_path):
    """An empty database of the vendor under test, as a URL (a scratch PostgreSQL database is dropped after)."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'r.sqlite3'}"
        return
    import psycopg

    params = connection.get_connection_params()
    base = {k: params[k] for k in ("host", "port", "user", "password") if params.get(k)}
    scratch = f"ot_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **base) as pg:
        pg.execute(f'CREATE DATABASE "{scratch}"')
    yield bk._pg_url({**base, "dbname": scratch})
    with psycopg.connect(dbname="postgres", autocommit=True, **base) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


# --- PostgreSQL ---------------------------------------------------------------------------------

def _pg_table_digests(conninfo: dict) -> dict[str, str]:
    import psycopg

    out = {}
    with psycopg.connect(**conninfo) as pg, pg.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        for (table,) in cur.fetchall():
            cur.execute(f'SELECT md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) FROM "{table}" t')
            row = cur.fetchone()
            assert row is not None
            out[table] = row[0]
    return out


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_p4_2_b_postgresql_backup_restores_into_an_identical_database(populated, tmp_path, empty_target):
    folder = bk.backup_make(destination=tmp_path / "backups")
    manifest = json.loads((folder / bk.MANIFEST).read_text())
    assert manifest["vendor"] == "postgresql" and manifest["tables"]["orders_order"] == 3
    report = bk.backup_restore(folder, database_url=empty_target)
    assert report.ok, report.problems
    assert "The audit log verifies" in report.audit_output
    params = connection.get_connection_params()
    base = {k: params[k] for k in ("host", "port", "user", "password") if params.get(k)}
    restored = {**base, "dbname": empty_target.rsplit("/", 1)[1]}
    assert _pg_table_digests(restored) == _pg_table_digests({**base, "dbname": params["dbname"]})


# --- the recorded run, retention on disk, alarms, the page, the console ---------------------------

def test_p4_2_b_a_scheduled_run_records_verifies_and_prunes(populated, tmp_path, settings):
    settings.ORDERTAKING_BACKUP_KEEP_DAILY = 2
    settings.ORDERTAKING_BACKUP_KEEP_WEEKLY = 0
    settings.ORDERTAKING_BACKUP_KEEP_MONTHLY = 0
    dest = tmp_path / "backups"
    first = timezone.now() - timedelta(days=3)
    records = [bk.backup_run(now=first + timedelta(days=n), destination=dest, check_restore=(n == 2))
               for n in range(3)]
    assert all(r.succeeded for r in records)
    last = BackupRecord.objects.get(pk=records[-1].pk)
    if connection.vendor == "sqlite":  # PostgreSQL needs ORDERTAKING_RESTORE_CHECK_DB for this check
        assert last.restore_ok is True and last.restore_checked_at is not None
    removed = BackupRecord.objects.filter(removed_at__isnull=False)
    assert [r.name for r in removed] == [records[0].name]
    assert not (dest / records[0].name).exists() and (dest / records[2].name).exists()


def test_p4_2_b_a_failed_backup_is_recorded_and_the_administrator_told(admin_user_role, tmp_path):
    admin_user_role.email = "admin@example.com"
    admin_user_role.save()
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the backup directory should be")
    record = bk.backup_run(destination=blocker / "backups", check_restore=False)
    assert record.succeeded is False and record.error
    assert [m.to for m in mail.outbox] == [["admin@example.com"]]
    assert "备份" in mail.outbox[0].body and "failed" in mail.outbox[0].body


def test_p4_2_b_overdue_is_judged_by_the_last_successful_backup(tmp_path, settings):
    settings.ORDERTAKING_BACKUP_MAX_AGE_HOURS = 26
    now = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    assert bk.backup_overdue(now=now)  # never backed up
    BackupRecord.objects.create(name="ordertaking-a", started_at=now - timedelta(hours=30), succeeded=True)
    assert bk.backup_overdue(now=now)
    BackupRecord.objects.create(name="ordertaking-b", started_at=now - timedelta(hours=2), succeeded=False)
    assert bk.backup_overdue(now=now)
    BackupRecord.objects.create(name="ordertaking-c", started_at=now - timedelta(hours=20), succeeded=True)
    assert not bk.backup_overdue(now=now)


def test_p4_2_b_back_up_now_from_the_page(client, admin_user_role, tmp_path, settings):
    settings.ORDERTAKING_BACKUP_DIR = tmp_path / "backups"
    client.force_login(admin_user_role)
    response = client.post(reverse("ops:backups"))
    assert response.status_code == 302
    record = BackupRecord.objects.get()
    assert record.succeeded and (tmp_path / "backups" / record.name / bk.MANIFEST).is_file()
    page = client.get(reverse("ops:backups")).content.decode()
    assert record.name in page and "data-testid=\"backup-overdue\"" not in page


def test_p4_2_b_the_backup_page_is_the_administrators_in_both_languages(client, admin_user_role, sales_rep):
    BackupRecord.objects.create(name="ordertaking-20261129T183000Z", succeeded=True, tables=40, rows=1234,
                                size_bytes=2048, restore_ok=True, restore_checked_at=timezone.now(),
                                finished_at=timezone.now())
    client.force_login(admin_user_role)
    zh = client.get(reverse("ops:backups")).content.decode()
    assert "备份" in zh and "已验证" in zh and "最近一次验证通过的恢复" in zh
    en = client.get(reverse("ops:backups"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Last verified restore" in en and "Verified" in en
    for page in (zh, en):
        assert "True" not in page and "None" not in page
    client.force_login(sales_rep)
    assert client.get(reverse("ops:backups")).status_code == 403


def test_p4_2_b_the_console_backs_up_and_restores(populated, tmp_path, capsys, empty_target):
    assert cli.main(["backup", "--dir", str(tmp_path / "b")]) == 0
    (folder,) = bk.backups_list(tmp_path / "b")
    out = capsys.readouterr().out
    assert folder.name in out
    assert cli.main(["restore", str(folder), "--database-url", empty_target]) == 0
    assert "verifies" in capsys.readouterr().out
    assert cli.main(["restore", str(folder), "--database-url", empty_target]) == 1
    assert "not empty" in capsys.readouterr().err
