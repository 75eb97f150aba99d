"""Turn an order into the plain values `rules.py` checks (a fixed handful of queries, no N+1)."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from ordertaking.common.findings import Finding
from ordertaking.common.sql import Present, joined, joined_text
from ordertaking.credit.checks import CreditFacts, order_credit_findings
from ordertaking.customers.models import Contact, Customer, CustomerAddress
from ordertaking.legal.checks import UNREAD, order_legal_facts, order_legal_findings
from ordertaking.legal.rules import LegalFacts
from ordertaking.orders.models import Order
from ordertaking.orders.selectors import order_lines

from . import rules


def customer_annotations() -> dict[str, Any]:
    """The customer's review facts as columns of the order's own locking query (which joins the customer):
    whether it has an address row, its contacts' phones and the codes of its allowed payment methods.
    `order_facts` then reads no customer table again (issue 14: the order read at approval joined once).
    The expressions are built once per process: `annotate` resolves a copy of each, never the original."""
    return dict(_customer_annotations())


@functools.cache
def _customer_annotations() -> dict[str, Any]:
    customer = OuterRef("customer_id")
    return {
        "customer_has_address_row": Present(CustomerAddress.objects.filter(customer_id=customer)),
        "customer_phones": joined_text(Contact.objects.filter(customer_id=customer), "phone"),
        "customer_payment_codes": joined_text(
            Customer.allowed_payment_methods.through.objects.filter(customer_id=customer), "paymentmethod__code"),
    }


def _customer_facts(order: Order) -> tuple[Customer, bool, tuple[str, ...], Any]:
    """(customer, has an address row, contact phones, allowed payment codes or None when unread)."""
    if hasattr(order, "customer_phones") and Order.customer.is_cached(order):
        a: Any = order  # the columns of customer_annotations()
        return (order.customer, bool(a.customer_has_address_row), tuple(joined(a.customer_phones)),
                frozenset(joined(a.customer_payment_codes)))
    # Two queries for the customer, a third only when the payment method is not open to all (the one
    # case where the rule looks at the customer's allowed methods).
    customer = (Customer.objects.filter(pk=order.customer_id)
                .only("name", "credit_code", "region_id", "city", "kind")
                .annotate(has_address_row=Exists(CustomerAddress.objects.filter(customer_id=OuterRef("pk"))))
                .get())
    phones = tuple(Contact.objects.filter(customer_id=order.customer_id).order_by("pk")
                   .values_list("phone", flat=True))
    return customer, bool(customer.has_address_row), phones, None


def order_facts(order: Order) -> rules.OrderFacts:
    """Reads the order's current lines and the catalog as it is now (P2.3.b: current floor price)."""
    lines = order_lines(order)  # one query, none when the calling service prefetched them
    customer, has_address_row, phones, allowed_codes = _customer_facts(order)
    region = order.delivery_region if order.delivery_region_id else None
    payment = order.payment_method if order.payment_method_id else None
    allowed: frozenset[str] = frozenset()
    if payment is not None and not payment.open_to_all:
        allowed = allowed_codes if allowed_codes is not None else frozenset(
            customer.allowed_payment_methods.values_list("code", flat=True))
    return rules.OrderFacts(
        customer=rules.CustomerFacts(
            name=customer.name,
            credit_code=customer.credit_code or "",
            has_address=has_address_row or bool(customer.region_id and customer.city),
            contact_phones=phones,
            individual=customer.kind == Customer.Kind.INDIVIDUAL,
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
        allowed_payment_codes=allowed,
    )


def order_findings(order: Order, *, today: date | None = None, facts: rules.OrderFacts | None = None,
                   credit_facts: CreditFacts | None = None, legal_facts: LegalFacts | None = None,
                   legal_review: Any = UNREAD) -> list[Finding]:
    """The automatic review findings for the order as it stands now (P2.3.a/b; P5.1 from the credit app;
    P5.3 from the legal app: a flagged order waits for the legal opinion). What the caller already read
    in this transaction: `credit_facts`, and `legal_review` (the revision's legal review, or None)."""
    facts = facts if facts is not None else order_facts(order)
    if legal_facts is None:
        legal_facts = order_legal_facts(order, individual=facts.customer.individual, lines=order_lines(order),
                                        review=legal_review)
    return (rules.review_findings(facts, today=today or timezone.localdate())
            + order_credit_findings(order, credit_facts) + order_legal_findings(order, legal_facts))
