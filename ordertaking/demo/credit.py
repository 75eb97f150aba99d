"""Demo credit evaluations (P5.1.a/b), through credit.services with four eyes: finance proposes,
leadership approves. Runs before any order, because P5.1.b wants the credit check before a
customer's first order and review.order_approve refuses a customer without one.

Active customers get an evaluation from figures that fit their size; prospects get none (their
orders show the `no_credit_evaluation` finding). Keyed by the customer: a customer that already
has an approved evaluation is left alone. The credit/finance engineer may extend this
(guarantees, a customer on credit stop, overdue invoices for P5.1.c monitoring).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from ordertaking.credit.models import CustomerCredit
from ordertaking.credit.services import credit_evaluation_approve, credit_evaluation_propose
from ordertaking.customers.models import Customer

if TYPE_CHECKING:
    from .loader import DemoContext, DemoCustomer

# Inputs by company size; with the default scorecard large and medium rate AA, small A.
PROFILES: dict[str, dict[str, Any]] = {
    "large": {"registered_capital": Decimal("50000000"), "years_in_business": 15, "licences_held": 5,
              "annual_revenue": Decimal("500000000"), "debt_ratio": Decimal("45"), "references": 5},
    "medium": {"registered_capital": Decimal("20000000"), "years_in_business": 10, "licences_held": 3,
               "annual_revenue": Decimal("120000000"), "debt_ratio": Decimal("55"), "references": 3},
    "small": {"registered_capital": Decimal("5000000"), "years_in_business": 6, "licences_held": 2,
              "annual_revenue": Decimal("30000000"), "debt_ratio": Decimal("60"), "references": 2},
}


def load(ctx: DemoContext, customers: Iterable[DemoCustomer]) -> None:
    for c in customers:
        customer = ctx.customers[c.key]
        if customer.status != Customer.Status.ACTIVE:
            continue
        if CustomerCredit.objects.filter(customer=customer, evaluation__isnull=False).exists():
            continue
        with transaction.atomic():
            ev = credit_evaluation_propose(customer=customer, actor=ctx.users["finance1"], **PROFILES[c.size],
                                           note="年度信用评估：营业执照、近两年财务报表及银行资信证明已核。")
            credit_evaluation_approve(evaluation=ev, actor=ctx.users["leader1"], comment="同意。")
        ctx.count("credit evaluations")
