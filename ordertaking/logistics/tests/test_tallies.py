"""P2.4.c carrier rating kept as tallies (issue 14, W4 at scale): the services move each carrier's counts in
the transaction that changes the record, and the counts always equal the record counted afresh
(selectors.carrier_counts_recounted, the COUNT query the rating used to run for every shipment)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ordertaking.common.errors import InvalidTransition
from ordertaking.logistics import selectors, services
from ordertaking.logistics.jobs import TALLY_JOB, carrier_tallies_check
from ordertaking.logistics.models import TALLY_STRIPES, Carrier, CarrierTally, Shipment, ShippingException
from ordertaking.ops.models import JobRun
from tests.concurrency import errors_of, race
from tests.credit_grant import customer_credit_grant
from tests.readiness import readiness_sign_all, readiness_signers

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _second_carrier(logistics_user: Any, catalog: Any) -> Carrier:
    today = timezone.localdate()
    return services.carrier_create(actor=logistics_user, code="db", name="德邦物流", contract_number="DB-2026-7",
                                   contract_valid_from=today - timedelta(days=100),
                                   contract_valid_to=today + timedelta(days=200), methods=["express", "freight"],
                                   regions=list(catalog["regions"].values()))


def _summed(counted: dict[tuple[int, int], dict[str, int]], carrier: Carrier) -> tuple[int, int, int, int]:
    rows = [c for (cid, _s), c in counted.items() if cid == carrier.pk]
    return tuple(sum(r[n] for r in rows) for n in selectors.TALLY_COUNTS)  # type: ignore[return-value]


def _rated(carrier: Carrier) -> tuple[int, int, int, int]:
    r = selectors.rating_of(carrier)
    return (r.delivered, r.on_time, r.shipped, r.damaged)


def _stock_orders(make_order: Any, n: int, quantity: str) -> list[Any]:
    return [make_order(state="approved", lines=[{"product": "reducer", "quantity": quantity}]) for _ in range(n)]


def test_P2_4_c_tallies_equal_the_record_after_random_lifecycles(make_order, customer, finance_user, catalog,
                                                                 carrier, logistics_user):
    """Shipments of two carriers and the own fleet through random lifecycles, by the services: planned and
    left, cancelled, dispatched, in transit, delivered on time or late, with delays, damages and losses
    (twice on one shipment, before and after delivery). Tallies, the rating and the recount agree."""
    customer_credit_grant(customer, by=finance_user)
    other = _second_carrier(logistics_user, catalog)
    orders = _stock_orders(make_order, 2, "30")
    rnd = random.Random(20261130)
    today = timezone.localdate()
    signers = readiness_signers(orders[0])
    for i in range(36):
        order = orders[i % 2]
        who = rnd.choice([carrier, carrier, other, None])
        late = rnd.random() < 0.4
        shipment = services.shipment_create(
            order=order, actor=logistics_user, method="own_fleet" if who is None else "express", carrier=who,
            waybill_number=f"WB{i:04d}", planned_ship_date=today - timedelta(days=3 if late else 0),
            planned_arrival=today - timedelta(days=2) if late else today + timedelta(days=2),
            override_reason="客户指定", lines=[{"order_line": order.lines.get(position=1).pk, "quantity": "1"}])
        fate = rnd.random()
        if fate < 0.1:
            continue  # stays planned
        if fate < 0.25:
            services.shipment_cancel(shipment=shipment, actor=logistics_user, reason="客户改期")
            continue
        readiness_sign_all(shipment, **signers)
        services.shipment_dispatch(shipment=shipment, actor=logistics_user)
        if rnd.random() < 0.5:
            services.tracking_event_record(shipment=shipment, actor=logistics_user, kind="in_transit")
        for _ in range(rnd.choice([0, 0, 1, 2])):
            services.exception_record(shipment=shipment, actor=logistics_user, kind=rnd.choice(["delay", "damage",
                                                                                                "loss"]),
                                      cause="路上出事")
        if rnd.random() < 0.7:
            services.tracking_event_record(shipment=shipment, actor=logistics_user, kind="delivered")
            if rnd.random() < 0.2:  # a late event after the delivery moves nothing and counts nothing
                services.tracking_event_record(shipment=shipment, actor=logistics_user, kind="in_transit")
            if rnd.random() < 0.3:
                services.exception_record(shipment=shipment, actor=logistics_user, kind="damage", cause="签收后破损")

    counted = selectors.carrier_counts_recounted()
    assert selectors.carrier_tally_drift(counted) == []
    for c in (carrier, other):
        assert _rated(c) == _summed(counted, c)
        listed: Any = selectors.carriers_rated().get(pk=c.pk)
        assert (listed.n_delivered, listed.n_on_time, listed.n_shipped, listed.n_damaged) == _summed(counted, c)
    # the random walk met every case the counts count, so the comparison above can fail
    d, on_time, shipped, damaged = (sum(x) for x in zip(_summed(counted, carrier), _summed(counted, other),
                                                        strict=True))
    assert 0 < on_time < d < shipped and damaged > 0
    assert ShippingException.objects.values("shipment").distinct().count() > damaged  # some delays, some twice
    assert Shipment.objects.filter(carrier__isnull=True, state="delivered").exists()  # the own fleet: no tally
    assert not CarrierTally.objects.exclude(carrier__in=[carrier, other]).exists()
    assert CarrierTally.objects.filter(carrier=carrier).count() <= TALLY_STRIPES


def test_P2_4_c_on_time_is_the_company_day_whatever_the_readers_zone(approved_order, ship, carrier,
                                                                    logistics_user):
    """Delivered at 23:30 Asia/Shanghai on the planned day is on time, at 00:30 the next day late — counted
    so by the service and by the recount, even with another time zone active."""
    arrival = timezone.localdate() - timedelta(days=3)
    a = ship(approved_order, {1: "1"}, dispatch=True, planned_ship_date=arrival, planned_arrival=arrival)
    b = ship(approved_order, {1: "1"}, dispatch=True, planned_ship_date=arrival, planned_arrival=arrival)
    with timezone.override("UTC"):
        services.tracking_event_record(shipment=a, actor=logistics_user, kind="delivered",
                                       occurred_at=datetime.combine(arrival, time(23, 30), SHANGHAI))
        services.tracking_event_record(shipment=b, actor=logistics_user, kind="delivered",
                                       occurred_at=datetime.combine(arrival + timedelta(days=1), time(0, 30),
                                                                    SHANGHAI))
        assert _rated(carrier) == (2, 1, 2, 0)
        assert _summed(selectors.carrier_counts_recounted(), carrier) == (2, 1, 2, 0)


def test_P2_4_c_a_second_damage_of_one_shipment_counts_once(approved_order, ship, carrier, logistics_user):
    s = ship(approved_order, {1: "1"}, dispatch=True)
    services.exception_record(shipment=s, actor=logistics_user, kind="delay", cause="堵车")
    assert _rated(carrier) == (0, 0, 1, 0)
    services.exception_record(shipment=s, actor=logistics_user, kind="loss", cause="丢了一箱")
    services.exception_record(shipment=s, actor=logistics_user, kind="damage", cause="另一箱破损")
    assert _rated(carrier) == (0, 0, 1, 1)
    assert selectors.carrier_tally_drift() == []


def test_P2_4_c_a_damage_is_recorded_only_on_a_shipment_that_left(approved_order, ship, carrier, logistics_user):
    """So a dispatch never finds a damage waiting to be counted (what the old COUNT query would count)."""
    s = ship(approved_order, {1: "1"})
    with pytest.raises(InvalidTransition):
        services.exception_record(shipment=s, actor=logistics_user, kind="damage", cause="破损")
    assert not CarrierTally.objects.exists()


def test_P2_4_c_rebuild_recounts_what_bulk_writes_left_and_the_daily_check_shows_the_drift(
        approved_order, ship, carrier, logistics_user):
    """Rows written without the services (a bulk load, raw ORM) leave the tallies behind: the nightly check
    records the drift as a failed item naming both figures, and rebuilds the counts from the record."""
    s = ship(approved_order, {1: "1"}, dispatch=True)
    services.tracking_event_record(shipment=s, actor=logistics_user, kind="delivered")
    assert carrier_tallies_check() == [] and JobRun.objects.get(job=TALLY_JOB).failed == 0
    raw = Shipment.objects.create(number="SHP-RAW-01", order=approved_order, carrier=carrier, method="express",
                                  planned_ship_date=timezone.localdate(), planned_arrival=timezone.localdate(),
                                  state="delivered", shipped_at=timezone.now(), delivered_at=timezone.now()
                                  + timedelta(days=2), created_by=logistics_user)
    ShippingException.objects.create(shipment=raw, order=approved_order, kind="loss", cause="x",
                                     reported_by=logistics_user)
    assert _rated(carrier) == (1, 1, 1, 0)
    drift = carrier_tallies_check()
    assert drift == [{"carrier_id": carrier.pk,
                      "tallied": {"n_delivered": 1, "n_on_time": 1, "n_shipped": 1, "n_damaged": 0},
                      "recounted": {"n_delivered": 2, "n_on_time": 1, "n_shipped": 2, "n_damaged": 1}}]
    run = JobRun.objects.filter(job=TALLY_JOB).latest("pk")
    assert run.failed == 1 and not run.succeeded and "顺丰速运" in run.error
    assert _rated(carrier) == (2, 1, 2, 1)
    assert services.carrier_tallies_rebuild() == []  # nothing left to rebuild


def test_P2_4_c_the_ship_step_reads_the_rating_in_statements_that_do_not_grow_with_history(
        approved_order, ship, carrier, logistics_user):
    """Choosing a carrier reads its rating from its tally rows, never from its shipments: planning a
    shipment issues as many statements after a delivered history as before it."""
    def plan() -> list[str]:
        with CaptureQueriesContext(connection) as cq:
            ship(approved_order, {2: "1"})
        return [q["sql"] for q in cq.captured_queries]

    before = plan()
    for _ in range(3):
        s = ship(approved_order, {1: "1"}, dispatch=True)
        services.tracking_event_record(shipment=s, actor=logistics_user, kind="delivered")
    after = plan()
    assert len(after) == len(before)
    rating = [q for q in after if '"logistics_carriertally"' in q]
    assert len(rating) == 1 and "COUNT(" not in rating[0].upper()
    assert not any("COUNT(DISTINCT" in q.upper() and '"logistics_shipment"' in q for q in after)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_P2_4_c_concurrent_dispatches_and_deliveries_of_one_carrier_count_exactly(
        make_order, customer, finance_user, carrier, logistics_user):
    """Ten shipments of one carrier (five orders, two each) dispatched at the same moment, then delivered at
    the same moment: more shipments than stripes, so some share a tally row. Every count is exact."""
    customer_credit_grant(customer, by=finance_user)
    orders = _stock_orders(make_order, 5, "2")
    signers = readiness_signers(orders[0])
    shipments = []
    for i, order in enumerate(orders):
        for j in range(2):
            s = services.shipment_create(order=order, actor=logistics_user, method="express", carrier=carrier,
                                         waybill_number=f"SF{i}{j}", planned_ship_date=timezone.localdate(),
                                         lines=[{"order_line": order.lines.get(position=1).pk,
                                                 "quantity": Decimal("1")}])
            readiness_sign_all(s, **signers)
            shipments.append(s)
    assert errors_of(race(*[lambda s=s: services.shipment_dispatch(shipment=s, actor=logistics_user)
                            for s in shipments])) == []
    assert _rated(carrier) == (0, 0, 10, 0)
    assert errors_of(race(*[lambda s=s: services.tracking_event_record(shipment=s, actor=logistics_user,
                                                                       kind="delivered") for s in shipments])) == []
    assert _rated(carrier) == (10, 10, 10, 0)
    assert selectors.carrier_tally_drift() == []
    assert CarrierTally.objects.filter(carrier=carrier).count() == TALLY_STRIPES


@pytest.mark.django_db(transaction=True)
def test_P2_4_c_the_migration_backfills_the_tallies_of_the_shipments_already_there(approved_order, ship, carrier,
                                                                                   logistics_user):
    """A database with shipments from before the tallies (the 1M-order bench template, a live system): the
    migration that makes the table counts them as the recount does."""
    from django.db.migrations.executor import MigrationExecutor

    today = timezone.localdate()
    ship(approved_order, {1: "1"}, dispatch=True)
    late = ship(approved_order, {1: "1"}, dispatch=True, planned_ship_date=today - timedelta(days=3),
                planned_arrival=today - timedelta(days=2))
    services.tracking_event_record(shipment=late, actor=logistics_user, kind="delivered")
    services.exception_record(shipment=late, actor=logistics_user, kind="damage", cause="破损")
    expected = selectors.carrier_counts_recounted()
    assert _summed(expected, carrier) == (1, 0, 2, 1)

    executor = MigrationExecutor(connection)
    executor.migrate([("logistics", "0001_initial")])  # as before the tallies: the table goes
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("logistics", "0002_carrier_tally")])
    assert _rated(carrier) == (1, 0, 2, 1)
    assert {(t.carrier_id, t.stripe): {n: getattr(t, n) for n in selectors.TALLY_COUNTS}
            for t in CarrierTally.objects.all()} == expected
