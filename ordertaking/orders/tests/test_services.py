"""Services of the orders app: create (P2.2.b/c), update and revisions, submit (P2.2.a), cancel.

For each state change: it succeeds and writes its event; a user without the role is refused;
a move not allowed from the current state is refused; nothing is written when it fails.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from ordertaking.audit.models import AuditEvent
from ordertaking.audit.selectors import timeline_for
from ordertaking.common.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.orders import numbering
from ordertaking.orders.models import Order, OrderLine, OrderNumberCounter, OrderRevision
from ordertaking.orders.services import order_cancel, order_create, order_update
from ordertaking.orders.states import OrderState
from ordertaking.review.services import order_submit

from .conftest import return_order

pytestmark = pytest.mark.django_db


def actions(order):  # type: ignore[no-untyped-def]
    return [e.action for e in timeline_for(order)]


# --- create -------------------------------------------------------------------------------------

def test_p2_2_c_a_new_order_gets_todays_first_number_and_an_order_created_event(draft, sales_rep):
    today = numbering.business_day()
    assert draft.number == numbering.format_number(today, 1)
    assert draft.state == OrderState.DRAFT
    assert draft.entered_by == sales_rep
    ev: Any = timeline_for(draft).get()
    assert (ev.action, ev.clause, ev.actor, ev.subject_label) == ("order.created", "P2.2.c", sales_rep, draft.number)


def test_p2_2_c_numbers_follow_each_other_without_gaps(sales_rep, customer):
    numbers = [order_create(actor=sales_rep, customer=customer).number for _ in range(3)]
    day = numbering.business_day()
    assert numbers == [numbering.format_number(day, i) for i in (1, 2, 3)]


def test_p2_2_c_a_rolled_back_creation_leaves_no_gap(sales_rep, customer):
    first = order_create(actor=sales_rep, customer=customer)
    with pytest.raises(RuntimeError), transaction.atomic():
        order_create(actor=sales_rep, customer=customer)
        raise RuntimeError("the caller's transaction fails after the order was inserted")
    second = order_create(actor=sales_rep, customer=customer)
    assert numbering.parse_number(first.number)[1] == 1  # type: ignore[index]
    assert numbering.parse_number(second.number)[1] == 2  # type: ignore[index]
    assert Order.objects.count() == 2


def test_p2_2_c_a_creation_refused_after_the_number_was_taken_gives_the_number_back(sales_rep, customer, catalog):
    huge = {"product": catalog["products"]["reducer"], "quantity": Decimal("999999999"),
            "unit_price": Decimal("999")}
    with pytest.raises(ValidationFailed) as exc:
        order_create(actor=sales_rep, customer=customer, lines=[huge, huge])
    assert exc.value.field in {"lines", "lines.1.quantity"}
    assert Order.objects.count() == 0 and AuditEvent.objects.filter(action="order.created").count() == 0
    assert not OrderNumberCounter.objects.filter(last__gt=0).exists()
    assert order_create(actor=sales_rep, customer=customer).number.endswith("-0001")


def test_p2_2_b_lines_copy_the_products_data_and_default_to_the_list_price(draft, catalog):
    motor, install = draft.lines.order_by("position")
    assert (motor.product_code, motor.name, motor.specification, motor.unit) == (
        "MOT-001", "三相异步电机", "Y2-132M-4 7.5kW", "台")
    assert motor.unit_price == motor.list_price == Decimal("3200.00")
    assert motor.amount == Decimal("6400.00")
    assert (install.unit_price, install.list_price, install.amount) == (
        Decimal("750.00"), Decimal("800.00"), Decimal("750.00"))
    assert draft.total_amount == Decimal("7150.00")


def test_p2_2_b_a_later_catalog_change_never_rewrites_an_entered_order(draft, catalog):
    product = catalog["products"]["motor"]
    product.name, product.list_price = "新名称", Decimal("9999.00")
    product.save()
    line = draft.lines.get(position=1)
    assert (line.name, line.unit_price, line.list_price) == ("三相异步电机", Decimal("3200.00"), Decimal("3200.00"))


def test_p2_2_b_the_sales_rep_defaults_to_the_customers_rep_else_the_actor(reviewer, customer, sales_rep):
    assert order_create(actor=reviewer, customer=customer).sales_rep == sales_rep
    customer.sales_rep = None
    customer.save()
    assert order_create(actor=reviewer, customer=customer).sales_rep == reviewer


@pytest.mark.parametrize("who", ["cs_agent", "finance_user", "leader", "auditor", "production_user"])
def test_p2_2_b_only_sales_and_the_order_center_may_enter_orders(request, who, customer):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        order_create(actor=user, customer=customer)
    assert Order.objects.count() == 0 and not AuditEvent.objects.filter(action="order.created").exists()


@pytest.mark.parametrize(("line", "field"), [
    ({"description": "x", "quantity": Decimal("-1")}, "lines.1.quantity"),
    ({"description": "x", "quantity": Decimal("0")}, "lines.1.quantity"),
    ({"description": "x", "quantity": Decimal("1.0001")}, "lines.1.quantity"),
    ({"description": "x", "quantity": Decimal("1e12")}, "lines.1.quantity"),
    ({"description": "x", "quantity": Decimal("NaN")}, "lines.1.quantity"),
    ({"description": "x", "quantity": "abc"}, "lines.1.quantity"),
    ({"description": "x", "unit_price": Decimal("-0.01")}, "lines.1.unit_price"),
    ({"description": "x", "unit_price": Decimal("1.001")}, "lines.1.unit_price"),
    ({"description": "x" * 501}, "lines.1.description"),
    ({"description": "x", "colour": "red"}, "lines.1.colour"),
])
def test_p2_2_b_invalid_line_values_are_refused_with_their_field_and_nothing_is_written(sales_rep, customer, line,
                                                                                        field):
    with pytest.raises(ValidationFailed) as exc:
        order_create(actor=sales_rep, customer=customer, lines=[line])
    assert exc.value.field == field
    assert Order.objects.count() == 0 and OrderLine.objects.count() == 0


def test_p2_2_b_a_retired_product_cannot_be_entered(sales_rep, customer, catalog):
    with pytest.raises(ValidationFailed) as exc:
        order_create(actor=sales_rep, customer=customer,
                     lines=[{"product": catalog["products"]["retired"], "quantity": Decimal("1")}])
    assert exc.value.field == "lines.1.product"
    assert Order.objects.count() == 0


# --- update and revisions --------------------------------------------------------------------------

def test_p2_2_b_the_sales_rep_edits_a_draft_and_the_event_holds_what_changed(draft, sales_rep, catalog, far_date):
    order_update(order=draft, actor=sales_rep, changes={"payment_method": catalog["payments"]["cod"]},
                 lines=[{"product": catalog["products"]["motor"], "quantity": Decimal("3")}])
    draft.refresh_from_db()
    assert draft.payment_method == catalog["payments"]["cod"]
    assert draft.total_amount == Decimal("9600.00") and draft.lines.count() == 1
    ev: Any = timeline_for(draft).get(action="order.updated")
    assert ev.before["payment_method"] == "预付款" and ev.after["payment_method"] == "货到付款"
    assert ev.after["lines.1.quantity"] == "3.000"
    assert ev.before["lines.2"] == "SVC-INST 现场安装调试" and ev.after["lines.2"] is None


@pytest.mark.parametrize("who", ["reviewer", "sales_rep"])
def test_p3_3_the_order_center_and_the_rep_may_edit(request, who, draft, far_date):
    order_update(order=draft, actor=request.getfixturevalue(who), changes={"notes": "请先电话联系"})
    draft.refresh_from_db()
    assert draft.notes == "请先电话联系"


@pytest.mark.parametrize("who", ["sales_rep2", "cs_agent", "leader", "finance_user"])
def test_p2_2_b_others_may_not_edit_an_order(request, who, draft):
    with pytest.raises(PermissionDenied):
        order_update(order=draft, actor=request.getfixturevalue(who), changes={"notes": "x"})
    draft.refresh_from_db()
    assert draft.notes == "" and not AuditEvent.objects.filter(action="order.updated").exists()


def test_p2_2_b_state_number_and_total_are_never_set_by_an_edit(draft, sales_rep):
    for field in ("state", "number", "total_amount", "revision", "entered_by"):
        with pytest.raises(ValidationFailed) as exc:
            order_update(order=draft, actor=sales_rep, changes={field: "approved"})
        assert exc.value.code == "read_only" and exc.value.field == field
    draft.refresh_from_db()
    assert draft.state == OrderState.DRAFT


def test_p2_2_b_a_submitted_order_cannot_be_edited(draft, sales_rep, no_review):
    order_submit(order=draft, actor=sales_rep)
    with pytest.raises(InvalidTransition):
        order_update(order=draft, actor=sales_rep, changes={"notes": "x"})
    draft.refresh_from_db()
    assert draft.notes == ""


def test_p2_2_b_an_edit_after_a_return_opens_a_new_revision_and_the_timeline_shows_each_change_once(
        draft, sales_rep, reviewer, catalog, no_review):
    order_submit(order=draft, actor=sales_rep)
    return_order(draft, reviewer)
    order_update(order=draft, actor=sales_rep, changes={"delivery_address": "浦东新区张江路200号"},
                 lines=[{"product": catalog["products"]["motor"], "quantity": Decimal("2")}])
    draft.refresh_from_db()
    assert draft.revision == 2 and draft.state == OrderState.RETURNED
    order_update(order=draft, actor=sales_rep, changes={"contact_name": "刘经理"})
    draft.refresh_from_db()
    assert draft.revision == 2, "only the first edit after a return opens a revision"
    order_submit(order=draft, actor=sales_rep)
    assert list(OrderRevision.objects.filter(order=draft).values_list("revision", flat=True)) == [1, 2]
    # The edits carry the diff against the returned revision, each once ...
    first, second = [(e.before or {}, e.after or {}) for e in
                     timeline_for(draft).filter(action="order.updated").order_by("at", "id")]
    assert first[0]["delivery_address"] == "浦东新区张江路100号"
    assert first[1]["delivery_address"] == "浦东新区张江路200号"
    assert first[0]["lines.2"] == "SVC-INST 现场安装调试" and first[1]["lines.2"] is None
    assert second[1] == {"contact_name": "刘经理"}
    # ... and the resubmission records the move, not the same diff a second time.
    ev: Any = timeline_for(draft).filter(action="order.submitted").last()
    assert (ev.before, ev.after) == ({"state": "returned"}, {"state": "submitted", "revision": 2})


def test_p2_3_c_a_returned_order_resubmitted_unchanged_is_still_a_new_revision(draft, sales_rep, reviewer,
                                                                               no_review):
    order_submit(order=draft, actor=sales_rep)
    return_order(draft, reviewer)
    order_submit(order=draft, actor=sales_rep)
    draft.refresh_from_db()
    assert draft.revision == 2 and draft.revisions.count() == 2


# --- submit -------------------------------------------------------------------------------------------

def test_p2_2_a_a_complete_order_is_submitted_frozen_and_checked_by_review(draft, sales_rep, no_review):
    order = order_submit(order=draft, actor=sales_rep)
    assert order.state == OrderState.SUBMITTED and order.submitted_at is not None
    rev = OrderRevision.objects.get(order=draft)
    assert rev.revision == 1 and rev.snapshot["header"]["number"] == draft.number
    assert [ln["product_code"] for ln in rev.snapshot["lines"]] == ["MOT-001", "SVC-INST"]
    ev: Any = timeline_for(draft).get(action="order.submitted")
    assert (ev.clause, ev.before["state"], ev.after["state"]) == ("P2.2.a", "draft", "submitted")
    assert no_review == [(draft.number, "sales1", True)], "review checks run inside the submit transaction"


def test_p2_2_a_an_incomplete_order_is_refused_with_every_finding_and_nothing_is_written(
        incomplete_draft, sales_rep, no_review):
    with pytest.raises(ValidationFailed) as exc:
        order_submit(order=incomplete_draft, actor=sales_rep)
    assert exc.value.code == "incomplete"
    fields = [d["field"] for d in exc.value.details]
    assert fields == ["delivery_date", "delivery_region", "delivery_address", "payment_method",
                      "lines.1.description", "lines.1.quantity", "lines.1.unit_price", "lines.1.unit"]
    assert all(d["clause"] in {"P2.2.a", "P2.2.b"} for d in exc.value.details)
    incomplete_draft.refresh_from_db()
    assert incomplete_draft.state == OrderState.DRAFT
    assert not OrderRevision.objects.exists() and actions(incomplete_draft) == ["order.created"]
    assert no_review == []


@pytest.mark.parametrize("who", ["sales_rep2", "cs_agent", "leader", "finance_user", "auditor"])
def test_p2_2_a_only_those_responsible_may_submit(request, who, draft, no_review):
    with pytest.raises(PermissionDenied):
        order_submit(order=draft, actor=request.getfixturevalue(who))
    draft.refresh_from_db()
    assert draft.state == OrderState.DRAFT and actions(draft) == ["order.created"]


def test_p2_2_a_a_submitted_order_cannot_be_submitted_again(draft, sales_rep, no_review):
    order_submit(order=draft, actor=sales_rep)
    with pytest.raises(InvalidTransition):
        order_submit(order=draft, actor=sales_rep)
    assert actions(draft) == ["order.created", "order.submitted"] and draft.revisions.count() == 1


# --- cancel -------------------------------------------------------------------------------------------

def test_p4_2_a_a_draft_is_cancelled_with_its_reason_kept(draft, sales_rep):
    order_cancel(order=draft, actor=sales_rep, reason="客户取消采购计划")
    draft.refresh_from_db()
    assert draft.state == OrderState.CANCELLED and draft.cancel_reason == "客户取消采购计划"
    ev: Any = timeline_for(draft).get(action="order.cancelled")
    assert ev.message == "客户取消采购计划" and ev.before == {"state": "draft"}


def test_p4_2_a_a_returned_order_can_be_cancelled(draft, sales_rep, reviewer, no_review):
    order_submit(order=draft, actor=sales_rep)
    return_order(draft, reviewer)
    assert order_cancel(order=draft, actor=sales_rep, reason="客户不接受新交期").state == OrderState.CANCELLED


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_p4_2_a_a_cancellation_needs_a_reason(draft, sales_rep, reason):
    with pytest.raises(ValidationFailed) as exc:
        order_cancel(order=draft, actor=sales_rep, reason=reason)  # type: ignore[arg-type]
    assert exc.value.field == "reason"
    draft.refresh_from_db()
    assert draft.state == OrderState.DRAFT and actions(draft) == ["order.created"]


def test_p4_2_a_a_submitted_order_cannot_be_cancelled_by_sales(draft, sales_rep, no_review):
    order_submit(order=draft, actor=sales_rep)
    with pytest.raises(InvalidTransition):
        order_cancel(order=draft, actor=sales_rep, reason="x")
    draft.refresh_from_db()
    assert draft.state == OrderState.SUBMITTED and "order.cancelled" not in actions(draft)


@pytest.mark.parametrize("who", ["sales_rep2", "cs_agent", "leader"])
def test_p4_2_a_others_may_not_cancel(request, who, draft):
    with pytest.raises(PermissionDenied):
        order_cancel(order=draft, actor=request.getfixturevalue(who), reason="x")
    draft.refresh_from_db()
    assert draft.state == OrderState.DRAFT


def test_p2_2_b_clearing_the_sales_rep_falls_back_to_the_customers_rep(draft, reviewer, sales_rep, sales_rep2):
    order_update(order=draft, actor=reviewer, changes={"sales_rep": sales_rep2})
    draft.refresh_from_db()
    assert draft.sales_rep == sales_rep2
    order_update(order=draft, actor=reviewer, changes={"sales_rep": None})
    draft.refresh_from_db()
    assert draft.sales_rep == sales_rep


def test_p4_2_a_a_note_sent_back_with_other_line_endings_is_not_logged_as_a_change(draft, sales_rep):
    """P4.2.a: the trail records changes; a browser's textarea turns \\n into \\r\\n, which is none."""
    order_update(order=draft, actor=sales_rep, changes={"notes": "先电话联系\n再发货"})
    draft.refresh_from_db()
    assert draft.notes == "先电话联系\n再发货"
    updates = AuditEvent.objects.filter(action="order.updated").count()
    order_update(order=draft, actor=sales_rep, changes={"notes": "先电话联系\r\n再发货"})
    draft.refresh_from_db()
    assert draft.notes == "先电话联系\n再发货"
    assert AuditEvent.objects.filter(action="order.updated").count() == updates


