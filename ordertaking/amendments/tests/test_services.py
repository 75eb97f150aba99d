"""Changes and cancellations after approval (P2.3 again, P2.4, P5.1): the exposure moves by the
change's difference only and is released exactly once; lines keep their identity; the review's
segregation of duties applies to the change; a withdrawn change restores the approved content."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings

from ordertaking.amendments import services
from ordertaking.amendments.models import CancelRequest, ChangeRequest
from ordertaking.common.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.credit.models import CustomerCredit
from ordertaking.finance.selectors import exposure_recompute
from ordertaking.finance.services import credit_note_apply, credit_note_issue, exposure_reconcile, invoice_issue
from ordertaking.orders.models import Order
from ordertaking.orders.services import order_cancel, order_update
from ordertaking.review.services import order_approve, order_return
from tests.factories import events_since_built

pytestmark = pytest.mark.django_db


def _approved_exposure(customer) -> Decimal:  # type: ignore[no-untyped-def]
    return CustomerCredit.objects.get(customer=customer).approved_uninvoiced


def _lines(order: Order, **quantities: str) -> list[dict]:
    """The order's lines as the change form sends them, with the given quantities by position ("p1")."""
    return [{"id": ln.pk, "product": ln.product, "quantity": quantities.get(f"p{ln.position}", ln.quantity),
             "unit_price": ln.unit_price} for ln in order.lines.all()]


def test_p5_1_an_approved_order_holds_its_total(approved, customer):
    order = approved()
    assert order.approved_total == Decimal("12000.00")
    assert _approved_exposure(customer) == Decimal("12000.00")
    assert exposure_reconcile(actor=None) == []


def test_p2_3_a_change_goes_back_to_review_as_a_new_revision_and_adds_only_its_increase(
        approved, customer, sales_rep, reviewer):
    order = approved()
    ids = list(order.lines.values_list("pk", flat=True))
    cr = services.change_request_create(order=order, actor=sales_rep, reason="客户追加一台电机。",
                                        lines=_lines(order, p1="3"))
    order.refresh_from_db()
    assert order.state == "submitted" and order.revision == 2
    assert cr.state == ChangeRequest.State.OPEN and cr.from_state == "approved" and cr.base_revision == 1
    assert order.revisions.filter(revision=2).exists()
    # under review, the order still holds what was approved; the recompute agrees
    assert order.approved_total == Decimal("12000.00") and _approved_exposure(customer) == Decimal("12000.00")
    assert exposure_reconcile(actor=None) == []
    order_approve(order=order, actor=reviewer)
    order.refresh_from_db()
    cr.refresh_from_db()
    assert order.state == "approved" and cr.state == ChangeRequest.State.APPROVED
    assert order.approved_total == Decimal("15200.00")
    assert _approved_exposure(customer) == Decimal("15200.00")  # +3,200.00, not +15,200.00
    assert list(order.lines.values_list("pk", flat=True)) == ids  # line identity kept
    assert exposure_reconcile(actor=None) == []
    actions = [e.action for e in events_since_built(order)]
    assert actions.index("order.updated") < actions.index("order.submitted") < actions.index("change.requested")
    assert "change.approved" in actions


def test_p5_1_a_decrease_releases_its_part_on_approval(approved, customer, sales_rep, reviewer):
    order = approved()
    services.change_request_create(order=order, actor=sales_rep, reason="客户减少一台。",
                                   lines=_lines(order, p1="1"))
    order_approve(order=order, actor=reviewer)
    order.refresh_from_db()
    assert order.approved_total == Decimal("8800.00")
    assert _approved_exposure(customer) == Decimal("8800.00")
    assert exposure_reconcile(actor=None) == []


def test_p5_1_a_change_over_the_limit_is_held_for_its_increase_only(approved, customer, sales_rep, credit):
    order = approved()
    CustomerCredit.objects.filter(pk=credit.pk).update(credit_limit=Decimal("14000.00"))
    services.change_request_create(order=order, actor=sales_rep, reason="追加", lines=_lines(order, p2="2"))
    order.refresh_from_db()
    assert order.state == "credit_hold"  # 12,000 held + 5,600 more > 14,000
    hold = order.credit_holds.get()
    assert hold.excess == Decimal("3600.00")  # the increase's excess, not the whole order's


