"""Accepting the last line twice at the same moment accepts the order once (P2.5.c): both writers lock the
order row first, the second finds the line accepted. PostgreSQL: real concurrent transactions."""

from __future__ import annotations

import pytest

from ordertaking.common.errors import InvalidTransition
from ordertaking.deliveries.acceptance.services import acceptance_record
from ordertaking.deliveries.models import LineCheck
from tests.concurrency import errors_of, race
from tests.factories import events_since_built

from .conftest import Link, verdicts


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_p2_5_c_the_customer_and_the_rep_accepting_the_last_line_at_once_accept_the_order_once(
        delivered_order, sales_rep):
    lines = list(delivered_order.lines.order_by("position"))
    acceptance_record(order=delivered_order, entries=[(ln, verdicts()) for ln in lines[:2]], actor=sales_rep,
                      customer_name="刘经理")
    last = lines[2]

    def by_customer() -> None:
        acceptance_record(order=delivered_order, entries=[(last, verdicts())], portal_link=Link(delivered_order),
                          customer_name="刘经理")

    def by_rep() -> None:
        acceptance_record(order=delivered_order, entries=[(last, verdicts())], actor=sales_rep,
                          customer_name="刘经理")

    errors = errors_of(race(by_customer, by_rep))
    # The second waited on the order's lock and found it accepted: refused, nothing written twice.
    assert len(errors) == 1 and isinstance(errors[0], InvalidTransition), errors
    assert errors[0].code == "order_accepted"
    delivered_order.refresh_from_db()
    assert delivered_order.state == "accepted"
    assert len(events_since_built(delivered_order, "order.accepted")) == 1
    assert LineCheck.objects.filter(line=last).count() == 4
