"""P5.3: the legal review blocks approval until the legal adviser's opinion on the current revision; a
special approval never covers it; permissions and segregation of duties; the threshold and the flags."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ordertaking.accounts.roles import Role
from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ordertaking.customers.models import Customer
from ordertaking.legal.models import LegalReview
from ordertaking.legal.services import legal_opinion_record, legal_threshold_set
from ordertaking.notifications.models import Notification
from ordertaking.orders.models import ContractTerms, Order
from ordertaking.orders.services import order_update
from ordertaking.orders.states import OrderState
from ordertaking.review.models import SpecialApproval
from ordertaking.review.services import (
    order_approve,
    order_return,
    order_submit,
    special_approval_grant,
    special_approval_request,
)

pytestmark = pytest.mark.django_db


def test_p5_3_an_ip_product_flags_the_order_at_submit_and_tells_the_legal_advisers(flagged_order,
                                                                                   legal_adviser):
    review = LegalReview.objects.get(order=flagged_order)
    assert (review.revision, review.state, review.reasons) == (1, "pending", ["intellectual_property"])
    assert AuditEvent.objects.filter(action="legal_review.opened", subject_id=str(flagged_order.pk)).exists()


def test_p5_3_legal_advisers_are_notified(ip_product, legal_adviser, make_order):
    order = make_order()
    assert Notification.objects.filter(recipient=legal_adviser, kind="legal_review_requested",
                                       params__order=order.number).exists()


def test_p5_3_an_ordinary_order_is_not_flagged(make_order):
    order = make_order(total="1000000.00")  # at the threshold, not above
    assert not LegalReview.objects.filter(order=order).exists()


def test_p5_3_amount_above_the_threshold_set_by_leadership_flags(make_order, leader):
    legal_threshold_set(actor=leader, amount="50000.00", note="季度调整")
    order = make_order(total="50000.01")
    assert LegalReview.objects.get(order=order).reasons == ["amount_over_threshold"]
    assert not LegalReview.objects.filter(order=make_order(total="50000.00")).exists()


def test_p5_3_only_leadership_sets_the_threshold_and_it_is_audited(leader, legal_adviser, reviewer):
    for who in (legal_adviser, reviewer):
        with pytest.raises(PermissionDenied):
            legal_threshold_set(actor=who, amount="1.00")
    with pytest.raises(ValidationFailed):
        legal_threshold_set(actor=leader, amount="-1")
    row = legal_threshold_set(actor=leader, amount="200000", note="x")
    ev = AuditEvent.objects.get(action="legal_threshold.changed")
    assert ev.after == {"amount_threshold": "200000.00"} and row.amount == Decimal("200000.00")


def test_p5_3_non_standard_terms_flag_and_need_their_text(make_order, sales_rep):
    order = make_order(state="draft")
    with pytest.raises(ValidationFailed) as e:
        order_update(order=order, actor=sales_rep, changes={"contract_terms": "non_standard"})
    assert e.value.field == "contract_terms_text"
    with pytest.raises(ValidationFailed):
        order_update(order=order, actor=sales_rep, changes={"contract_terms": "bespoke"})
    order_update(order=order, actor=sales_rep, changes={"contract_terms": ContractTerms.NON_STANDARD,
                                                        "contract_terms_text": "质保期延长至三年"})
    order_submit(order=order, actor=sales_rep)
    assert LegalReview.objects.get(order=order).reasons == ["non_standard_terms"]


def test_p5_3_an_individual_buyer_flags_and_needs_no_credit_code(make_order, customer, sales_rep):
    Customer.objects.filter(pk=customer.pk).update(kind=Customer.Kind.INDIVIDUAL, credit_code=None)
    order = make_order()
    assert LegalReview.objects.get(order=order).reasons == ["consumer_buyer"]
    codes = {f.code for f in order.findings.all()}
    assert "customer_credit_code_missing" not in codes and "legal_review_pending" in codes


def test_p5_3_approval_is_refused_while_the_legal_review_is_pending(flagged_order, reviewer):
    with pytest.raises(Conflict) as e:
        order_approve(order=flagged_order, actor=reviewer)
    assert [d["code"] for d in e.value.details] == ["legal_review_pending"]
    flagged_order.refresh_from_db()
    assert flagged_order.state == OrderState.SUBMITTED


def test_p5_3_special_approval_does_not_cover_the_legal_finding(make_order, ip_product, reviewer, leader,
                                                                sales_rep):
    # a price below the floor (coverable) and an IP product (not coverable)
    order = make_order(lines=[{"product": "motor", "quantity": "2", "unit_price": "2799.99"}])
    sa = special_approval_request(order=order, actor=sales_rep, reason="大客户")
    assert sa.finding_codes == ["price_below_floor"]
    special_approval_grant(approval=sa, actor=leader)
    with pytest.raises(Conflict) as e:
        order_approve(order=order, actor=reviewer)
    assert [d["code"] for d in e.value.details] == ["legal_review_pending"]


def test_p5_3_special_approval_cannot_be_asked_for_the_legal_finding_alone(flagged_order, reviewer):
    with pytest.raises(Conflict) as e:
        special_approval_request(order=flagged_order, actor=reviewer, reason="急单")
    assert e.value.code == "nothing_to_approve"
    assert not SpecialApproval.objects.filter(order=flagged_order).exists()


def test_p5_3_approval_goes_ahead_after_no_objection(flagged_order, legal_adviser, reviewer, sales_rep):
    legal_opinion_record(order=flagged_order, actor=legal_adviser, outcome="approved", opinion="许可范围内，无异议。")
    order_approve(order=flagged_order, actor=reviewer)
    flagged_order.refresh_from_db()
    assert flagged_order.state == OrderState.APPROVED
    assert Notification.objects.filter(recipient=sales_rep, kind="legal_opinion_recorded").exists()
    assert AuditEvent.objects.filter(action="legal_review.approved").exists()


def test_p5_3_an_objection_keeps_approval_blocked_with_its_text(flagged_order, legal_adviser, reviewer):
    legal_opinion_record(order=flagged_order, actor=legal_adviser, outcome="objected", opinion="未取得软件授权。")
    with pytest.raises(Conflict) as e:
        order_approve(order=flagged_order, actor=reviewer)
    assert [d["code"] for d in e.value.details] == ["legal_objection"]
    assert "未取得软件授权" in e.value.details[0]["message"]


def test_p5_3_a_new_revision_needs_a_new_opinion(flagged_order, legal_adviser, reviewer, sales_rep):
    legal_opinion_record(order=flagged_order, actor=legal_adviser, outcome="objected", opinion="需修改。")
    order_return(order=flagged_order, actor=reviewer, opinion="按法务意见修改")
    order = Order.objects.get(pk=flagged_order.pk)
    order_update(order=order, actor=sales_rep, changes={"notes": "已修改"})
    order_submit(order=order, actor=sales_rep)
    order.refresh_from_db()
    assert order.revision == 2
    assert LegalReview.objects.get(order=order, revision=2).state == "pending"
    with pytest.raises(Conflict):
        order_approve(order=order, actor=reviewer)
    legal_opinion_record(order=order, actor=legal_adviser, outcome="approved", opinion="已修改，无异议。")
    order_approve(order=order, actor=reviewer)
    order.refresh_from_db()
    assert order.state == OrderState.APPROVED


def test_p5_3_opinion_permissions_and_rules(flagged_order, reviewer, leader, auditor, legal_adviser, sales_rep):
    for who in (reviewer, leader, auditor, sales_rep):
        with pytest.raises(PermissionDenied):
            legal_opinion_record(order=flagged_order, actor=who, outcome="approved", opinion="ok")
    with pytest.raises(ValidationFailed):
        legal_opinion_record(order=flagged_order, actor=legal_adviser, outcome="approved", opinion="  ")
    with pytest.raises(ValidationFailed):
        legal_opinion_record(order=flagged_order, actor=legal_adviser, outcome="maybe", opinion="x")
    legal_opinion_record(order=flagged_order, actor=legal_adviser, outcome="approved", opinion="无异议")
    with pytest.raises(Conflict):
        legal_opinion_record(order=flagged_order, actor=legal_adviser, outcome="objected", opinion="改主意")


def test_p5_3_no_opinion_on_an_order_not_flagged(make_order, legal_adviser):
    with pytest.raises(NotFound):
        legal_opinion_record(order=make_order(), actor=legal_adviser, outcome="approved", opinion="x")


def test_p5_3_sod_a_legal_adviser_who_entered_the_order_gives_no_opinion(ip_product, make_order, make_user):
    both = make_user("legal-sales", Role.LEGAL, Role.SALES)
    order = make_order(rep=both)
    with pytest.raises(PermissionDenied) as e:
        legal_opinion_record(order=order, actor=both, outcome="approved", opinion="x")
    assert e.value.code == "segregation_of_duties"
