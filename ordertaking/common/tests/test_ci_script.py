""".ci/run's own logic, with the system tools and bin/test replaced by stubs that log their calls:
both databases always run, a fresh PostgreSQL database is made and dropped, and pytest's
"no tests collected" (exit 5) fails CI instead of passing silently."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

STUB = """#!/usr/bin/env bash
echo "$(basename "$0") DATABASE_URL=${DATABASE_URL:-} $*" >> "$CALLS"
"""


def _ci(tmp_path: Path, test_exits: list[int]) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    (repo / "bin").mkdir()
    shutil.copy(ROOT / ".ci" / "run", repo / ".ci" / "run")
    # bin/test: log the call, exit with the next status from the list.
    next_exit = 'n=$(grep -c "^test " "$CALLS"); set -- $EXITS; shift $((n-1)); exit ${1:-0}\n'
    (repo / "bin" / "test").write_text(STUB + next_exit)
    tools = tmp_path / "tools"
    tools.mkdir()
    for name in ("pg_isready", "createdb", "dropdb", "apt-get", "pg_ctlcluster"):
        (tools / name).write_text(STUB)
    (tools / "dpkg-query").write_text("#!/bin/sh\necho 'install ok installed'\n")
    (tools / "psql").write_text(STUB + 'echo "$DB_LIST"\n')
    for f in [*tools.iterdir(), repo / "bin" / "test"]:
        f.chmod(0o755)
    calls = tmp_path / "calls.log"
    calls.touch()
    env = {**os.environ, "PATH": f"{tools}:{os.environ['PATH']}", "CALLS": str(calls),
           "EXITS": " ".join(map(str, test_exits)), "DATABASE_URL": "sqlite:////nonexistent"}
    result = subprocess.run(["bash", ".ci/run"], cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    return result, calls.read_text().splitlines()


def test_ci_runs_sqlite_then_a_fresh_postgresql_database_and_drops_it(tmp_path):
    result, calls = _ci(tmp_path, [0, 0])
    assert result.returncode == 0, result.stdout + result.stderr
    tests = [c for c in calls if c.startswith("test ")]
    assert len(tests) == 2
    assert tests[0].startswith("test DATABASE_URL= ")  # the first run ignores any DATABASE_URL
    assert "-n 2" in tests[0]
    url = tests[1].split()[1].removeprefix("DATABASE_URL=")
    assert url.startswith("postgresql://postgres@127.0.0.1:5432/ot_ci_")
    db = url.rsplit("/", 1)[1]
    assert "--create-db" in tests[1]
    assert any(c.startswith("createdb") and c.endswith(db) for c in calls)
    assert any(c.startswith("psql") for c in calls), "leftover databases are looked up at exit"
    assert "CI passed" in result.stdout


@pytest.mark.parametrize("exits", [[5, 0], [0, 5]])
def test_ci_fails_when_pytest_collects_no_tests(tmp_path, exits):
    result, calls = _ci(tmp_path, exits)
    assert result.returncode == 1
    assert "collected no tests" in result.stderr


def test_ci_still_runs_postgresql_when_sqlite_fails_and_then_fails(tmp_path):
    result, calls = _ci(tmp_path, [1, 0])
    assert result.returncode == 1
    assert len([c for c in calls if c.startswith("test ")]) == 2
    assert "CI FAILED" in result.stdout and "SQLite (pytest exit 1)" in result.stdout
