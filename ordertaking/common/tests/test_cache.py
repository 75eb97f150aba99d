"""Django's cache: per process by default, one Redis for every server with ORDERTAKING_CACHE_URL
(docs/scaling.md). The Redis test talks to the real server on 127.0.0.1:6379 (database 5, kept apart
from the job queue tests); where none answers it is skipped with the command that starts one."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.utils.module_loading import import_string

from ordertaking.settings import cache_settings

REDIS = "redis://127.0.0.1:6379/5"


def _cache(settings: dict, **extra):  # type: ignore[no-untyped-def]
    """A cache built from the settings the way Django builds it, as one server's process would."""
    conf = {**settings["default"], **extra}
    backend = import_string(conf.pop("BACKEND"))
    return backend(conf.pop("LOCATION", ""), conf)


def test_without_a_cache_url_each_process_keeps_its_own_cache():
    assert cache_settings({}) == {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # per process is per server: what one stores, another never sees
    one, two = _cache(cache_settings({}), LOCATION="server-a"), _cache(cache_settings({}), LOCATION="server-b")
    assert isinstance(one, LocMemCache)
    one.set("k", "v")
    assert two.get("k") is None


def test_a_cache_url_gives_every_server_the_same_redis_cache():
    conf = cache_settings({"ORDERTAKING_CACHE_URL": f" {REDIS} "})["default"]
    assert conf["BACKEND"] == "django.core.cache.backends.redis.RedisCache" and conf["LOCATION"] == REDIS


def test_two_servers_with_the_cache_url_see_each_others_entries():
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379: start one with `redis-server --daemonize yes`")
    settings = cache_settings({"ORDERTAKING_CACHE_URL": REDIS})
    server_a, server_b = _cache(settings), _cache(settings)
    assert isinstance(server_a, RedisCache)
    key = f"test-{uuid.uuid4().hex}"
    try:
        server_a.set(key, {"n": 1}, 30)
        assert server_b.get(key) == {"n": 1}
        server_b.delete(key)
        assert server_a.get(key) is None
    finally:
        server_a.delete(key)