def test_p4_2_a_a_note_stored_with_windows_line_endings_compares_equal_in_the_revision_diff():
    from ordertaking.orders.rules import revision_diff

    old = {"header": {"notes": "一\r\n二"}, "lines": []}
    new = {"header": {"notes": "一\n二"}, "lines": []}
    assert revision_diff(old, new) == []


@pytest.mark.django_db
def test_lines_prefetch_fills_the_cache_as_the_prefetch_it_stands_for(make_order):
    """orders.selectors.lines_prefetch (a prepared read) gives `order.lines.all()` what
    `prefetch_related_objects(..., lines_with_products())` gives: the lines by position, products joined,
    each pointing at the very order object; no further query."""
    from django.db import connection
    from django.db.models import prefetch_related_objects
    from django.test.utils import CaptureQueriesContext

    from ordertaking.orders.models import Order, OrderLine
    from ordertaking.orders.selectors import lines_prefetch, lines_with_products

    made = make_order(state="draft", lines=[{"product": "reducer", "quantity": 2}, {"product": "motor", "quantity": 1},
                                            {"product": "install", "quantity": 1}])
    order, expected = Order.objects.get(pk=made.pk), Order.objects.get(pk=made.pk)
    prefetch_related_objects([expected], lines_with_products())
    with CaptureQueriesContext(connection) as q:
        lines_prefetch(order)
        lines_prefetch(order)  # already there: nothing read
        got = [(ln.pk, ln.position, ln.product_code, ln.order is order) for ln in order.lines.all()]
    assert len(q.captured_queries) == 1
    assert got == [(ln.pk, ln.position, ln.product_code, True) for ln in expected.lines.all()]
    assert all(OrderLine.product.is_cached(ln) for ln in order.lines.all())
    assert [p for _pk, p, _c, _o in got] == [1, 2, 3]


