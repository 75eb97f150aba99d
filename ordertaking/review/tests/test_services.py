"""Review services (P2.3.a/b/c, P3.3): approve, return, special approval, and their refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ordertaking.catalog.models import Product
from ordertaking.common.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.orders.states import OrderState
from ordertaking.review.models import ReviewDecision, ReviewFinding, SpecialApproval
from ordertaking.review.services import (
    order_approve,
    order_return,
    review_findings_refresh,
    special_approval_grant,
    special_approval_refuse,
    special_approval_request,
)
from tests.factories import events_since_built

pytestmark = pytest.mark.django_db


def events(order, action=None):  # type: ignore[no-untyped-def]
    """The events written after the factory built the order (its entry and submission are not the test's)."""
    return events_since_built(order, action)


def nothing_written(order, state=OrderState.SUBMITTED):  # type: ignore[no-untyped-def]
    order.refresh_from_db()
    decided = 1 if state in (OrderState.APPROVED, OrderState.RETURNED) else 0  # by the factory's reviewer
    return (order.state == state and not events(order)
            and ReviewDecision.objects.filter(order=order).count() == decided)


# --- findings ---------------------------------------------------------------------------

def test_p2_3_b_findings_refresh_stores_findings_for_the_current_revision(floor_order, sales_rep):
    found = review_findings_refresh(order=floor_order, actor=sales_rep)
    assert [f.code for f in found] == ["price_below_floor"]
    stored = list(ReviewFinding.objects.filter(order=floor_order))
    assert [(f.code, f.clause, f.revision, f.line) for f in stored] == [("price_below_floor", "P2.3.b", 1, 1)]


def test_p2_3_b_findings_refresh_replaces_rather_than_piles_up(floor_order, sales_rep):
    review_findings_refresh(order=floor_order, actor=sales_rep)
    review_findings_refresh(order=floor_order, actor=sales_rep)
    assert ReviewFinding.objects.filter(order=floor_order).count() == 1


def test_p2_3_b_findings_compare_with_the_current_floor_price(clean_order, catalog, sales_rep):
    Product.objects.filter(pk=catalog["products"]["motor"].pk).update(list_price=Decimal("4000.00"),
                                                                      floor_price=Decimal("3200.01"))
    assert [f.code for f in review_findings_refresh(order=clean_order, actor=sales_rep)] == ["price_below_floor"]


# --- approve ----------------------------------------------------------------------------

def test_p2_3_a_customer_facts_come_from_the_database_as_they_are_now(make_order, customer, catalog, sales_rep):
    """The review reads the customer's address rows, contact phones and allowed payment methods at
    check time (P2.3.a); each change shows in the next check."""
    from ordertaking.review.checks import order_findings

    def codes(order):  # type: ignore[no-untyped-def]
        return {f.code for f in order_findings(order)}

    order = make_order(payment="net30")  # not open to all: the customer must be granted it
    assert "payment_method_not_allowed" in codes(order)
    customer.allowed_payment_methods.add(catalog["payments"]["net30"])
    assert "payment_method_not_allowed" not in codes(order)
    customer.contacts.update(phone="12345")
    assert "customer_contact_missing" in codes(order)
    customer.contacts.update(phone="13812345678")
    assert "customer_contact_missing" not in codes(order)
    customer.addresses.all().delete()
    assert "customer_address_missing" not in codes(order)  # the customer's own region and city still count
    customer.city = ""
    customer.save(update_fields=["city"])
    assert "customer_address_missing" in codes(order)


def test_p2_3_c_reviewer_approves_a_compliant_order_and_the_event_is_recorded(clean_order, reviewer):
    order = order_approve(order=clean_order, actor=reviewer)
    assert order.state == OrderState.APPROVED and order.approved_by_id == reviewer.pk
    order.refresh_from_db()
    assert order.state == OrderState.APPROVED and order.approved_at is not None
    (ev,) = events(order, "order.approved")
    assert ev.clause == "P2.3.c" and ev.actor_id == reviewer.pk and ev.after == {"state": "approved"}
    (d,) = ReviewDecision.objects.filter(order=order)
    assert d.outcome == "approved" and d.reviewer_id == reviewer.pk


def test_p2_3_a_sales_rep_without_the_review_role_cannot_approve(clean_order, sales_rep2):
    with pytest.raises(PermissionDenied):
        order_approve(order=clean_order, actor=sales_rep2)
    assert nothing_written(clean_order)


def test_p2_3_a_leader_without_the_review_role_cannot_approve(clean_order, leader):
    with pytest.raises(PermissionDenied):
        order_approve(order=clean_order, actor=leader)
    assert nothing_written(clean_order)


def test_p2_3_c_reviewer_cannot_approve_an_order_they_entered(make_order, reviewer):
    order = make_order(entered_by=reviewer)
    with pytest.raises(PermissionDenied) as e:
        order_approve(order=order, actor=reviewer)
    assert e.value.code == "segregation_of_duties"
    assert nothing_written(order)


def test_p2_3_c_reviewer_cannot_return_an_order_they_entered(make_order, reviewer):
    order = make_order(entered_by=reviewer)
    with pytest.raises(PermissionDenied):
        order_return(order=order, actor=reviewer, opinion="价格不对")
    assert nothing_written(order)


def test_p2_3_c_the_orders_sales_rep_cannot_approve_it_even_with_the_review_role(make_order, make_user,
                                                                                   reviewer2):
    both = make_user("both1", "sales", "order_center")
    order = make_order(rep=both, entered_by=reviewer2)
    with pytest.raises(PermissionDenied) as e:
        order_approve(order=order, actor=both)
    assert e.value.code == "segregation_of_duties"
    assert nothing_written(order)


@pytest.mark.parametrize("state", [OrderState.DRAFT, OrderState.RETURNED, OrderState.APPROVED,
                                   OrderState.CANCELLED])
def test_p2_3_c_approve_is_refused_when_the_order_is_not_pending_review(make_order, reviewer, state):
    order = make_order(state=state)
    with pytest.raises(InvalidTransition):
        order_approve(order=order, actor=reviewer)
    assert nothing_written(order, state)


def test_p2_3_c_approval_is_blocked_by_open_findings(floor_order, reviewer):
    with pytest.raises(Conflict) as e:
        order_approve(order=floor_order, actor=reviewer)
    assert e.value.code == "open_findings" and e.value.status == 409
    assert [d["code"] for d in e.value.details] == ["price_below_floor"]
    assert nothing_written(floor_order)


def test_p2_3_b_checks_are_rerun_at_approval_so_a_catalog_change_after_submit_blocks(
        clean_order, catalog, reviewer, sales_rep):
    assert review_findings_refresh(order=clean_order, actor=sales_rep) == []
    Product.objects.filter(pk=catalog["products"]["motor"].pk).update(active=False)
    with pytest.raises(Conflict):
        order_approve(order=clean_order, actor=reviewer)
    assert nothing_written(clean_order)


# --- return ----------------------------------------------------------------------------

def test_p2_3_c_reviewer_returns_the_order_with_an_opinion_and_the_event_is_recorded(floor_order, reviewer):
    order = order_return(order=floor_order, actor=reviewer, opinion="  单价低于底价，请与客户确认。 ")
    assert order.state == OrderState.RETURNED
    (ev,) = events(order, "order.returned")
    assert ev.message == "单价低于底价，请与客户确认。" and ev.clause == "P2.3.c"
    (d,) = ReviewDecision.objects.filter(order=order)
    assert (d.outcome, d.opinion) == ("returned", "单价低于底价，请与客户确认。")


@pytest.mark.parametrize("opinion", ["", "   "])
def test_p2_3_c_return_needs_a_review_opinion(floor_order, reviewer, opinion):
    with pytest.raises(ValidationFailed) as e:
        order_return(order=floor_order, actor=reviewer, opinion=opinion)
    assert (e.value.field, e.value.status) == ("opinion", 422)
    assert nothing_written(floor_order)


def test_p2_3_c_sales_rep_cannot_return_an_order(floor_order, sales_rep2):
    with pytest.raises(PermissionDenied):
        order_return(order=floor_order, actor=sales_rep2, opinion="x")
    assert nothing_written(floor_order)


def test_p2_3_c_return_is_refused_for_an_approved_order(make_order, reviewer):
    order = make_order(state=OrderState.APPROVED)
    with pytest.raises(InvalidTransition):
        order_return(order=order, actor=reviewer, opinion="晚了")
    assert nothing_written(order, OrderState.APPROVED)


def test_p2_3_c_return_withdraws_a_waiting_special_approval_request(floor_order, reviewer, sales_rep):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="老客户")
    order_return(order=floor_order, actor=reviewer, opinion="请改价")
    sa.refresh_from_db()
    assert sa.state == "withdrawn"
    assert len(events(floor_order, "special_approval.withdrawn")) == 1


