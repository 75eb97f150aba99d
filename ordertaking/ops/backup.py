"""Backups and verified restores (P4.2.b 数据备份).

A backup is one directory `ordertaking-YYYYMMDDTHHMMSSZ/` under ``ORDERTAKING_BACKUP_DIR``:

- ``database.sqlite3.gz`` (SQLite: the online backup API copies a consistent database while the
  application runs, then gzip) or ``database.dump`` (PostgreSQL: ``pg_dump`` custom format, already
  compressed, taken in the same snapshot as the row counts below);
- ``media.tar.gz``: the uploaded files (``MEDIA_ROOT``), when there are any;
- ``manifest.json``: what the backup holds — each file's size and SHA-256, the row count of every
  table as of the backup's snapshot, the database vendor, the time.

``backup_restore`` restores one into an EMPTY database and verifies it: the files' checksums before
anything is written, every table's row count after, and ``ordertaking verify-audit`` run against the
restored database (the audit log's hash chains prove no event was lost or changed on the way).

When ``STORAGES`` has a ``"backups"`` entry (django-storages' S3 storage for an S3-compatible bucket in
production), every file of a backup is also copied there.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import connections

from ordertaking.common.errors import ValidationFailed

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3.gz"
PG_FILE = "database.dump"
MEDIA_FILE = "media.tar.gz"
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that could not be made or does not verify; the message says why."""


@dataclass
class RestoreReport:
    """What a restore checked. ``ok`` only when every check passed."""

    tables: int = 0
    rows: int = 0
    problems: list[str] = field(default_factory=list)
    audit_output: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


# --- the retention rule ---------------------------------------------------------------------

def backups_to_keep(days: Iterable[date], *, daily: int, weekly: int, monthly: int) -> set[date]:
    """P4.2.b retention 保存期限: of the days that have a good backup, keep the newest ``daily`` days,
    the newest backup of each of the newest ``weekly`` ISO weeks and of each of the newest ``monthly``
    months (grandfather-father-son). Everything else may be removed."""
    ordered = sorted(set(days), reverse=True)
    keep = set(ordered[:daily])
    for size, bucket in ((weekly, lambda d: d.isocalendar()[:2]), (monthly, lambda d: (d.year, d.month))):
        seen: list[Any] = []
        for d in ordered:
            key = bucket(d)
            if key in seen:
                continue
            if len(seen) == size:
                break
            seen.append(key)
            keep.add(d)
    return keep


# --- helpers --------------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def _vendor(alias: str = "default") -> str:
    return connections[alias].vendor


def backup_root() -> Path:
    return Path(getattr(settings, "ORDERTAKING_BACKUP_DIR", settings.VAR_DIR / "backups"))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {n: conn.execute(f"SELECT COUNT(*) FROM {_quote(n)}").fetchone()[0] for n in names}


def _pg_counts(cursor: Any) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    names = [r[0] for r in cursor.fetchall()]
    counts = {}
    for n in names:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(n)}")
        counts[n] = cursor.fetchone()[0]
    return counts


def _pg_env(params: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"), ("password", "PGPASSWORD")):
        if params.get(key):
            env[var] = str(params[key])
    return env


# --- backup ---------------------------------------------------------------------------------

def _backup_sqlite(alias: str, target: Path) -> dict[str, int]:
    conn = connections[alias]
    conn.ensure_connection()
    raw = conn.connection
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.sqlite3"
        dest = sqlite3.connect(copy)
        try:
            raw.backup(dest)  # the online backup API: a consistent copy while others write
            counts = _sqlite_counts(dest)
        finally:
            dest.close()
        with copy.open("rb") as src, gzip.open(target, "wb", compresslevel=6) as out:
            shutil.copyfileobj(src, out, CHUNK)
    return counts


def _backup_postgres(alias: str, target: Path) -> dict[str, int]:
    """Counts and dump from ONE snapshot: the counting transaction exports its snapshot and pg_dump
    reads exactly that (``--snapshot``), so the manifest describes the dump even while others write."""
    params = connections[alias].get_connection_params()
    dbname = params.get("dbname") or connections[alias].settings_dict["NAME"]
    import psycopg

    conninfo = {k: v for k, v in params.items() if k in ("host", "port", "user", "password", "dbname")}
    conninfo["dbname"] = dbname
    with psycopg.connect(**conninfo, autocommit=False) as pg:
        with pg.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cur.execute("SELECT pg_export_snapshot()")
            row = cur.fetchone()
            assert row is not None
            snapshot = row[0]
            counts = _pg_counts(cur)
            result = subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", f"--file={target}",
                 "--dbname", str(dbname)],
                env=_pg_env(params), capture_output=True, text=True, timeout=3600, check=False)
        pg.rollback()
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[:2000]}")
    return counts


