"""The exposure an approved order holds is released exactly once, however its cancellation is decided
at the same moment (P2.4, P5.1). PostgreSQL: real concurrent transactions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ordertaking.amendments import services
from ordertaking.amendments.models import CancelRequest
from ordertaking.common.errors import DomainError
from ordertaking.credit.models import CustomerCredit
from ordertaking.finance.services import exposure_reconcile
from tests.concurrency import errors_of, race


def _run_together(*works) -> tuple[list[object], list[BaseException]]:  # type: ignore[no-untyped-def]
    results = race(*works)
    return [r for r in results if not isinstance(r, BaseException)], errors_of(results)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_p2_4_two_deciders_agreeing_at_once_release_the_exposure_once(approved, customer, sales_rep, reviewer,
                                                                     reviewer2):
    kept = approved()
    order = approved()
    req = services.cancel_request_create(order=order, actor=sales_rep, reason="客户取消")
    done, errors = _run_together(lambda: services.cancel_request_agree(request=req, actor=reviewer),
                                 lambda: services.cancel_request_agree(request=req, actor=reviewer2))
    assert len(done) == 1 and len(errors) == 1 and isinstance(errors[0], DomainError)
    assert errors[0].code == "invalid_transition"  # type: ignore[attr-defined]
    credit = CustomerCredit.objects.get(customer=customer)
    assert credit.approved_uninvoiced == kept.approved_total == Decimal("12000.00")
    assert exposure_reconcile(actor=None) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_p2_4_agreeing_while_the_rep_withdraws_decides_one_way_only(approved, customer, sales_rep, reviewer):
    for _round in range(3):
        order = approved()
        req = services.cancel_request_create(order=order, actor=sales_rep, reason="客户取消")
        done, errors = _run_together(lambda r=req: services.cancel_request_agree(request=r, actor=reviewer),
                                     lambda r=req: services.cancel_request_withdraw(request=r, actor=sales_rep))
        assert len(done) == 1 and len(errors) == 1 and isinstance(errors[0], DomainError)
        req.refresh_from_db()
        order.refresh_from_db()
        if req.state == CancelRequest.State.AGREED:
            assert order.state == "cancelled" and order.approved_total == 0
        else:
            assert req.state == CancelRequest.State.WITHDRAWN
            assert order.state == "approved" and order.approved_total == Decimal("12000.00")
    assert exposure_reconcile(actor=None) == []