# --- special approval ------------------------------------------------------------------

def test_p2_3_c_sales_rep_asks_for_special_approval_covering_the_blocking_findings(floor_order, sales_rep):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="战略客户，首单让利")
    assert (sa.state, sa.finding_codes, sa.revision, sa.requested_by_id) == (
        "requested", ["price_below_floor"], 1, sales_rep.pk)
    (ev,) = events(floor_order, "special_approval.requested")
    assert ev.message == "战略客户，首单让利" and ev.clause == "P2.3.c"


def test_p2_3_c_reviewer_may_also_ask_for_special_approval(floor_order, reviewer):
    sa = special_approval_request(order=floor_order, actor=reviewer, reason="领导口头同意，补走流程")
    assert sa.requested_by_id == reviewer.pk


def test_p2_3_c_special_approval_needs_a_reason(floor_order, sales_rep):
    with pytest.raises(ValidationFailed) as e:
        special_approval_request(order=floor_order, actor=sales_rep, reason=" ")
    assert e.value.field == "reason"
    assert not SpecialApproval.objects.exists() and not events(floor_order)


@pytest.mark.parametrize("who", ["leader", "finance_user", "cs_agent"])
def test_p2_3_c_roles_without_the_capability_cannot_ask_for_special_approval(floor_order, who, request):
    with pytest.raises(PermissionDenied):
        special_approval_request(order=floor_order, actor=request.getfixturevalue(who), reason="x")
    assert not SpecialApproval.objects.exists()