def _media_archive(target: Path) -> int:
    """Tar the uploaded files; the number of files (0: no archive written)."""
    root = Path(settings.MEDIA_ROOT)
    files = [p for p in sorted(root.rglob("*")) if p.is_file()] if root.is_dir() else []
    if not files:
        return 0
    with tarfile.open(target, "w:gz") as tar:
        for p in files:
            tar.add(p, arcname=str(p.relative_to(root)))
    return len(files)


def backup_make(*, destination: Path | None = None, alias: str = "default", now: datetime | None = None) -> Path:
    """Make one backup directory and return its path. Nothing half-made is left: a failure removes the
    directory and raises BackupError."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    root = destination or backup_root()
    folder = root / f"ordertaking-{moment:%Y%m%dT%H%M%SZ}"
    work = root / f".partial-{folder.name}"
    try:
        root.mkdir(parents=True, exist_ok=True)
        if folder.exists():
            raise BackupError(f"{folder} already exists")
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
    except OSError as e:
        raise BackupError(f"cannot write to {root}: {e}") from e
    try:
        vendor = _vendor(alias)
        if vendor == "sqlite":
            db_file = SQLITE_FILE
            counts = _backup_sqlite(alias, work / db_file)
        elif vendor == "postgresql":
            db_file = PG_FILE
            counts = _backup_postgres(alias, work / db_file)
        else:  # pragma: no cover - the two databases this product supports
            raise BackupError(f"no backup method for {vendor}")
        media_files = _media_archive(work / MEDIA_FILE)
        files = [db_file] + ([MEDIA_FILE] if media_files else [])
        manifest = {
            "format": FORMAT,
            "created_at": moment.isoformat(),
            "vendor": vendor,
            "database_file": db_file,
            "media_files": media_files,
            "files": {name: {"size": (work / name).stat().st_size, "sha256": _sha256(work / name)} for name in files},
            "tables": counts,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        work.rename(folder)
    except BackupError:
        shutil.rmtree(work, ignore_errors=True)
        raise
    except Exception as e:
        shutil.rmtree(work, ignore_errors=True)
        raise BackupError(f"{type(e).__name__}: {e}") from e
    _offsite_copy(folder)
    return folder


def _offsite_copy(folder: Path) -> None:
    """Copy a backup to the ``backups`` storage (an S3-compatible bucket) when one is configured."""
    if "backups" not in settings.STORAGES:
        return
    from django.core.files.storage import storages

    remote = storages["backups"]
    for p in sorted(folder.iterdir()):
        with p.open("rb") as f:
            remote.save(f"{folder.name}/{p.name}", File(f))


def backup_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BackupError(f"{folder}: no readable {MANIFEST} ({e})") from e
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder}: unknown backup format {manifest.get('format')!r}")
    return manifest


def backup_check_files(folder: Path) -> dict[str, Any]:
    """The manifest, once every file's size and checksum match it (BackupError naming the file if not)."""
    manifest = backup_manifest(folder)
    for name, meta in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup")
        if path.stat().st_size != meta["size"] or _sha256(path) != meta["sha256"]:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged")
    return manifest


# --- restore --------------------------------------------------------------------------------

def _parse_target(database_url: str) -> dict[str, Any]:
    import dj_database_url

    try:
        cfg = dj_database_url.parse(database_url)
    except Exception as e:
        raise ValidationFailed(f"not a database URL: {e}", field="database_url") from e
    engine = cfg.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        return {"vendor": "sqlite", "path": Path(cfg["NAME"])}
    if "postgresql" in engine:
        return {"vendor": "postgresql", "dbname": cfg["NAME"], "host": cfg.get("HOST"), "port": cfg.get("PORT"),
                "user": cfg.get("USER"), "password": cfg.get("PASSWORD")}
    raise ValidationFailed("restore goes into SQLite or PostgreSQL", field="database_url")


def _pg_connect(target: dict[str, Any]) -> Any:
    import psycopg

    kwargs = {k: target[k] for k in ("dbname", "host", "port", "user", "password") if target.get(k)}
    return psycopg.connect(**kwargs, autocommit=True)


