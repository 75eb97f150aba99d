"""What a backup (ops/backup.py) holds, as bytes a test can search: the SQLite file, or the PostgreSQL dump as the
SQL it restores."""

from __future__ import annotations

import gzip
import subprocess
from pathlib import Path

from django.db import connection


def backup_content(tmp_path: Path) -> bytes:
    from ordertaking.ops import backup as bk

    folder = bk.backup_make(destination=tmp_path / "backups")
    if connection.vendor == "sqlite":
        return gzip.decompress((folder / bk.SQLITE_FILE).read_bytes())
    return subprocess.run(["pg_restore", "--data-only", "-f", "-", str(folder / bk.PG_FILE)],
                          check=True, capture_output=True).stdout
