"""Credit's state moves (P5.1): each goes through credit/states.py, writes its event, and a move
the table does not allow is refused with nothing written. Closing a hold (the held order was
returned or cancelled) and marking alerts read wrote no event before."""

from __future__ import annotations

import pytest

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import InvalidTransition
from ordertaking.credit.models import CreditAlert, CreditEvaluation, CreditHold
from ordertaking.credit.services import (
    credit_alerts_mark_read,
    credit_evaluation_approve,
    credit_evaluation_propose,
    credit_evaluation_reject,
    credit_hold_release,
    credit_holds_close,
)

from .test_services import FACTORS, _held

pytestmark = pytest.mark.django_db


def events(action):  # type: ignore[no-untyped-def]
    return list(AuditEvent.objects.filter(action=action))


def test_p5_1_a_approving_an_evaluation_supersedes_the_one_in_force_and_writes_both_events(
        customer, finance_user, leader):
    first = credit_evaluation_propose(customer=customer, actor=finance_user, **FACTORS)
    credit_evaluation_approve(evaluation=first, actor=leader)
    assert len(events("credit.evaluation_approved")) == 1 and not events("credit.evaluation_superseded")
    second = credit_evaluation_propose(customer=customer, actor=finance_user, **FACTORS)
    credit_evaluation_approve(evaluation=second, actor=leader)
    first.refresh_from_db()
    assert first.state == CreditEvaluation.State.SUPERSEDED
    (ev,) = events("credit.evaluation_superseded")
    assert ev.subject_id == str(customer.pk) and ev.clause == "P5.1.a" and ev.actor_id == leader.pk
    assert ev.after == {"evaluation": first.pk, "rating": first.rating, "score": first.score}


def test_p5_1_a_rejecting_a_rejected_evaluation_is_refused_and_writes_nothing(customer, finance_user, leader):
    ev = credit_evaluation_propose(customer=customer, actor=finance_user, **FACTORS)
    credit_evaluation_reject(evaluation=ev, actor=leader, comment="数据未核实")
    assert len(events("credit.evaluation_rejected")) == 1
    with pytest.raises(InvalidTransition):
        credit_evaluation_reject(evaluation=ev, actor=leader, comment="again")
    ev.refresh_from_db()
    assert ev.state == CreditEvaluation.State.REJECTED and len(events("credit.evaluation_rejected")) == 1


def test_p5_1_a_returned_held_order_closes_its_hold_and_the_timeline_says_so(
        customer, make_order, approve, evaluate, reviewer2):
    from ordertaking.review.services import order_return

    order, hold = _held(customer, make_order, approve, evaluate, "1000.00")
    order_return(order=order, actor=reviewer2, opinion="超出信用额度，请与客户商议预付款")
    hold.refresh_from_db()
    assert hold.state == CreditHold.State.CLOSED
    (ev,) = events("credit.hold_closed")
    assert (ev.subject_type, ev.subject_id, ev.actor_id, ev.clause) == ("orders.order", str(order.pk),
                                                                         reviewer2.pk, "P5.1")
    assert ev.after == {"stage": hold.stage, "excess": str(hold.excess)}


def test_p5_1_cancelled_held_order_closes_its_hold_by_the_orders_move(customer, make_order, approve, evaluate,
                                                                      sales_rep):
    """Orders sit below credit (docs/conventions.md): the cancellation is the event on the order's
    timeline, and the hold reads closed from the order's state (CreditHold.is_open)."""
    from ordertaking.orders.services import order_cancel

    order, hold = _held(customer, make_order, approve, evaluate, "1000.00")
    order_cancel(order=order, actor=sales_rep, reason="客户取消采购")
    hold.refresh_from_db()
    assert not hold.is_open and hold.current_state == CreditHold.State.CLOSED
    assert [e.actor_id for e in events("order.cancelled")] == [sales_rep.pk]


def test_p5_1_a_closed_hold_cannot_be_released_and_nothing_is_written(
        customer, make_order, approve, evaluate, finance_user, reviewer2):
    from ordertaking.review.services import order_return

    order, hold = _held(customer, make_order, approve, evaluate, "1000.00")
    order_return(order=order, actor=reviewer2, opinion="退回")
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidTransition):
        credit_hold_release(hold=hold, actor=finance_user, reason="too late")
    hold.refresh_from_db()
    assert hold.state == CreditHold.State.CLOSED and hold.released_by_id is None
    assert AuditEvent.objects.count() == before


def test_p5_1_closing_holds_of_an_order_with_none_open_writes_nothing(customer, make_order, approve, evaluate,
                                                                      finance_user):
    from django.db import transaction

    order, hold = _held(customer, make_order, approve, evaluate, "1000.00")
    credit_hold_release(hold=hold, actor=finance_user, reason="ok")
    before = AuditEvent.objects.count()
    with transaction.atomic():
        assert credit_holds_close(order=order, actor=finance_user) == 0
    hold.refresh_from_db()
    assert hold.state == CreditHold.State.RELEASED and AuditEvent.objects.count() == before


def test_p5_1_c_marking_alerts_read_records_who_read_how_many(customer, finance_user, sales_rep):
    CreditAlert.objects.bulk_create([
        CreditAlert(customer=customer, kind=CreditAlert.Kind.OVERDUE, recipient=finance_user, message="a"),
        CreditAlert(customer=customer, kind=CreditAlert.Kind.STOP, recipient=finance_user, message="b"),
        CreditAlert(customer=customer, kind=CreditAlert.Kind.STOP, recipient=sales_rep, message="c"),
    ])
    assert credit_alerts_mark_read(actor=finance_user) == 2
    assert not CreditAlert.objects.filter(recipient=finance_user, read_at__isnull=True).exists()
    assert CreditAlert.objects.get(recipient=sales_rep).read_at is None  # only the reader's own
    (ev,) = events("credit.alerts_read")
    assert (ev.actor_id, ev.subject_type, ev.subject_id) == (finance_user.pk, "accounts.user", str(finance_user.pk))
    assert ev.after == {"alerts_read": 2}
    # Nothing left unread: nothing to record.
    assert credit_alerts_mark_read(actor=finance_user) == 0
    assert len(events("credit.alerts_read")) == 1


def test_p5_1_c_the_dunning_page_marks_alerts_read_through_the_service(client, customer, finance_user):
    from django.urls import reverse

    CreditAlert.objects.create(customer=customer, kind=CreditAlert.Kind.OVERDUE, recipient=finance_user,
                               message="a")
    client.force_login(finance_user)
    assert client.post(reverse("finance:dunning"), {"alerts_read": "1"}).status_code == 302
    assert len(events("credit.alerts_read")) == 1