def backup_restore(folder: Path, *, database_url: str) -> RestoreReport:
    """Restore a backup into an empty database and verify it (P4.2.b). Refuses a target that already
    has tables: a restore never merges into, or overwrites, a live database."""
    manifest = backup_check_files(folder)
    target = _parse_target(database_url)
    if target["vendor"] != manifest["vendor"]:
        raise BackupError(f"this backup is of a {manifest['vendor']} database, the target is {target['vendor']}")
    report = RestoreReport()
    if target["vendor"] == "sqlite":
        path: Path = target["path"]
        if path.exists() and path.stat().st_size > 0:
            with sqlite3.connect(path) as existing:
                if _sqlite_counts(existing):
                    raise BackupError(f"{path} is not empty: restore into an empty database")
        path.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(folder / manifest["database_file"], "rb") as src, path.open("wb") as out:
            shutil.copyfileobj(src, out, CHUNK)
        conn = sqlite3.connect(path)
        try:
            counts = _sqlite_counts(conn)
        finally:
            conn.close()
    else:
        with _pg_connect(target) as pg, pg.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            row = cur.fetchone()
            if row and row[0]:
                raise BackupError(f"database {target['dbname']} is not empty: restore into an empty database")
        env = _pg_env(target)
        result = subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", str(target["dbname"]),
             str(folder / manifest["database_file"])],
            env=env, capture_output=True, text=True, timeout=3600, check=False)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()[:2000]}")
        with _pg_connect(target) as pg, pg.cursor() as cur:
            counts = _pg_counts(cur)
    expected: dict[str, int] = manifest["tables"]
    for table in sorted(set(expected) | set(counts)):
        if expected.get(table) != counts.get(table):
            report.problems.append(f"table {table}: {counts.get(table)} rows restored, {expected.get(table)} backed up")
    report.tables = len(counts)
    report.rows = sum(counts.values())
    _restore_media(folder, manifest)
    audit_ok, report.audit_output = _verify_audit(database_url)
    if not audit_ok:
        report.problems.append("the restored audit log does not verify: " + report.audit_output.strip()[-1000:])
    return report


def _restore_media(folder: Path, manifest: dict[str, Any]) -> None:
    """Unpack the uploaded files next to the restored database (into MEDIA_ROOT only when it is empty)."""
    if not manifest.get("media_files"):
        return
    root = Path(settings.MEDIA_ROOT)
    if root.is_dir() and any(root.iterdir()):
        return  # the files are there already (restore-check on the live machine): never overwrite them
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA_FILE, "r:gz") as tar:
        tar.extractall(root, filter="data")


def _verify_audit(database_url: str) -> tuple[bool, str]:
    """`ordertaking verify-audit` against the restored database, in its own process (its own settings)."""
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="ordertaking.settings")
    env.pop("DATABASE_MIGRATE_URL", None)
    result = subprocess.run([sys.executable, "-m", "ordertaking.cli", "verify-audit"], env=env,
                            capture_output=True, text=True, timeout=3600, check=False)
    return result.returncode == 0, result.stdout + result.stderr


def backups_list(root: Path | None = None) -> list[Path]:
    base = root or backup_root()
    if not base.is_dir():
        return []
    return sorted((p for p in base.iterdir() if p.is_dir() and p.name.startswith("ordertaking-")), reverse=True)


# --- the recorded run: backup, retention, restore check, alarm --------------------------------

BACKUP_JOB = "backup"


def _restore_check(folder: Path) -> RestoreReport | None:
    """Restore the backup into a scratch database and verify it; None when no scratch database can be
    used (PostgreSQL without ORDERTAKING_RESTORE_CHECK_DB)."""
    manifest = backup_manifest(folder)
    if manifest["vendor"] == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            return backup_restore(folder, database_url=f"sqlite:///{Path(tmp) / 'restore-check.sqlite3'}")
    scratch = getattr(settings, "ORDERTAKING_RESTORE_CHECK_DB", "")
    if not scratch:
        return None
    params = connections["default"].get_connection_params()
    target = {"dbname": "postgres", **{k: params.get(k) for k in ("host", "port", "user", "password")}}
    with _pg_connect(target) as pg:
        pg.execute(f"DROP DATABASE IF EXISTS {_quote(scratch)}")
        pg.execute(f"CREATE DATABASE {_quote(scratch)}")
    try:
        url = _pg_url({**target, "dbname": scratch})
        return backup_restore(folder, database_url=url)
    finally:
        with _pg_connect(target) as pg:
            pg.execute(f"DROP DATABASE IF EXISTS {_quote(scratch)}")


def _pg_url(t: dict[str, Any]) -> str:
    from urllib.parse import quote

    auth = quote(str(t.get("user") or ""), safe="")
    if t.get("password"):
        auth += ":" + quote(str(t["password"]), safe="")
    host = t.get("host") or "localhost"
    port = f":{t['port']}" if t.get("port") else ""
    return f"postgres://{auth}@{host}{port}/{t['dbname']}"


