"""Turn an order into the plain values `rules.py` checks (a fixed handful of queries, no N+1)."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from ordertaking.common.findings import Finding
from ordertaking.credit.checks import order_credit_findings
from ordertaking.customers.models import Customer
from ordertaking.orders.models import Order, OrderLine

from . import rules


def order_facts(order: Order) -> rules.OrderFacts:
    """Reads the order's current lines and the catalog as it is now (P2.3.b: current floor price)."""
    lines = list(OrderLine.objects.filter(order_id=order.pk).select_related("product").order_by("position"))
    customer = (Customer.objects.filter(pk=order.customer_id)
                .prefetch_related("addresses", "contacts",
                                  Prefetch("allowed_payment_methods"))
                .get())
    region = order.delivery_region if order.delivery_region_id else None
    payment = order.payment_method if order.payment_method_id else None
    return rules.OrderFacts(
        customer=rules.CustomerFacts(
            name=customer.name,
            credit_code=customer.credit_code or "",
            has_address=bool(customer.addresses.all()) or bool(customer.region_id and customer.city),
            contact_phones=tuple(c.phone for c in customer.contacts.all()),
        ),
        lines=tuple(
            rules.LineFacts(
                position=ln.position,
                name=ln.name,
                unit_price=ln.unit_price,
                product=None if ln.product is None else rules.ProductFacts(
                    code=ln.product.code, active=ln.product.active, floor_price=ln.product.floor_price,
                    needs_production=ln.product.needs_production,
                    production_lead_days=ln.product.production_lead_days),
            ) for ln in lines
        ),
        delivery_date=order.delivery_date,
        region=None if region is None else rules.RegionFacts(
            name=region.name, served=region.served, transit_days=region.transit_days),
        payment=None if payment is None else rules.PaymentFacts(
            code=payment.code, name=payment.name, active=payment.active, open_to_all=payment.open_to_all),
        allowed_payment_codes=frozenset(p.code for p in customer.allowed_payment_methods.all()),
    )


def order_findings(order: Order, *, today: date | None = None) -> list[Finding]:
    """The automatic review findings for the order as it stands now (P2.3.a/b)."""
    return rules.review_findings(order_facts(order), today=today or timezone.localdate()) + order_credit_findings(order)
