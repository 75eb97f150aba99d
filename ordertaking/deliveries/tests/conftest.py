"""Deliveries fixtures: an order delivered to the customer, ready for acceptance (P2.5.c)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from ordertaking.logistics.tests import conftest as logistics_fixtures
from tests.credit_grant import customer_credit_grant


def deliver(order: Any) -> Any:
    """The order's goods delivered: until the delivery voucher's signing lands, the order is put in its
    delivered state directly (the acceptance selector then counts its lines as delivered in full)."""
    from ordertaking.orders.models import Order

    Order.objects.filter(pk=order.pk).update(state="delivered")
    order.refresh_from_db()
    return order


@pytest.fixture
def delivered_order(make_order, customer, finance_user):  # type: ignore[no-untyped-def]
    """Delivered: two motors (line 1), four reducers (line 2), the installation (line 3, a service)."""
    customer_credit_grant(customer, by=finance_user)
    order = make_order(state="approved", lines=[{"product": "motor", "quantity": "2"},
                                                {"product": "reducer", "quantity": "4"},
                                                {"product": "install", "quantity": "1"}])
    return deliver(order)


@pytest.fixture
def order_center(make_user):  # type: ignore[no-untyped-def]
    from ordertaking.accounts.roles import Role

    return make_user("center1", Role.ORDER_CENTER, display_name="赵中心")


@pytest.fixture
def leader2(make_user):  # type: ignore[no-untyped-def]
    from ordertaking.accounts.roles import Role

    return make_user("leader2", Role.LEADERSHIP, display_name="钱总")


def Link(order: Any) -> Any:  # noqa: N802 - reads as the thing it makes
    """The customer's private link of the order (portal's service, not mailed): what `portal_view` hands the
    customer's pages."""
    from ordertaking.portal.services import portal_link_issue

    return portal_link_issue(actor=order.sales_rep, order=order, send=False)


ALL_OK = {c: {"accepted": True, "note": ""} for c in ("quantity", "specification", "quality", "performance")}


def verdicts(**rejected: str) -> dict[str, Any]:
    """All criteria accepted except those given, rejected with that note."""
    out = {c: dict(v) for c, v in ALL_OK.items()}
    for criterion, note in rejected.items():
        out[criterion] = {"accepted": False, "note": note}
    return out


# --- the delivery voucher (P2.5.b) ------------------------------------------------------------------

# Logistics' fixtures, shared: the approved order whose motors production made, a carrier, ship().
unproduced_order = logistics_fixtures.unproduced_order
approved_order = logistics_fixtures.approved_order
carrier = logistics_fixtures.carrier
ship = logistics_fixtures.ship


def drawn_signature(width: int = 600, height: int = 200, *, blank: bool = False) -> bytes:
    """A PNG like a <canvas>'s toDataURL: transparent, with a dark stroke unless `blank`."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    if not blank:
        d = ImageDraw.Draw(img)
        d.line([(40, 150), (120, 40), (200, 160), (300, 60), (420, 140), (540, 70)], fill=(20, 20, 40, 255),
               width=5)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def signature() -> bytes:
    return drawn_signature()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def shipped(approved_order, ship) -> Any:  # type: ignore[no-untyped-def]
    """The order shipped in two dispatched parts: line 1 (10 motors) and line 2 (4 reducers); the
    service line does not ship. Each shipment has its open voucher."""
    first = ship(approved_order, {1: "10"}, dispatch=True)
    second = ship(approved_order, {2: "4"}, dispatch=True)
    approved_order.refresh_from_db()
    return approved_order, first.voucher, second.voucher