def test_p2_3_c_another_sales_rep_cannot_ask_for_special_approval_on_an_order_not_theirs(floor_order,
                                                                                          sales_rep2):
    with pytest.raises(PermissionDenied):
        special_approval_request(order=floor_order, actor=sales_rep2, reason="x")
    assert not SpecialApproval.objects.exists()


def test_p2_3_c_special_approval_for_a_compliant_order_is_refused(clean_order, sales_rep):
    with pytest.raises(Conflict) as e:
        special_approval_request(order=clean_order, actor=sales_rep, reason="x")
    assert e.value.code == "nothing_to_approve"
    assert not SpecialApproval.objects.exists()


def test_p2_3_c_only_one_special_approval_request_waits_at_a_time(floor_order, sales_rep, reviewer):
    special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    with pytest.raises(Conflict) as e:
        special_approval_request(order=floor_order, actor=reviewer, reason="y")
    assert e.value.code == "special_approval_open"
    assert SpecialApproval.objects.count() == 1


def test_p2_3_c_special_approval_is_refused_for_a_returned_order(make_order, sales_rep):
    order = make_order(state=OrderState.RETURNED, lines=[{"product": "motor", "unit_price": "1.00"}])
    with pytest.raises(InvalidTransition):
        special_approval_request(order=order, actor=sales_rep, reason="x")
    assert not SpecialApproval.objects.exists()


def test_p2_3_c_leader_grants_special_approval_and_the_event_is_on_the_orders_timeline(floor_order, sales_rep,
                                                                                       leader):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="战略客户")
    sa = special_approval_grant(approval=sa, actor=leader, comment="同意，仅此一单")
    assert (sa.state, sa.decided_by_id, sa.comment) == ("granted", leader.pk, "同意，仅此一单")
    (ev,) = events(floor_order, "special_approval.granted")
    assert ev.actor_id == leader.pk and ev.message == "同意，仅此一单"


def test_p2_3_c_leader_refuses_special_approval_with_a_comment(floor_order, sales_rep, leader):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    sa = special_approval_refuse(approval=sa, actor=leader, comment="价格太低")
    assert sa.state == "refused"
    assert len(events(floor_order, "special_approval.refused")) == 1


def test_p2_3_c_refusing_needs_a_comment(floor_order, sales_rep, leader):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    with pytest.raises(ValidationFailed) as e:
        special_approval_refuse(approval=sa, actor=leader, comment="")
    assert e.value.field == "comment"
    sa.refresh_from_db()
    assert sa.state == "requested" and not events(floor_order, "special_approval.refused")


