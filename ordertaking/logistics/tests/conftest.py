"""Logistics fixtures: an approved order (two lines that ship and one service), carriers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.credit_grant import customer_credit_grant


@pytest.fixture
def unproduced_order(make_order, customer, finance_user):  # type: ignore[no-untyped-def]
    """Approved: the motor line (10) needs production (production made its order), the reducer (4) is
    from stock, the installation is a service."""
    customer_credit_grant(customer, by=finance_user)
    return make_order(state="approved", lines=[{"product": "motor", "quantity": "10"},
                                               {"product": "reducer", "quantity": "4"},
                                               {"product": "install", "quantity": "1"}])


def produce(order: Any, actor: Any) -> None:
    """The shop floor makes every production order of the order (production's services)."""
    from ordertaking.production.models import ProductionOrder
    from ordertaking.production.services import production_order_finish, production_order_start

    for po in ProductionOrder.objects.filter(order=order).order_by("id"):
        production_order_start(po=po, actor=actor)
        production_order_finish(po=po, actor=actor)


@pytest.fixture
def approved_order(unproduced_order, production_user):  # type: ignore[no-untyped-def]
    """The same order once production has finished the motors: every line may ship."""
    produce(unproduced_order, production_user)
    unproduced_order.refresh_from_db()
    return unproduced_order


@pytest.fixture
def carrier(logistics_user, catalog):  # type: ignore[no-untyped-def]
    from ordertaking.logistics.services import carrier_create

    today = timezone.localdate()
    return carrier_create(actor=logistics_user, code="sf", name="顺丰速运", contract_number="SF-2026-001",
                          contract_valid_from=today - timedelta(days=200),
                          contract_valid_to=today + timedelta(days=165),
                          methods=["express", "freight"], regions=list(catalog["regions"].values()))


@pytest.fixture
def expired_carrier(logistics_user, catalog):  # type: ignore[no-untyped-def]
    from ordertaking.logistics.services import carrier_create

    today = timezone.localdate()
    return carrier_create(actor=logistics_user, code="zt", name="中通快运", contract_number="ZT-2025-009",
                          contract_valid_from=today - timedelta(days=400),
                          contract_valid_to=today - timedelta(days=35),
                          methods=["freight"], regions=list(catalog["regions"].values()))


def line_of(order: Any, position: int) -> Any:
    return order.lines.get(position=position)


@pytest.fixture
def ship(logistics_user, carrier):  # type: ignore[no-untyped-def]
    """`ship(order, {1: "6"}, dispatch=True)`: a shipment of those line positions and quantities. With
    `dispatch`, its delivery readiness checklist is signed first (P2.5.a, tests/readiness.py), then it leaves."""
    from ordertaking.logistics.services import shipment_create, shipment_dispatch
    from tests.readiness import readiness_sign_all

    def make(order: Any, quantities: dict[int, str], *, dispatch: bool = False, **kw: Any) -> Any:
        args: dict[str, Any] = {"method": "express", "carrier": carrier, "waybill_number": "SF1234567890",
                                "planned_ship_date": timezone.localdate()}
        args.update(kw)
        shipment = shipment_create(order=order, actor=logistics_user,
                                   lines=[{"order_line": line_of(order, p), "quantity": Decimal(q)}
                                          for p, q in quantities.items()], **args)
        if dispatch:
            readiness_sign_all(shipment, logistics=logistics_user)
            shipment = shipment_dispatch(shipment=shipment, actor=logistics_user)
        return shipment

    return make
