"""Turn an order into the plain values `rules.py` checks (P5.3); review calls `order_legal_findings`
when it runs its checks, at submit and under the lock of the approval (review/checks.py)."""

from __future__ import annotations

from decimal import Decimal

from ordertaking.common.findings import Finding
from ordertaking.customers.models import Customer
from ordertaking.orders.models import ContractTerms, Order, OrderLine

from . import rules
from .models import DEFAULT_AMOUNT_THRESHOLD, LegalReview, LegalThreshold


def amount_threshold() -> Decimal:
    """The threshold in force: the latest one leadership set, else the default (P5.3)."""
    latest = LegalThreshold.objects.order_by("-set_at", "-id").values_list("amount", flat=True).first()
    return DEFAULT_AMOUNT_THRESHOLD if latest is None else latest


def order_legal_facts(order: Order, *, with_review: bool = True, individual: bool | None = None) -> rules.LegalFacts:
    """Three or four small queries: the threshold, the IP lines, the revision's legal review, and the
    customer's kind unless the caller knows it (`individual`) or the order came with its customer."""
    ip_lines = tuple(OrderLine.objects.filter(order_id=order.pk, product__involves_ip=True)
                     .order_by("position").values_list("position", "name"))
    kind: str | None
    if individual is not None:  # review read the customer already
        kind = Customer.Kind.INDIVIDUAL if individual else Customer.Kind.ENTERPRISE
    elif Order.customer.is_cached(order):  # the pages load the order with its customer
        kind = order.customer.kind
    else:
        kind = Customer.objects.filter(pk=order.customer_id).values_list("kind", flat=True).first()
    review = (LegalReview.objects.filter(order_id=order.pk, revision=order.revision)
              .only("state", "opinion", "reasons", "details").first() if with_review else None)
    return rules.LegalFacts(
        total_amount=order.total_amount, threshold=amount_threshold(),
        non_standard_terms=order.contract_terms == ContractTerms.NON_STANDARD,
        ip_lines=ip_lines, individual_buyer=kind == Customer.Kind.INDIVIDUAL,
        review_state=review.state if review else None, opinion=review.opinion if review else "",
        review_reasons=tuple(review.reasons) if review else (), review_details=dict(review.details) if review else {})


def order_legal_findings(order: Order, facts: rules.LegalFacts | None = None) -> list[Finding]:
    """The legal findings; pass `facts` to reuse what the caller already read."""
    return rules.legal_findings(facts if facts is not None else order_legal_facts(order))