def backup_run(*, now: datetime | None = None, check_restore: bool = True, prune: bool = True,
               destination: Path | None = None) -> Any:
    """Make a backup and record it; then (scheduled run) verify it by a restore and apply retention.
    A failure is recorded and the administrators are told; the BackupRecord is returned either way."""
    from django.utils import timezone

    from .models import BackupRecord

    moment = now or timezone.now()
    record = BackupRecord.objects.create(name=f"ordertaking-{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}",
                                         started_at=moment, vendor=_vendor())
    try:
        folder = backup_make(destination=destination, now=moment)
        manifest = backup_manifest(folder)
        record.size_bytes = sum(f.stat().st_size for f in folder.iterdir())
        record.tables = len(manifest["tables"])
        record.rows = sum(manifest["tables"].values())
        record.succeeded = True
    except BackupError as e:
        record.succeeded = False
        record.error = str(e)[:10000]
        folder = None
    record.finished_at = timezone.now()
    record.save()
    if folder is not None and check_restore:
        try:
            report = _restore_check(folder)
        except (BackupError, ValidationFailed) as e:
            report = RestoreReport(problems=[str(e)])
        if report is not None:
            record.restore_checked_at = timezone.now()
            record.restore_ok = report.ok
            summary = f"{report.tables} tables, {report.rows} rows; {report.audit_output.strip()}"
            record.restore_report = ("\n".join(report.problems) or summary)[:10000]
            record.save(update_fields=["restore_checked_at", "restore_ok", "restore_report"])
    if prune and record.succeeded:
        backups_prune(destination=destination)
    if not record.succeeded or record.restore_ok is False:
        backup_alarm(record)
    return record


def backups_prune(*, destination: Path | None = None) -> list[str]:
    """Remove the backups the retention rule no longer keeps (only successful, recorded ones count)."""
    from django.utils import timezone

    from .models import BackupRecord

    good = list(BackupRecord.objects.filter(succeeded=True, removed_at__isnull=True))
    by_day: dict[date, BackupRecord] = {}
    for r in sorted(good, key=lambda r: r.started_at):  # the newest backup of a day stands for it
        by_day[timezone.localtime(r.started_at).date()] = r
    keep_days = backups_to_keep(by_day, daily=settings.ORDERTAKING_BACKUP_KEEP_DAILY,
                                weekly=settings.ORDERTAKING_BACKUP_KEEP_WEEKLY,
                                monthly=settings.ORDERTAKING_BACKUP_KEEP_MONTHLY)
    keep = {by_day[d].pk for d in keep_days}
    root = destination or backup_root()
    removed = []
    for r in good:
        if r.pk in keep:
            continue
        shutil.rmtree(root / r.name, ignore_errors=True)
        r.removed_at = timezone.now()
        r.save(update_fields=["removed_at"])
        removed.append(r.name)
    return removed


def backup_overdue(*, now: datetime | None = None) -> bool:
    """No successful backup within ORDERTAKING_BACKUP_MAX_AGE_HOURS (P4.2.b: backups run regularly)."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import BackupRecord

    moment = now or timezone.now()
    limit = moment - timedelta(hours=settings.ORDERTAKING_BACKUP_MAX_AGE_HOURS)
    return not BackupRecord.objects.filter(succeeded=True, started_at__gte=limit).exists()


def backup_alarm(record: Any | None) -> int:
    """Tell the administrators (e-mail, Chinese and English: an alarm does not wait for a language
    setting) that a backup failed, did not verify, or is overdue. Returns the number of recipients."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import Q

    from ordertaking.common.mail import mail_after_commit

    users = get_user_model().objects.filter(is_active=True).filter(
        Q(groups__permissions__codename="user_manage") | Q(is_superuser=True)).distinct()
    to = sorted({u.email for u in users if u.email})
    if record is None:
        zh, en = "超过规定时间没有成功的备份。", "No backup has succeeded within the required time."
    elif not record.succeeded:
        zh, en = f"备份 {record.name} 失败：{record.error}", f"Backup {record.name} failed: {record.error}"
    else:
        zh = f"备份 {record.name} 的恢复校验未通过：{record.restore_report}"
        en = f"Backup {record.name} did not verify when restored: {record.restore_report}"
    with transaction.atomic():
        mail_after_commit(subject="【接单系统】备份告警 / Backup alarm",
                          body=f"{zh}\n\n{en}\n\n— ordertaking", to=to)
    return len(to)
