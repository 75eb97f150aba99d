"""Acceptance by line and criterion (P2.5.c), the order's accept and close (P3.6)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.deliveries.acceptance import selectors
from ordertaking.deliveries.acceptance.services import acceptance_record, order_close
from ordertaking.deliveries.models import AcceptanceIssue, LineCheck
from ordertaking.feedback.models import Survey
from ordertaking.finance.services import invoice_issue, payment_record
from ordertaking.notifications.models import Notification
from tests.factories import events_since_built

from .conftest import Link, verdicts

pytestmark = pytest.mark.django_db


def lines(order):  # type: ignore[no-untyped-def]
    return list(order.lines.order_by("position"))


def accept_all(order, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("customer_name", "刘经理")
    return acceptance_record(order=order, entries=[(ln, verdicts()) for ln in lines(order)], **kw)


def test_p2_5_c_the_rep_accepts_every_line_for_the_customer_and_the_order_is_accepted(delivered_order, sales_rep):
    assert accept_all(delivered_order, actor=sales_rep) == []
    delivered_order.refresh_from_db()
    assert delivered_order.state == "accepted"
    assert LineCheck.objects.filter(order=delivered_order, verdict="accepted").count() == 12
    actions = [e.action for e in events_since_built(delivered_order)]
    # P6.1.c: feedback's hand-down offers the satisfaction survey in the same transaction
    assert actions == ["acceptance.line_recorded"] * 3 + ["order.accepted", "survey.invited"]
    assert Survey.objects.filter(order=delivered_order).count() == 1
    assert all(s.status == "accepted" for s in selectors.line_rows(delivered_order))


def test_p2_5_c_the_customer_accepts_part_of_the_order_on_their_page(delivered_order):
    first = lines(delivered_order)[0]
    acceptance_record(order=delivered_order, entries=[(first, verdicts())], portal_link=Link(delivered_order),
                      customer_name="刘经理")
    delivered_order.refresh_from_db()
    assert delivered_order.state == "delivered"  # partial acceptance: the other lines are still to inspect
    rows = selectors.line_rows(delivered_order)
    assert [r.status for r in rows] == ["accepted", "pending", "pending"]
    ev = events_since_built(delivered_order, "acceptance.line_recorded")[0]
    assert ev.actor_id is None and ev.actor_name == "customer" and ev.after["via"] == "customer"
    assert ev.after["customer_name"] == "刘经理"


def test_p2_5_c_another_orders_link_reaches_nothing(delivered_order, make_order):
    other = make_order(state="approved")
    with pytest.raises(PermissionDenied):
        acceptance_record(order=delivered_order, entries=[(lines(delivered_order)[0], verdicts())],
                          portal_link=Link(other), customer_name="刘经理")
    assert not LineCheck.objects.exists()


def test_p2_5_c_another_rep_may_not_record_acceptance_and_nothing_is_written(delivered_order, sales_rep2):
    with pytest.raises(PermissionDenied):
        accept_all(delivered_order, actor=sales_rep2)
    assert not LineCheck.objects.exists() and events_since_built(delivered_order) == []


def test_p2_5_c_a_rejected_criterion_needs_a_note(delivered_order, sales_rep):
    with pytest.raises(ValidationFailed) as e:
        acceptance_record(order=delivered_order, entries=[(lines(delivered_order)[0], verdicts(quality=""))],
                          actor=sales_rep, customer_name="刘经理")
    assert e.value.field == "lines.0.quality" and e.value.code == "note_required"
    assert not LineCheck.objects.exists()


def test_p2_5_c_every_criterion_gets_a_verdict(delivered_order, sales_rep):
    partial = verdicts()
    del partial["performance"]
    with pytest.raises(ValidationFailed) as e:
        acceptance_record(order=delivered_order, entries=[(lines(delivered_order)[0], partial)], actor=sales_rep,
                          customer_name="刘经理")
    assert e.value.field == "lines.0.performance"


def test_p2_5_c_the_person_at_the_customer_is_named(delivered_order, sales_rep):
    with pytest.raises(ValidationFailed) as e:
        accept_all(delivered_order, actor=sales_rep, customer_name="  ")
    assert e.value.field == "customer_name"


def test_p2_5_c_an_order_not_yet_delivered_is_not_inspected(make_order, customer, finance_user, sales_rep):
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=finance_user)
    order = make_order(state="approved")
    with pytest.raises(InvalidTransition) as e:
        accept_all(order, actor=sales_rep)
    assert e.value.code == "not_delivered"


def test_p2_5_c_a_line_is_accepted_once(delivered_order, sales_rep):
    first = lines(delivered_order)[0]
    acceptance_record(order=delivered_order, entries=[(first, verdicts())], actor=sales_rep, customer_name="刘经理")
    with pytest.raises(Conflict) as e:
        acceptance_record(order=delivered_order, entries=[(first, verdicts())], actor=sales_rep,
                          customer_name="刘经理")
    assert e.value.code == "line_accepted"


def test_p2_5_c_d_a_rejected_criterion_opens_an_issue_to_the_rep_and_keeps_the_order_delivered(
        delivered_order, sales_rep, order_center):
    issues = acceptance_record(order=delivered_order, entries=[
        (ln, verdicts(quality="外壳有划痕") if ln.position == 1 else verdicts()) for ln in lines(delivered_order)],
        actor=order_center, customer_name="刘经理")
    assert len(issues) == 1
    issue = issues[0]
    assert issue.line.position == 1 and issue.criteria == ["quality"] and "外壳有划痕" in issue.description
    assert issue.issue_class == "general" and issue.deadline is not None
    delivered_order.refresh_from_db()
    assert delivered_order.state == "delivered"
    assert [r.status for r in selectors.line_rows(delivered_order)] == ["rejected", "accepted", "accepted"]
    assert Notification.objects.filter(recipient=sales_rep, kind="acceptance_issue_opened").count() == 1
    with pytest.raises(Conflict) as e:  # the line is inspected again once the issue is closed
        acceptance_record(order=delivered_order, entries=[(lines(delivered_order)[0], verdicts())],
                          actor=sales_rep, customer_name="刘经理")
    assert e.value.code == "issue_open"
    assert AcceptanceIssue.objects.count() == 1


# --- close when accepted and paid (P3.6) ----------------------------------------------------------------

def test_p3_6_an_accepted_order_closes_when_finance_records_the_last_payment(delivered_order, sales_rep,
                                                                               finance_user):
    accept_all(delivered_order, actor=sales_rep)
    inv = invoice_issue(order=delivered_order, actor=finance_user)
    half = (inv.amount / 2).quantize(Decimal("0.01"))
    payment_record(customer=delivered_order.customer, actor=finance_user, amount=half,
                   allocations=[{"invoice": inv, "amount": half}])
    delivered_order.refresh_from_db()
    assert delivered_order.state == "accepted"  # partly paid: stays accepted
    rest = inv.amount - half
    payment_record(customer=delivered_order.customer, actor=finance_user, amount=rest,
                   allocations=[{"invoice": inv, "amount": rest}])
    delivered_order.refresh_from_db()
    assert delivered_order.state == "closed"
    closed = events_since_built(delivered_order, "order.closed")
    assert len(closed) == 1 and closed[0].actor_id == finance_user.pk


def test_p3_6_an_order_paid_before_acceptance_closes_when_the_last_line_is_accepted(delivered_order, sales_rep,
                                                                                     finance_user):
    inv = invoice_issue(order=delivered_order, actor=finance_user)
    payment_record(customer=delivered_order.customer, actor=finance_user, amount=inv.amount,
                   allocations=[{"invoice": inv, "amount": inv.amount}])
    delivered_order.refresh_from_db()
    assert delivered_order.state == "delivered"  # paid, not yet accepted: not closed
    accept_all(delivered_order, actor=sales_rep)
    delivered_order.refresh_from_db()
    assert delivered_order.state == "closed"
    assert [e.action for e in events_since_built(delivered_order)][-3:] == ["order.accepted", "survey.invited",
                                                                          "order.closed"]


def test_p3_6_an_order_not_wholly_invoiced_does_not_close(delivered_order, sales_rep, finance_user):
    accept_all(delivered_order, actor=sales_rep)
    first = lines(delivered_order)[0]
    inv = invoice_issue(order=delivered_order, actor=finance_user,
                        lines=[{"order_line": first, "quantity": first.quantity}])
    payment_record(customer=delivered_order.customer, actor=finance_user, amount=inv.amount,
                   allocations=[{"invoice": inv, "amount": inv.amount}])
    delivered_order.refresh_from_db()
    assert delivered_order.state == "accepted"
    with pytest.raises(Conflict) as e:
        order_close(order=delivered_order, actor=sales_rep)
    assert e.value.code == "not_paid"


def test_p2_5_c_acceptance_events_read_as_words(delivered_order, sales_rep):
    from ordertaking.audit.labels import describe_events

    acceptance_record(order=delivered_order, entries=[(lines(delivered_order)[0], verdicts(quantity="少一台"))],
                      actor=sales_rep, customer_name="刘经理")
    described = describe_events(AuditEvent.objects.filter(action__startswith="acceptance").order_by("pk"))
    assert len(described) == 2


def test_now_is_kept(delivered_order, sales_rep):
    when = timezone.make_aware(datetime(2026, 11, 2, 10, 0))
    acceptance_record(order=delivered_order, entries=[(lines(delivered_order)[0], verdicts())], actor=sales_rep,
                      customer_name="刘经理", now=when)
    assert LineCheck.objects.first().recorded_at == when  # type: ignore[union-attr]