def test_p2_3_lines_are_updated_in_place_added_and_never_reduced_below_what_is_invoiced(
        approved, sales_rep, finance_user):
    order = approved()
    motor = order.lines.get(position=1)
    invoice_issue(order=order, actor=finance_user, lines=[{"order_line": motor.pk, "quantity": "2"}])
    with pytest.raises(ValidationFailed) as e:
        services.change_request_create(order=order, actor=sales_rep, reason="减少", lines=_lines(order, p1="1"))
    assert e.value.code == "below_done" and e.value.field == "lines.1.quantity"
    with pytest.raises(ValidationFailed) as e:  # nor removed
        services.change_request_create(order=order, actor=sales_rep, reason="删除",
                                       lines=[ln for ln in _lines(order) if ln["id"] != motor.pk])
    assert e.value.code == "below_done"
    order.refresh_from_db()
    assert order.state == "approved" and order.revision == 1  # nothing written
    services.change_request_create(order=order, actor=sales_rep, reason="加安装服务", lines=[
        *_lines(order), {"product": order.lines.get(position=2).product.__class__.objects.get(code="SVC-INST"),
                         "quantity": "1"}])
    lines = list(order.lines.order_by("position"))
    assert [ln.position for ln in lines] == [1, 2, 3] and lines[0].pk == motor.pk


def test_p2_3_the_proposer_of_a_change_becomes_a_party_and_cannot_approve_it(approved, center_clerk, reviewer):
    order = approved()
    services.change_request_create(order=order, actor=center_clerk, reason="订单中心代客户改交期",
                                   changes={"delivery_address": "浦东新区张江路200号"})
    with pytest.raises(PermissionDenied) as e:
        order_approve(order=order, actor=center_clerk)
    assert e.value.code == "segregation_of_duties"
    order_approve(order=order, actor=reviewer)


def test_p2_3_a_returned_change_withdrawn_restores_the_approved_content(approved, customer, sales_rep, reviewer):
    order = approved()
    before = [(ln.pk, ln.position, ln.quantity, ln.unit_price) for ln in order.lines.all()]
    address = order.delivery_address
    cr = services.change_request_create(
        order=order, actor=sales_rep, reason="改地址并删掉减速机",
        changes={"delivery_address": "闵行区新骏环路88号"},
        lines=[ln for ln in _lines(order, p1="4") if ln["id"] != before[1][0]])
    order.refresh_from_db()
    assert order.lines.count() == 1 and order.total_amount == Decimal("12800.00")
    order_return(order=order, actor=reviewer, opinion="客户未确认新地址。")
    with pytest.raises(Conflict):  # the draft's cancel is not for an approved order
        order_cancel(order=order, actor=sales_rep, reason="不要了")
    with pytest.raises(Conflict):  # nor the draft's edit
        order_update(order=order, actor=sales_rep, changes={"notes": "x"})
    services.change_request_withdraw(change=cr, actor=sales_rep)
    order.refresh_from_db()
    cr.refresh_from_db()
    assert cr.state == ChangeRequest.State.WITHDRAWN
    assert order.state == "approved" and order.revision == 1 and order.delivery_address == address
    after = [(ln.pk, ln.position, ln.quantity, ln.unit_price) for ln in order.lines.all()]
    assert after[0] == before[0]  # the kept line is the same line
    assert [a[1:] for a in after] == [b[1:] for b in before]  # the removed line is back at its number
    assert order.total_amount == order.approved_total == Decimal("12000.00")
    assert _approved_exposure(customer) == Decimal("12000.00")
    assert exposure_reconcile(actor=None) == []


def test_p2_3_a_returned_change_is_edited_in_place_and_resubmitted(approved, sales_rep, reviewer):
    order = approved()
    ids = list(order.lines.values_list("pk", flat=True))
    cr = services.change_request_create(order=order, actor=sales_rep, reason="追加", lines=_lines(order, p1="3"))
    order_return(order=order, actor=reviewer, opinion="价格请再确认。")
    order.refresh_from_db()
    services.change_request_update(change=cr, actor=sales_rep, lines=_lines(order, p1="5"))
    order.refresh_from_db()
    assert order.state == "submitted" and order.revision == 3
    assert list(order.lines.values_list("pk", flat=True)) == ids
    order_approve(order=order, actor=reviewer)
    order.refresh_from_db()
    assert order.approved_total == Decimal("21600.00")


def test_p2_3_nothing_changed_is_refused(approved, sales_rep):
    order = approved()
    with pytest.raises(ValidationFailed) as e:
        services.change_request_create(order=order, actor=sales_rep, reason="无", lines=_lines(order))
    assert e.value.code == "nothing_changed"


# --- cancellation after approval ---------------------------------------------------------------------

