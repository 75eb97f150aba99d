"""Turn an order into the plain values `rules.py` checks (P5.3); review calls `order_legal_findings`
when it runs its checks, at submit and under the lock of the approval (review/checks.py)."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Subquery

from ordertaking.common.findings import Finding
from ordertaking.customers.models import Customer
from ordertaking.orders.models import ContractTerms, Order, OrderLine

from . import rules
from .models import DEFAULT_AMOUNT_THRESHOLD, LegalReview, LegalThreshold


def amount_threshold() -> Decimal:
    """The threshold in force: the latest one leadership set, else the default (P5.3)."""
    latest = LegalThreshold.objects.order_by("-set_at", "-id").values_list("amount", flat=True).first()
    return DEFAULT_AMOUNT_THRESHOLD if latest is None else latest


UNREAD: Any = object()


def order_legal_facts(order: Order, *, with_review: bool = True, individual: bool | None = None,
                      lines: list[OrderLine] | None = None, review: LegalReview | None = UNREAD) -> rules.LegalFacts:
    """At most four small queries (the IP lines, the customer's kind, the threshold, the revision's legal
    review), none for what the caller already holds: `individual` (review read the customer), `lines` with
    their products (the service prefetched them), `review` (the submission just opened it, or knows there
    is none), and the columns of `legal_annotations()` on the order (its locking query carried them)."""
    if lines is not None:
        ip_lines = tuple((ln.position, ln.name) for ln in lines if ln.product is not None and ln.product.involves_ip)
    else:
        ip_lines = tuple(OrderLine.objects.filter(order_id=order.pk, product__involves_ip=True)
                         .order_by("position").values_list("position", "name"))
    kind: str | None
    if individual is not None:  # review read the customer already
        kind = Customer.Kind.INDIVIDUAL if individual else Customer.Kind.ENTERPRISE
    elif Order.customer.is_cached(order):  # the pages load the order with its customer
        kind = order.customer.kind
    else:
        kind = Customer.objects.filter(pk=order.customer_id).values_list("kind", flat=True).first()
    threshold = getattr(order, "legal_threshold", UNREAD)
    if threshold is UNREAD:
        threshold = amount_threshold()
    elif threshold is None:
        threshold = DEFAULT_AMOUNT_THRESHOLD
    if review is UNREAD:
        review = None
        # The locking query said whether the revision has a review: read it only when it has one.
        if with_review and getattr(order, "legal_review_state", UNREAD) is not None:
            review = (LegalReview.objects.filter(order_id=order.pk, revision=order.revision)
                      .only("state", "opinion", "reasons", "details").first())
    return rules.LegalFacts(
        total_amount=order.total_amount, threshold=threshold,
        non_standard_terms=order.contract_terms == ContractTerms.NON_STANDARD,
        ip_lines=ip_lines, individual_buyer=kind == Customer.Kind.INDIVIDUAL,
        review_state=review.state if review else None, opinion=review.opinion if review else "",
        review_reasons=tuple(review.reasons) if review else (), review_details=dict(review.details) if review else {})


def legal_annotations(*, threshold_only: bool = False) -> dict[str, Any]:
    """The threshold in force and the state of the revision's legal review, as columns of the order's own
    query (the approval's lock), so `order_legal_facts` reads neither again. `threshold_only`: the
    submission, whose revision is new (its review, if any, is the one it opens). Built once per process
    (`annotate` resolves copies)."""
    threshold, review_state = _legal_annotations()
    return {"legal_threshold": threshold} if threshold_only else {"legal_threshold": threshold,
                                                                  "legal_review_state": review_state}


@functools.cache
def _legal_annotations() -> tuple[Subquery, Subquery]:
    # One review per (order, revision): no ordering (the model's default would join the orders again).
    return (Subquery(LegalThreshold.objects.order_by("-set_at", "-id").values("amount")[:1]),
            Subquery(LegalReview.objects.filter(order_id=OuterRef("pk"), revision=OuterRef("revision"))
                     .order_by().values("state")[:1]))


def order_legal_findings(order: Order, facts: rules.LegalFacts | None = None) -> list[Finding]:
    """The legal findings; pass `facts` to reuse what the caller already read."""
    return rules.legal_findings(facts if facts is not None else order_legal_facts(order))
