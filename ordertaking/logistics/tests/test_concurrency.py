"""Two dispatches at the same moment never over-ship a line (P2.4.c): every write that changes what the
shipments of an order hold locks the order row first. PostgreSQL: real concurrent transactions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from ordertaking.common.errors import ValidationFailed
from ordertaking.logistics import selectors
from ordertaking.logistics.models import Shipment
from ordertaking.logistics.services import shipment_create, shipment_dispatch
from tests.concurrency import errors_of, race
from tests.readiness import readiness_sign_all, readiness_signers

from .conftest import line_of


def _run_together(work, n: int) -> list[BaseException]:  # type: ignore[no-untyped-def]
    return errors_of(race(*[lambda i=i: work(i) for i in range(n)]))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_P2_4_c_two_concurrent_dispatches_of_the_whole_line_ship_it_once(approved_order, carrier, logistics_user):
    line = line_of(approved_order, 1)

    signers = readiness_signers(approved_order)

    def work(i: int) -> None:
        s = shipment_create(order=approved_order, actor=logistics_user, method="express", carrier=carrier,
                            waybill_number=f"SF-{i}", planned_ship_date=timezone.localdate(),
                            lines=[{"order_line": line.pk, "quantity": Decimal("10")}])
        readiness_sign_all(s, **signers)  # P2.5.a: signed by the three departments before it leaves
        shipment_dispatch(shipment=s, actor=logistics_user)

    errors = _run_together(work, 2)
    assert len(errors) == 1 and isinstance(errors[0], ValidationFailed)
    assert errors[0].code == "over_shipped"
    assert selectors.shipped_quantities(approved_order)[line.pk] == Decimal("10")
    assert Shipment.objects.filter(order=approved_order).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_P2_4_c_many_concurrent_partial_dispatches_stop_at_the_ordered_quantity(approved_order, carrier,
                                                                               logistics_user):
    line = line_of(approved_order, 2)  # 4 ordered

    signers = readiness_signers(approved_order)

    def work(i: int) -> None:
        s = shipment_create(order=approved_order, actor=logistics_user, method="express", carrier=carrier,
                            waybill_number=f"SF-{i}", planned_ship_date=timezone.localdate(),
                            lines=[{"order_line": line.pk, "quantity": Decimal("1")}])
        readiness_sign_all(s, **signers)
        shipment_dispatch(shipment=s, actor=logistics_user)

    errors = _run_together(work, 7)
    assert len(errors) == 3 and all(getattr(e, "code", "") == "over_shipped" for e in errors)
    assert selectors.shipped_quantities(approved_order)[line.pk] == Decimal("4")
    approved_order.refresh_from_db()
    assert approved_order.state == "partly_shipped"  # line 1 is still to ship
