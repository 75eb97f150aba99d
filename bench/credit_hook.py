"""W1 setup, credit part (P5.1): each customer gets an approved evaluation with a 1,000,000 CNY limit."""

from __future__ import annotations

from typing import Any


def setup(customer_ids: list[int]) -> dict[str, Any]:
    from ordertaking.accounts.models import User
    from ordertaking.credit.models import CustomerCredit
    from ordertaking.customers.models import Customer
    from tests.credit_grant import customer_credit_grant

    by = User.objects.get(username="bench_finance")  # proposes (P5.1.a) ...
    approver = User.objects.get(username="bench_leader")  # ... and a second person approves
    done = set(CustomerCredit.objects.filter(customer_id__in=customer_ids, evaluation__isnull=False)
               .values_list("customer_id", flat=True))
    for c in Customer.objects.filter(pk__in=customer_ids).exclude(pk__in=done):
        customer_credit_grant(c, by=by, approver=approver, limit="1000000.00")
    return {"credit": True, "why": "credit limit 1,000,000 CNY and an approved evaluation per customer"}
