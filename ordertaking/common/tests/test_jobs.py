"""Jobs run on huey: SQLite storage by default, Redis in production (HUEY_REDIS_URL).

The Redis test talks to the real server on 127.0.0.1:6379 (ENVIRONMENT.md); where none
answers it is skipped with the command that starts one.
"""

from __future__ import annotations

import uuid

import pytest
from huey import RedisHuey, SqliteHuey


def _run_one(huey):  # type: ignore[no-untyped-def]
    @huey.task()
    def add(a: int, b: int) -> int:
        return a + b

    result = add(2, 3)
    task = huey.dequeue()
    assert task is not None, "the task was not stored in the queue"
    huey.execute(task)
    return result.get()


def test_jobs_run_through_the_sqlite_storage(tmp_path):
    huey = SqliteHuey(name=f"t-{uuid.uuid4().hex}", filename=str(tmp_path / "huey.sqlite3"))
    assert _run_one(huey) == 5


def test_jobs_run_through_the_redis_storage_used_in_production():
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379: start one with `redis-server --daemonize yes`")
    huey = RedisHuey(name=f"t-{uuid.uuid4().hex}", url=url)
    try:
        assert _run_one(huey) == 5
    finally:
        huey.flush()


def test_settings_choose_redis_when_huey_redis_url_is_set(monkeypatch):
    import importlib

    import ordertaking.settings as s

    monkeypatch.setenv("HUEY_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        reloaded = importlib.reload(s)
        assert reloaded.HUEY["huey_class"] == "huey.RedisHuey"
        assert reloaded.HUEY["connection"] == {"url": "redis://127.0.0.1:6379/0"}
    finally:
        monkeypatch.delenv("HUEY_REDIS_URL")
        importlib.reload(s)