@pytest.mark.parametrize("who", ["reviewer2", "sales_rep2", "finance_user"])
def test_p2_3_c_only_leadership_decides_special_approval(floor_order, sales_rep, who, request):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    with pytest.raises(PermissionDenied):
        special_approval_grant(approval=sa, actor=request.getfixturevalue(who))
    sa.refresh_from_db()
    assert sa.state == "requested" and sa.decided_by_id is None


def test_p2_3_c_leader_cannot_grant_special_approval_they_requested(floor_order, make_user):
    boss = make_user("boss1", "leadership", "order_center")
    sa = special_approval_request(order=floor_order, actor=boss, reason="x")
    with pytest.raises(PermissionDenied) as e:
        special_approval_grant(approval=sa, actor=boss)
    assert e.value.code == "segregation_of_duties"
    sa.refresh_from_db()
    assert sa.state == "requested" and not events(floor_order, "special_approval.granted")


def test_p2_3_c_leader_cannot_refuse_special_approval_they_requested(floor_order, make_user):
    boss = make_user("boss1", "leadership", "order_center")
    sa = special_approval_request(order=floor_order, actor=boss, reason="x")
    with pytest.raises(PermissionDenied):
        special_approval_refuse(approval=sa, actor=boss, comment="no")
    sa.refresh_from_db()
    assert sa.state == "requested"


def test_p2_3_c_a_decided_special_approval_cannot_be_decided_again(floor_order, sales_rep, leader):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    special_approval_grant(approval=sa, actor=leader)
    with pytest.raises(InvalidTransition):
        special_approval_refuse(approval=sa, actor=leader, comment="改主意")
    sa.refresh_from_db()
    assert sa.state == "granted" and len(events(floor_order, "special_approval.refused")) == 0


def test_p2_3_c_approval_is_allowed_after_a_granted_special_approval_covering_the_findings(
        floor_order, sales_rep, leader, reviewer):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    special_approval_grant(approval=sa, actor=leader, comment="同意")
    order = order_approve(order=floor_order, actor=reviewer)
    assert order.state == OrderState.APPROVED
    (d,) = ReviewDecision.objects.filter(order=order)
    assert d.special_approval_id == sa.pk


def test_p2_3_c_approval_is_not_allowed_when_special_approval_was_refused(floor_order, sales_rep, leader,
                                                                           reviewer):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    special_approval_refuse(approval=sa, actor=leader, comment="不同意")
    with pytest.raises(Conflict):
        order_approve(order=floor_order, actor=reviewer)
    floor_order.refresh_from_db()
    assert floor_order.state == OrderState.SUBMITTED and not events(floor_order, "order.approved")


def test_p2_3_c_a_grant_covers_only_the_findings_it_named(floor_order, catalog, sales_rep, leader, reviewer):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    special_approval_grant(approval=sa, actor=leader)
    floor_order.delivery_region = catalog["regions"]["xz"]
    floor_order.save(update_fields=["delivery_region"])
    with pytest.raises(Conflict) as e:
        order_approve(order=floor_order, actor=reviewer)
    assert [d["code"] for d in e.value.details] == ["region_not_served"]


def test_p2_3_c_a_new_revision_after_a_return_needs_a_new_special_approval(floor_order, sales_rep, leader,
                                                                            reviewer):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    special_approval_grant(approval=sa, actor=leader)
    order_return(order=floor_order, actor=reviewer, opinion="客户要改交货地址")
    # the rep resubmits (state and revision set as the orders app's order_submit does)
    floor_order.refresh_from_db()
    floor_order.state = OrderState.SUBMITTED
    floor_order.revision = 2
    floor_order.save(update_fields=["state", "revision"])
    with pytest.raises(Conflict):
        order_approve(order=floor_order, actor=reviewer)


def test_p2_3_c_a_return_ends_the_grant_even_when_the_revision_number_did_not_change(floor_order, sales_rep,
                                                                                      leader, reviewer):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    special_approval_grant(approval=sa, actor=leader)
    order_return(order=floor_order, actor=reviewer, opinion="请补充")
    floor_order.refresh_from_db()
    floor_order.state = OrderState.SUBMITTED
    floor_order.save(update_fields=["state"])
    with pytest.raises(Conflict):
        order_approve(order=floor_order, actor=reviewer)


