"""Demo credit evaluations (P5.1.a/b), through credit.services with four eyes: finance proposes,
leadership approves. Runs before any order, because P5.1.b wants the credit check before a
customer's first order and review.order_approve refuses a customer without one.

Active customers get an evaluation from figures that fit their size; prospects get none (their
orders show the `no_credit_evaluation` finding). Keyed by the customer: a customer that already
has an approved evaluation is left alone. The credit/finance engineer may extend this
(guarantees, a customer on credit stop, overdue invoices for P5.1.c monitoring).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from ordertaking.customers.models import Customer

from .demo_orders import ServiceMissing, service

if TYPE_CHECKING:
    from .demo import DemoContext

# Inputs by company size; with the default scorecard large and medium rate AA, small A.
PROFILES: dict[str, dict[str, Any]] = {
    "large": {"registered_capital": Decimal("50000000"), "years_in_business": 15, "licences_held": 5,
              "annual_revenue": Decimal("500000000"), "debt_ratio": Decimal("45"), "references": 5},
    "medium": {"registered_capital": Decimal("20000000"), "years_in_business": 10, "licences_held": 3,
               "annual_revenue": Decimal("120000000"), "debt_ratio": Decimal("55"), "references": 3},
    "small": {"registered_capital": Decimal("5000000"), "years_in_business": 6, "licences_held": 2,
              "annual_revenue": Decimal("30000000"), "debt_ratio": Decimal("60"), "references": 2},
}


def load(ctx: DemoContext) -> None:
    try:
        from ordertaking.credit.models import CustomerCredit
    except ImportError:
        ctx.skipped.append("credit evaluations: the credit app is not installed")
        return
    from .demo import CUSTOMERS

    for c in CUSTOMERS:
        customer = ctx.customers[c.key]
        if customer.status != Customer.Status.ACTIVE:
            continue
        if CustomerCredit.objects.filter(customer=customer, evaluation__isnull=False).exists():
            continue
        try:
            with transaction.atomic():
                propose = service("ordertaking.credit.services", "credit_evaluation_propose")
                approve = service("ordertaking.credit.services", "credit_evaluation_approve")
                ev = propose(customer=customer, actor=ctx.users["finance1"], **PROFILES[c.size],
                             note="年度信用评估: 营业执照、近两年财务报表及银行资信证明已核。")
                approve(evaluation=ev, actor=ctx.users["leader1"], comment="同意。")
        except ServiceMissing as missing:
            ctx.skipped.append(f"credit evaluations: {missing} not available yet")
            return
        ctx.count("credit evaluations")