@pytest.mark.django_db
def test_lines_prefetch_takes_the_lines_its_lock_read_once(make_order):
    """With `lines_annotations()` in the order's query, lines_prefetch fills the cache from that column with no
    statement, each line pointing at the order; the column is taken off the order, so once the cache is dropped
    (lines rewritten in the transaction) the next prefetch reads the lines as they are now."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ordertaking.orders.models import Order, OrderLine
    from ordertaking.orders.selectors import lines_annotations, lines_prefetch

    made = make_order(state="draft", lines=[{"product": "reducer", "quantity": 2},
                                            {"product": "install", "quantity": 1}])
    order = Order.objects.annotate(**lines_annotations()).get(pk=made.pk)
    with CaptureQueriesContext(connection) as q:
        lines_prefetch(order)
        got = [(ln.position, ln.product_code, ln.order is order, OrderLine.product.is_cached(ln))
               for ln in order.lines.all()]
    assert q.captured_queries == []
    assert got == [(ln.position, ln.product_code, True, True) for ln in OrderLine.objects.filter(order=made)]
    assert not hasattr(order, "lines_rows")
    OrderLine.objects.filter(order=made, position=2).delete()
    order._prefetched_objects_cache.pop("lines")  # type: ignore[attr-defined]
    with CaptureQueriesContext(connection) as q:
        lines_prefetch(order)
    assert len(q.captured_queries) == 1 and [ln.position for ln in order.lines.all()] == [1]
