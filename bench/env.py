"""Databases for the benchmark: fresh PostgreSQL databases and SQLite files under var/bench/.

Each workload runs in its own process with DATABASE_URL set before Django starts, so one
`python -m bench run` can measure PostgreSQL and SQLite side by side.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
RESULTS = Path(__file__).resolve().parent / "results"
PY = sys.executable
PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")


def db_url(kind: str, name: str) -> str:
    if kind == "pg":
        return f"postgresql://{PG_USER}@{PG_HOST}/{name}"
    VAR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR / (name + '.sqlite3')}"


def sqlite_path(name: str) -> Path:
    return VAR / (name + ".sqlite3")


def psql(sql: str, dbname: str = "postgres") -> str:
    out = subprocess.run(["psql", "-h", PG_HOST, "-U", PG_USER, "-d", dbname, "-tAc", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def fresh_db(kind: str, name: str, migrate: bool = True) -> str:
    """Drop and recreate the database `name`, migrated. Returns its DATABASE_URL."""
    url = db_url(kind, name)
    if kind == "pg":
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{name}"')
    else:
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(sqlite_path(name)) + suffix)
            if p.exists():
                p.unlink()
    if migrate:
        run_django(["manage.py", "migrate", "-v0"], url)
    return url


def django_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = url
    env["DJANGO_SETTINGS_MODULE"] = "ordertaking.settings"
    env["ORDERTAKING_AXES_ENABLED"] = "0"
    env.setdefault("ORDERTAKING_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_django(args: list[str], url: str, timeout: float = 3600) -> str:
    out = subprocess.run([PY, *args], cwd=ROOT, env=django_env(url), check=False, capture_output=True,
                         text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({out.returncode}):\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")
    return out.stdout


def run_step(step: str, url: str, params: dict[str, Any], timeout: float = 3600) -> dict[str, Any]:
    """Run `python -m bench step <step>` in a fresh process with Django on `url`; its last stdout line is JSON."""
    out = run_django(["-m", "bench", "step", step, json.dumps(params)], url, timeout=timeout)
    return json.loads(out.strip().splitlines()[-1])


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ordertaking.settings")
    os.environ.setdefault("ORDERTAKING_AXES_ENABLED", "0")
    import django

    django.setup()


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"python": platform.python_version(), "platform": platform.platform(),
                            "cpus": os.cpu_count()}
    with contextlib.suppress(OSError, StopIteration), open("/proc/cpuinfo") as f:
        info["cpu"] = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    try:
        info["postgresql"] = psql("SHOW server_version")
    except Exception:  # noqa: BLE001 - the machine description is best-effort
        info["postgresql"] = None
    import sqlite3

    info["sqlite"] = sqlite3.sqlite_version
    info["loadavg"] = os.getloadavg()
    return info


def save(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"workload": name, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": machine(),
            **data}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    return path