def test_p2_4_cancellation_agreed_releases_the_exposure_exactly_once(approved, customer, sales_rep, reviewer,
                                                                    reviewer2):
    order = approved()
    other = approved()
    assert _approved_exposure(customer) == Decimal("24000.00")
    req = services.cancel_request_create(order=order, actor=sales_rep, reason="客户项目取消。")
    assert not req.needs_leadership
    services.cancel_request_agree(request=req, actor=reviewer, comment="同意")
    order.refresh_from_db()
    assert order.state == "cancelled" and order.approved_total == 0 and order.cancel_reason == "客户项目取消。"
    assert _approved_exposure(customer) == Decimal("12000.00")
    with pytest.raises(InvalidTransition):  # a second agreement finds it decided
        services.cancel_request_agree(request=req, actor=reviewer2)
    assert _approved_exposure(customer) == Decimal("12000.00")
    assert exposure_reconcile(actor=None) == []
    assert exposure_recompute(customer.pk)[0] == Decimal("12000.00")
    actions = [e.action for e in events_since_built(order)]
    assert {"cancel.requested", "cancel.agreed", "order.cancelled", "credit.exposure_released"} <= set(actions)
    assert other.state == "approved"


def test_p2_4_the_requester_and_the_rep_never_decide(approved, sales_rep, center_clerk, reviewer):
    order = approved()
    req = services.cancel_request_create(order=order, actor=center_clerk, reason="客户取消")
    with pytest.raises(PermissionDenied) as e:
        services.cancel_request_agree(request=req, actor=center_clerk)
    assert e.value.code == "segregation_of_duties"
    with pytest.raises(PermissionDenied) as e:  # the rep lacks the role anyway
        services.cancel_request_agree(request=req, actor=sales_rep)
    services.cancel_request_refuse(request=req, actor=reviewer, comment="已投产，不能取消。")
    req.refresh_from_db()
    assert req.state == CancelRequest.State.REFUSED
    order.refresh_from_db()
    assert order.state == "approved"


@override_settings(ORDERTAKING_CANCEL_LEADERSHIP_ABOVE="10000")
def test_p2_4_above_the_amount_leadership_decides(approved, sales_rep, reviewer, leader, customer):
    order = approved()
    req = services.cancel_request_create(order=order, actor=sales_rep, reason="客户取消")
    assert req.needs_leadership
    with pytest.raises(PermissionDenied) as e:
        services.cancel_request_agree(request=req, actor=reviewer)
    assert e.value.code == "permission_denied"
    services.cancel_request_agree(request=req, actor=leader)
    assert _approved_exposure(customer) == 0


def test_p2_4_an_open_invoice_must_be_credited_first(approved, customer, sales_rep, reviewer, finance_user):
    order = approved()
    inv = invoice_issue(order=order, actor=finance_user)
    req = services.cancel_request_create(order=order, actor=sales_rep, reason="客户取消")
    with pytest.raises(Conflict) as e:
        services.cancel_request_agree(request=req, actor=reviewer)
    assert e.value.code == "invoices_open" and e.value.status == 409
    note = credit_note_issue(customer=customer, actor=finance_user, amount=inv.amount, reason="取消订单冲销",
                             order=order)
    credit_note_apply(credit_note=note, invoice=inv, actor=finance_user, amount=inv.amount)
    services.cancel_request_agree(request=req, actor=reviewer)
    assert exposure_reconcile(actor=None) == []


def test_p2_4_withdrawn_request_and_a_change_wait_for_each_other(approved, sales_rep):
    order = approved()
    req = services.cancel_request_create(order=order, actor=sales_rep, reason="客户犹豫")
    with pytest.raises(Conflict):
        services.cancel_request_create(order=order, actor=sales_rep, reason="再一次")
    with pytest.raises(Conflict):
        services.change_request_create(order=order, actor=sales_rep, reason="改", lines=_lines(order, p1="3"))
    services.cancel_request_withdraw(request=req, actor=sales_rep)
    services.change_request_create(order=order, actor=sales_rep, reason="改", lines=_lines(order, p1="3"))
    with pytest.raises(InvalidTransition):  # under review: not cancellable after approval until decided
        services.cancel_request_create(order=order, actor=sales_rep, reason="取消")


