"""Test and benchmark helper: give a customer an approved credit evaluation in one call, so other
apps' tests (review, orders) can pass the P5.1.b credit gate without going through finance.
Kept out of the ordertaking package: test helpers are not application code."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ordertaking.credit.models import CreditEvaluation, CustomerCredit
from ordertaking.credit.services import policy_current


def customer_credit_grant(customer: Any, *, by: Any, approver: Any = None, limit: str = "10000000.00",
                          rating: str = "AA", max_term_days: int = 90,
                          payment_kinds: tuple[str, ...] = ("prepayment", "cod", "credit"),
                          guarantee_required: bool = False) -> CustomerCredit:
    """Write an approved evaluation and the customer's credit row directly (no scoring)."""
    with transaction.atomic():
        ev = CreditEvaluation.objects.create(
            customer=customer, policy=policy_current(), state=CreditEvaluation.State.APPROVED,
            registered_capital=Decimal("0"), years_in_business=0, annual_revenue=Decimal("0"),
            debt_ratio=Decimal("0"), score=0, rating=rating, credit_limit=Decimal(limit),
            payment_kinds=list(payment_kinds), max_term_days=max_term_days,
            guarantee_required=guarantee_required, proposed_by=by, decided_by=approver,
            decided_at=timezone.now() if approver else None, note="test/demo grant")
        credit, _c = CustomerCredit.objects.update_or_create(customer=customer, defaults={
            "evaluation": ev, "rating": rating, "credit_limit": Decimal(limit), "payment_kinds": list(payment_kinds),
            "max_term_days": max_term_days, "guarantee_required": guarantee_required})
    return credit
