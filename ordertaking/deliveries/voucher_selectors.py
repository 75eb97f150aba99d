"""Reads of deliveries (P2.5), scoped to the reader."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from django.utils.translation import gettext as _

from ordertaking.accounts.roles import Role
from ordertaking.common.errors import NotFound
from ordertaking.confidentiality.models import Field
from ordertaking.confidentiality.rules import mask
from ordertaking.orders.models import Order
from ordertaking.orders.selectors import visible_orders

from .models import DeliveryVoucher, VoucherLine
from .voucher_states import SIGNED


def may_record(user: Any, order: Order) -> bool:
    """P2.5.b: who records delivery on the customer's behalf (a paper voucher, the documents handed
    over): `delivery_record` holders — the order's own sales rep, or the order processing center."""
    if not user.has_perm("accounts.delivery_record"):
        return False
    return bool(order.sales_rep_id == user.pk or user.has_role(Role.ORDER_CENTER))


def _with_lines(qs: QuerySet[DeliveryVoucher]) -> QuerySet[DeliveryVoucher]:
    return qs.select_related("order", "order__customer", "shipment", "recorded_by").prefetch_related(
        Prefetch("lines", queryset=VoucherLine.objects.order_by("position")))


def order_vouchers(order: Order) -> list[DeliveryVoucher]:
    """The order's vouchers, first shipment first."""
    return list(_with_lines(DeliveryVoucher.objects.filter(order=order)).order_by("created_at", "id"))


def voucher_for(user: Any, number: str) -> DeliveryVoucher:
    """A voucher of an order the user may see, or NotFound (never another rep's)."""
    voucher = _with_lines(DeliveryVoucher.objects.filter(
        number=(number or "").strip().upper(), order__in=visible_orders(user))).first()
    if voucher is None:
        raise NotFound(_("No delivery voucher %(number)s.") % {"number": number}, code="not_found")
    return voucher


def signer_shown(voucher: DeliveryVoucher, visible: bool) -> dict[str, Any]:
    """Who signed the voucher and the IP address they signed from, as the reader may see them (P4.1.c:
    `deliveries.selectors.people_visible` decides; the IP address is the signer's, masked like a phone). The
    browser is not: it names a kind of phone, never a person."""
    if visible:
        return {"signer_name": voucher.signer_name, "signer_ip": voucher.signer_ip or "", "visible": True}
    return {"signer_name": mask(Field.CONTACT_NAME, voucher.signer_name) or "",
            "signer_ip": mask(Field.PHONE, voucher.signer_ip or "") or "", "visible": False}


def reveal_voucher(user: Any, ref: str, key: str) -> tuple[Any, str, Any]:
    """What the reveal action finds on a voucher (handed down to confidentiality in DeliveriesConfig.ready)."""
    fields = {"signer_name": Field.CONTACT_NAME, "signer_ip": Field.PHONE}
    if key not in fields:
        raise NotFound(_("Nothing to reveal here."))
    voucher = voucher_for(user, str(ref)[:40])
    return voucher.order.customer, fields[key], getattr(voucher, key) or ""


def voucher_of_order(order: Order, number: str) -> DeliveryVoucher:
    """A voucher of this order (the customer's link reaches only its own order's), or NotFound."""
    voucher = _with_lines(DeliveryVoucher.objects.filter(order=order, number=(number or "").strip().upper())).first()
    if voucher is None:
        raise NotFound(_("No delivery voucher %(number)s.") % {"number": number}, code="not_found")
    return voucher


def voucher_list(user: Any, *, state: str = "", order: str = "") -> QuerySet[DeliveryVoucher]:
    qs = DeliveryVoucher.objects.filter(order__in=visible_orders(user)).select_related(
        "order", "order__customer", "shipment")
    if state in DeliveryVoucher.State.values:
        qs = qs.filter(state=state)
    if order:
        qs = qs.filter(order__number=order.strip().upper())
    return qs.order_by("-created_at", "-id")


def delivered_quantities(order: Order) -> dict[int, Decimal]:
    """P2.5.b → P2.5.c: per order line, the quantity on signed vouchers (online or on paper) — what the
    customer has taken delivery of and may accept."""
    rows = (VoucherLine.objects.filter(voucher__order=order, voucher__state__in=SIGNED, order_line__isnull=False)
            .values("order_line").annotate(total=Sum("quantity")))
    return {r["order_line"]: r["total"] for r in rows}


def open_vouchers(order: Order) -> int:
    return DeliveryVoucher.objects.filter(order=order, state=DeliveryVoucher.State.OPEN).count()


def order_has_vouchers(order: Order) -> bool:
    return DeliveryVoucher.objects.filter(order=order).exists()
