"""Reads that may lag go to the replica, only when asked for and never inside a write (docs/scaling.md).

The replica here is a second alias on the same test database: ``same_connection`` shares the default
connection object (so the test's rows are visible and the router's log line tells where a read went),
``second_connection`` opens a real second connection (so its own query log shows what ran there)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from ordertaking.accounts.models import User
from ordertaking.common import db_router
from ordertaking.common.db_router import ReplicaRouter, replica_reads
from ordertaking.orders.models import Order

ROUTER = "ordertaking.common.db_router.ReplicaRouter"


@pytest.fixture
def same_connection(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    connections.settings["replica"] = dict(connections["default"].settings_dict)
    connections["replica"] = connections["default"]
    settings.DATABASE_ROUTERS = [ROUTER]
    yield
    del connections["replica"]
    del connections.settings["replica"]


@pytest.fixture
def second_connection(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    connections.settings["replica"] = dict(connections["default"].settings_dict)
    # connect() directly: the test case refuses to open connections to aliases it was not told about.
    connections["replica"].connect()
    settings.DATABASE_ROUTERS = [ROUTER]
    yield
    connections["replica"].close()
    del connections["replica"]
    del connections.settings["replica"]


def test_without_a_replica_every_read_stays_on_default() -> None:
    assert not db_router.replica_configured()
    with replica_reads():
        assert db_router.read_alias() == "default"
        assert ReplicaRouter().db_for_read(Order) == "default"


@pytest.mark.django_db
def test_reads_go_to_the_replica_only_when_asked_for_and_outside_a_transaction(same_connection) -> None:  # type: ignore[no-untyped-def]
    router = ReplicaRouter()
    assert router.db_for_read(Order) == "default"  # not asked for
    with replica_reads():
        assert router.db_for_read(Order) == "replica"
        assert router.db_for_write(Order) == "default"
        with transaction.atomic():  # a read inside a write: its checks must see the primary
            assert router.db_for_read(Order) == "default"
            assert Order.objects.all().db == "default"
        assert Order.objects.all().db == "replica"
    assert router.db_for_read(Order) == "default"  # and the wish ends with the block
    assert router.allow_migrate("replica", "orders") is False
    assert router.allow_migrate("default", "orders") is True


@pytest.mark.django_db
def test_a_real_second_connection_serves_the_marked_reads(second_connection) -> None:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connections["replica"]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_default:
        with replica_reads():
            User.objects.filter(username="nobody-here").exists()
        User.objects.filter(username="nobody-either").exists()
    assert ["nobody-here" in q["sql"] for q in on_replica.captured_queries] == [True]
    assert ["nobody-either" in q["sql"] for q in on_default.captured_queries] == [True]


def _replica_reads(caplog: pytest.LogCaptureFixture) -> int:
    return sum(1 for r in caplog.records if r.name == "ordertaking.db_router")


@pytest.mark.django_db
def test_statistics_and_scorecard_read_from_the_replica_and_an_order_page_does_not(
        client, same_connection, leader, customer, sales_rep, make_order, caplog) -> None:  # type: ignore[no-untyped-def]
    order = make_order(customer, rep=sales_rep, state="submitted")
    client.force_login(leader)
    caplog.set_level(logging.DEBUG, logger="ordertaking.db_router")
    for url in ("/reports/statistics/", "/assessment/", f"/reports/search/?q={order.number}"):
        caplog.clear()
        assert client.get(url).status_code == 200, url
        assert _replica_reads(caplog) > 0, url
    caplog.clear()
    client.force_login(sales_rep)
    assert client.get(f"/orders/{order.number}/").status_code == 200
    assert _replica_reads(caplog) == 0


def test_settings_add_the_replica_and_its_router_only_when_the_url_is_set(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import importlib

    import ordertaking.settings as s

    assert "replica" not in s.DATABASES and not hasattr(s, "DATABASE_ROUTERS")
    monkeypatch.setenv("DATABASE_URL", "postgresql://app@db1:5432/ot")
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgresql://app@db2:5432/ot")
    try:
        reloaded = importlib.reload(s)
        replica = reloaded.DATABASES["replica"]
        assert (replica["HOST"], replica["TEST"]) == ("db2", {"MIRROR": "default"})
        # the primary's connection reuse and prepared statements carry over
        assert replica["CONN_MAX_AGE"] == reloaded.DATABASES["default"]["CONN_MAX_AGE"] > 0
        assert replica["OPTIONS"] == reloaded.DATABASES["default"]["OPTIONS"]
        assert reloaded.DATABASE_ROUTERS == [ROUTER]
    finally:
        monkeypatch.delenv("DATABASE_REPLICA_URL")
        monkeypatch.undo()
        importlib.reload(s)
