from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone


@pytest.fixture
def bought(make_order, customer, sales_rep):  # type: ignore[no-untyped-def]
    """`bought(total, days_ago)`: an approved order of `total`, its approval moved `days_ago` days back."""
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=sales_rep)

    def make(total: str, days_ago: int, **kw: Any) -> Any:
        qty = max(1, int(Decimal(total) // Decimal("3200")))  # motors at no less than their list price
        return make_order(state="approved", total=total, qty=qty,
                          approved_at=timezone.now() - timedelta(days=days_ago), **kw)

    return make