def test_p2_3_c_grant_is_refused_when_the_order_was_returned_meanwhile(floor_order, sales_rep, leader,
                                                                        reviewer):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    order_return(order=floor_order, actor=reviewer, opinion="退回")
    with pytest.raises(InvalidTransition):
        special_approval_grant(approval=sa, actor=leader)


@pytest.mark.parametrize(("writer", "reader", "words"), [
    ("zh-hans", "en", "Line 1: unit price ¥2,799.99 is below the floor price."),
    ("en", "zh-hans", "第 1 行：单价 ¥2,799.99 低于底价。"),
])
def test_p2_3_stored_findings_read_in_the_readers_language(floor_order, sales_rep, writer, reader, words):
    """Issue 14: a finding stored while the writer works in one language reads in the reader's language,
    the amount formatted when read (stored as code and parameters, no text)."""
    from django.utils import translation

    from ordertaking.review.selectors import current_findings

    with translation.override(writer):
        review_findings_refresh(order=floor_order, actor=sales_rep)
    stored = ReviewFinding.objects.get(order=floor_order)
    assert stored.messages == {} and stored.message == ""
    with translation.override(reader):
        assert stored.localized_message() == words
        assert [f.message for f in current_findings(floor_order, live=False)] == [words]


def test_p2_3_findings_stored_before_their_parameters_were_kept_read_from_their_stored_text(floor_order):
    """Rows written before issue 14 kept the sentence in each language and no parameters: they still read
    in the reader's language; a finding whose sentence needs no parameter is rendered afresh."""
    from django.utils import translation

    old = ReviewFinding.objects.create(
        order=floor_order, revision=floor_order.revision, code="price_below_floor", clause="P2.3.b",
        message="第 1 行：单价 ¥2,700.00 低于底价。", line=1,
        messages={"zh-hans": "第 1 行：单价 ¥2,700.00 低于底价。",
                  "en": "Line 1: unit price ¥2,700.00 is below the floor price."})
    older = ReviewFinding.objects.create(order=floor_order, revision=floor_order.revision, code="price_below_floor",
                                         clause="P2.3.b", message="第 2 行：单价 ¥9.00 低于底价。", line=2)
    plain = ReviewFinding.objects.create(order=floor_order, revision=floor_order.revision,
                                         code="customer_name_missing", clause="P2.3.a",
                                         message="客户缺少公司名称。", messages={"zh-hans": "客户缺少公司名称。"})
    with translation.override("en"):
        assert old.localized_message() == "Line 1: unit price ¥2,700.00 is below the floor price."
        assert older.localized_message() == "第 2 行：单价 ¥9.00 低于底价。"  # the only text it has
        assert plain.localized_message() == "The customer has no company name."
    with translation.override("zh-hans"):
        assert old.localized_message() == "第 1 行：单价 ¥2,700.00 低于底价。"


def test_p2_2_b_a_revision_opened_after_a_return_is_a_change_read_in_each_readers_language(
        customer, catalog, sales_rep, reviewer, far_date):
    """Not a note in the writer's language ("退回后开始第 2 版。" in the English interface): the event
    records revision 1 → 2, which each reader's labels render."""
    from django.utils import translation

    from ordertaking.audit.labels import describe_events
    from ordertaking.audit.models import AuditEvent
    from ordertaking.orders.services import order_create, order_update
    from ordertaking.review.services import order_return, order_submit

    order = order_submit(order=order_create(
        actor=sales_rep, customer=customer, delivery_date=far_date, delivery_region=catalog["regions"]["sh"],
        delivery_city="上海市", delivery_address="浦东新区张江路100号", payment_method=catalog["payments"]["prepay"],
        contact_name="刘经理", contact_phone="13812345678",
        lines=[{"product": catalog["products"]["motor"], "quantity": Decimal("2")}]), actor=sales_rep)
    with translation.override("zh-hans"):
        order_return(order=order, actor=reviewer, opinion="请确认交货时间。")
        order = order_update(order=order, actor=sales_rep, changes={"customer_reference": "PO-2"})
    event = AuditEvent.objects.filter(action="order.updated").latest("id")
    assert order.revision == 2 and event.message == ""
    assert (event.before or {}).get("revision") == 1 and (event.after or {}).get("revision") == 2
    with translation.override("en"):
        text = str(describe_events([event]))
    assert "版" not in text