def test_p2_4_tasks_are_replanned_not_duplicated_and_cancelled_with_the_order(approved, sales_rep, reviewer,
                                                                            reviewer2, production_user):
    from ordertaking.fulfilment.models import Task
    from ordertaking.fulfilment.services import task_start

    order = approved()
    live = list(Task.objects.filter(order=order).exclude(state="cancelled").order_by("id"))
    assert live, "the approval made the order's tasks"
    production = next(t for t in live if t.kind == Task.Kind.PRODUCTION)
    task_start(task=production, actor=production_user)
    order.refresh_from_db()
    assert order.state == "in_execution"
    services.change_request_create(order=order, actor=sales_rep, reason="追加", lines=_lines(order, p1="3"))
    order_approve(order=order, actor=reviewer)
    order.refresh_from_db()
    assert order.state == "in_execution"  # back where its execution stood
    after = list(Task.objects.filter(order=order).exclude(state="cancelled").order_by("id"))
    assert [t.pk for t in after] == [t.pk for t in live]  # replanned in place, none made twice
    production.refresh_from_db()
    assert production.quantity == Decimal("3")
    assert "tasks.replanned" in [e.action for e in events_since_built(order)]
    req = services.cancel_request_create(order=order, actor=sales_rep, reason="客户取消")
    services.cancel_request_agree(request=req, actor=reviewer2)
    assert not Task.objects.filter(order=order, state__in=["open", "in_progress"]).exists()


def test_p2_4_the_deciders_learn_of_the_request_and_the_rep_of_the_decision(approved, sales_rep, reviewer):
    from ordertaking.notifications.models import Notification

    order = approved()
    req = services.cancel_request_create(order=order, actor=sales_rep, reason="客户取消")
    asked = Notification.objects.filter(kind="cancel_requested", subject_id=str(order.pk))
    assert reviewer.pk in set(asked.values_list("recipient_id", flat=True))
    assert sales_rep.pk not in set(asked.values_list("recipient_id", flat=True))
    services.cancel_request_refuse(request=req, actor=reviewer, comment="已投产")
    told = Notification.objects.get(kind="cancel_decided", recipient=sales_rep)
    assert told.params["outcome"] == "refused"


def test_p2_3_a_line_whose_production_is_done_cannot_go_below_it(approved, sales_rep, production_user):
    from ordertaking.fulfilment.models import Task
    from ordertaking.fulfilment.services import task_complete, task_start

    order = approved()
    production = Task.objects.get(order=order, kind=Task.Kind.PRODUCTION)
    task_start(task=production, actor=production_user)
    task_complete(task=production, actor=production_user, note="完工")
    with pytest.raises(ValidationFailed) as e:
        services.change_request_create(order=order, actor=sales_rep, reason="减少", lines=_lines(order, p1="1"))
    assert e.value.code == "below_done"
    services.change_request_create(order=order, actor=sales_rep, reason="追加", lines=_lines(order, p1="3"))


def test_p2_4_shipped_goods_bound_a_change_and_planned_shipments_stop_with_the_cancellation(
        approved, sales_rep, reviewer, reviewer2, logistics_user):
    from django.utils import timezone

    from ordertaking.logistics.models import Shipment
    from ordertaking.logistics.services import shipment_create
    from tests.readiness import shipment_create_dispatched

    order = approved()
    reducer = order.lines.get(position=2)
    motor = order.lines.get(position=1)
    shipment_create_dispatched(order=order, actor=logistics_user,
                               lines=[{"order_line": reducer, "quantity": Decimal("1")}],
                               method="own_fleet", planned_ship_date=timezone.localdate())
    order.refresh_from_db()
    assert order.state == "partly_shipped"
    lines = [ln for ln in _lines(order) if ln["id"] != reducer.pk]
    with pytest.raises(ValidationFailed) as e:  # the shipped reducer cannot be removed
        services.change_request_create(order=order, actor=sales_rep, reason="删除减速机", lines=lines)
    assert e.value.code == "below_done"
    services.change_request_create(order=order, actor=sales_rep, reason="追加电机", lines=_lines(order, p1="3"))
    order_approve(order=order, actor=reviewer)
    order.refresh_from_db()
    assert order.state == "partly_shipped"  # back where its execution stood
    planned = shipment_create(order=order, actor=logistics_user, method="own_fleet",
                              lines=[{"order_line": motor, "quantity": Decimal("1")}],
                              planned_ship_date=timezone.localdate())
    req = services.cancel_request_create(order=order, actor=sales_rep, reason="客户取消余量")
    services.cancel_request_agree(request=req, actor=reviewer2)
    planned.refresh_from_db()
    assert planned.state == Shipment.State.CANCELLED
    assert exposure_reconcile(actor=None) == []
