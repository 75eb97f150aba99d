"""P4.1.a/b: verification, thresholds and classification through the services, with their events."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ordertaking.archive import selectors, services
from ordertaking.archive.rules import DEFAULT_THRESHOLDS
from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import PermissionDenied, ValidationFailed
from ordertaking.customers.models import Customer
from ordertaking.ops.models import JobRun

pytestmark = pytest.mark.django_db


def _events(customer, action):  # type: ignore[no-untyped-def]
    return list(AuditEvent.objects.filter(subject_type="customers.customer", subject_id=str(customer.pk),
                                          action=action).order_by("seq"))


# --- verification (P4.1.a) ---------------------------------------------------------------------------

def test_p4_1_a_verifying_records_who_confirmed_what_and_writes_an_event(customer, sales_rep):
    services.customer_verify(actor=sales_rep, customer=customer, confirmed=["contacts", "basic"],
                             note="电话与采购经理确认")
    customer.refresh_from_db()
    assert customer.last_verified_by == sales_rep and customer.last_verified_at is not None
    assert customer.verified_items == ["basic", "contacts"]  # in the form's order
    [ev] = _events(customer, "customer.verified")
    assert ev.after == {"confirmed": ["basic", "contacts"]} and ev.message == "电话与采购经理确认"
    assert ev.clause == "P4.1.a"


def test_p4_1_a_verifying_needs_at_least_one_known_part_and_writes_nothing_otherwise(customer, sales_rep):
    for confirmed, field in (([], "confirmed"), (["everything"], "confirmed")):
        with pytest.raises(ValidationFailed) as e:
            services.customer_verify(actor=sales_rep, customer=customer, confirmed=confirmed)
        assert e.value.field == field
    with pytest.raises(ValidationFailed):
        services.customer_verify(actor=sales_rep, customer=customer, confirmed=["basic"], note="x" * 1001)
    customer.refresh_from_db()
    assert customer.last_verified_at is None and _events(customer, "customer.verified") == []


def test_p4_1_a_another_reps_customer_or_a_reader_cannot_be_verified(customer, sales_rep2, finance_user):
    for user in (sales_rep2, finance_user):
        with pytest.raises(PermissionDenied):
            services.customer_verify(actor=user, customer=customer, confirmed=["basic"])
    assert _events(customer, "customer.verified") == []


def test_p4_1_a_the_queue_holds_customers_not_confirmed_for_the_configured_age(customer, sales_rep, cs_agent,
                                                                               settings):
    settings.ORDERTAKING_VERIFY_AFTER_DAYS = 180
    old = timezone.now() - timedelta(days=181)
    Customer.objects.filter(pk=customer.pk).update(created_at=old)
    fresh = Customer.objects.create(name="新客户", created_by=sales_rep, sales_rep=sales_rep)
    assert list(selectors.verification_due(user=sales_rep)) == [customer]  # never verified, created long ago
    Customer.objects.filter(pk=customer.pk).update(last_verified_at=timezone.now() - timedelta(days=179))
    assert list(selectors.verification_due(user=sales_rep)) == []
    Customer.objects.filter(pk=customer.pk).update(last_verified_at=timezone.now() - timedelta(days=181))
    assert list(selectors.verification_due(user=sales_rep)) == [customer]
    # verifying takes it off the queue; a fresh customer is never on it
    services.customer_verify(actor=sales_rep, customer=customer, confirmed=["basic"])
    assert list(selectors.verification_due(user=sales_rep)) == [] and fresh.pk
    Customer.objects.filter(pk=customer.pk).update(last_verified_at=old)
    # customer service sees every customer's due entries, a rep only their own
    assert list(selectors.verification_due(user=cs_agent)) == [customer]


def test_p4_1_a_the_reps_home_card_lists_their_due_customers(customer, sales_rep, sales_rep2):
    Customer.objects.filter(pk=customer.pk).update(created_at=timezone.now() - timedelta(days=400))
    [card] = selectors.home_queues(sales_rep)
    assert card.key == "verification_due" and card.count == 1 and card.items[0]["label"] == customer.name
    [card] = selectors.home_queues(sales_rep2)
    assert card.count == 0


# --- thresholds (P4.1.b) -----------------------------------------------------------------------------

def test_p4_1_b_only_leadership_changes_the_thresholds_and_each_change_is_an_event(leader, sales_rep):
    with pytest.raises(PermissionDenied):
        services.tier_thresholds_update(actor=sales_rep, key_orders=10)
    row = services.tier_thresholds_update(actor=leader, key_orders=10, key_amount="800000")
    assert row.key_orders == 10 and row.key_amount == Decimal("800000.00") and row.updated_by == leader
    [ev] = AuditEvent.objects.filter(action="tier_thresholds.updated")
    assert ev.before == {"key_orders": 4, "key_amount": "500000.00"}
    assert ev.after == {"key_orders": 10, "key_amount": "800000.00"}
    # nothing changed: no event
    services.tier_thresholds_update(actor=leader, key_orders=10)
    assert AuditEvent.objects.filter(action="tier_thresholds.updated").count() == 1


@pytest.mark.parametrize(("values", "field"), [
    ({"regular_orders": 99}, "regular_orders"), ({"period_months": 0}, "period_months"),
    ({"key_amount": "NaN"}, "key_amount"), ({"key_amount": "1e30"}, "key_amount"),
    ({"dormant_days": "x"}, "dormant_days"),
    ({"frequent_orders": 2.5}, "frequent_orders"), ({"bogus": 1}, "bogus"), ({"active_days": None}, "active_days"),
])
def test_p4_1_b_bad_thresholds_are_refused_naming_the_field_and_nothing_changes(leader, values, field):
    with pytest.raises(ValidationFailed) as e:
        services.tier_thresholds_update(actor=leader, **values)
    assert e.value.field == field
    assert selectors.thresholds_current().as_rule() == DEFAULT_THRESHOLDS
    assert not AuditEvent.objects.filter(action="tier_thresholds.updated").exists()


# --- classification (P4.1.b) -------------------------------------------------------------------------

def test_p4_1_b_frequency_counts_the_orders_of_the_period_not_the_lifetime(customer, bought):
    for days in (10, 100, 200):  # three in the last 12 months
        bought("3200.00", days)
    for days in (400, 500, 600, 700):  # four older ones do not count
        bought("3200.00", days)
    history = selectors.order_histories(today=timezone.localdate(), t=selectors.thresholds_current().as_rule(),
                                        customer_ids=[customer.pk])[customer.pk]
    assert history.orders_in_period == 3 and history.amount_in_period == Decimal("9600.00")
    services.classification_refresh()
    customer.refresh_from_db()
    assert (customer.purchase_frequency, customer.orders_in_period) == ("medium", 3)
    assert customer.value_tier == "growing"  # recent, two or more orders


def test_p4_1_b_drafts_submitted_and_cancelled_orders_are_not_purchases(customer, bought, make_order):
    make_order(state="draft")
    make_order(state="submitted")
    make_order(state="cancelled")
    services.classification_refresh()
    customer.refresh_from_db()
    assert (customer.purchase_frequency, customer.value_tier, customer.orders_in_period) == ("none", "", 0)


def test_p4_1_b_a_tier_change_is_an_event_on_the_customers_timeline_once(customer, bought):
    bought("600000.00", 400)
    result = services.classification_refresh()
    customer.refresh_from_db()
    assert customer.value_tier == "dormant" and customer.purchase_frequency == "none"
    assert result["changed"] >= 1
    [ev] = _events(customer, "customer.classified")
    assert ev.before == {"purchase_frequency": "", "value_tier": ""}
    assert ev.after["value_tier"] == "dormant" and ev.clause == "P4.1.b"
    # a second run with nothing new writes nothing
    services.classification_refresh()
    assert len(_events(customer, "customer.classified")) == 1
    # four recent orders of ¥150,000 make a key customer: one more event
    for days in (1, 2, 3, 4):
        bought("150000.00", days)
    services.classification_refresh()
    customer.refresh_from_db()
    assert customer.value_tier == "key"
    assert [e.after["value_tier"] for e in _events(customer, "customer.classified")] == ["dormant", "key"]


def test_p4_1_b_new_thresholds_reclassify_and_the_run_is_recorded(customer, bought, leader):
    bought("200000.00", 5)
    services.classification_refresh()
    customer.refresh_from_db()
    assert customer.value_tier == "growing"
    services.tier_thresholds_update(actor=leader, growing_amount="300000", key_amount="300000")
    result = services.classification_refresh(actor=leader)
    customer.refresh_from_db()
    assert result["changed"] == 1
    assert customer.value_tier == "occasional"  # one order of ¥200,000: below both of growing's thresholds
    services.tier_thresholds_update(actor=leader, key_orders=1, growing_orders=1, key_amount="200000",
                                    growing_amount="100000")
    services.classification_refresh(actor=leader)
    customer.refresh_from_db()
    assert customer.value_tier == "key"
    assert JobRun.objects.filter(job="customer_classification", succeeded=True).count() == 3


def test_p4_1_b_only_leadership_recomputes_on_demand(sales_rep):
    with pytest.raises(PermissionDenied):
        services.classification_refresh(actor=sales_rep)


def test_p4_1_b_the_nightly_task_classifies(customer, bought):
    from ordertaking.archive.tasks import customer_classification_nightly

    bought("3200.00", 3)
    customer_classification_nightly.call_local()
    customer.refresh_from_db()
    assert customer.value_tier == "occasional" and customer.purchase_frequency == "low"
