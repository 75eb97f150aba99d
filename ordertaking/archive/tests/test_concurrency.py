"""PostgreSQL only: the nightly job and leadership's "recompute now" at the same moment classify a
customer once — one change, one event on its timeline (the customer row lock serialises them) —
and two verifications at once both count, each with its own event."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ordertaking.archive import services
from ordertaking.archive.rules import DEFAULT_THRESHOLDS, History
from ordertaking.audit.models import AuditEvent
from ordertaking.customers.models import Customer
from tests.concurrency import errors_of, race


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_p4_1_b_two_classifications_at_once_record_one_change(customer):
    today = timezone.localdate()
    history = History(orders_in_period=1, amount_in_period=Decimal("3200.00"),
                      last_order_on=today - timedelta(days=400))

    def classify() -> bool:
        return services.customer_classify(customer_id=customer.pk, history=history, today=today,
                                          t=DEFAULT_THRESHOLDS)

    results = race(classify, classify)
    assert errors_of(results) == [] and sorted(results) == [False, True], results
    customer.refresh_from_db()
    assert customer.value_tier == "dormant"
    assert AuditEvent.objects.filter(action="customer.classified", subject_id=str(customer.pk)).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_p4_1_a_two_verifications_at_once_both_recorded(customer, sales_rep, cs_agent):
    results = race(lambda: services.customer_verify(actor=sales_rep, customer=customer, confirmed=["basic"]),
                   lambda: services.customer_verify(actor=cs_agent, customer=customer, confirmed=["contacts"]))
    assert errors_of(results) == [], results
    assert AuditEvent.objects.filter(action="customer.verified", subject_id=str(customer.pk)).count() == 2
    assert Customer.objects.get(pk=customer.pk).last_verified_by in (sales_rep, cs_agent)
