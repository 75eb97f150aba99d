"""The automatic inspection checks (P6.1.a) on orders built through the real services: a compliant order
passes every check; orders broken the ways an inspection must catch fail the check that proves that part
of the regulation, with evidence in words."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from ordertaking.audit.models import AuditEvent
from ordertaking.orders.models import Order
from ordertaking.review.services import order_approve, order_submit
from ordertaking.supervision.checks import order_checks
from ordertaking.supervision.rules import CHECKS, CheckResult

from .conftest import attack, record_around

pytestmark = pytest.mark.django_db


def results(order) -> dict[str, CheckResult]:  # type: ignore[no-untyped-def]
    return {r.code: r for r in order_checks([order.pk])[order.pk]}


def outcomes(order) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {code: r.outcome for code, r in results(order).items()}


def texts(result: CheckResult, lang: str = "en") -> list[str]:
    with translation.override(lang):
        return [e.text() for e in result.evidence]


CODE_LIKE = re.compile(r"\b[a-z]+_[a-z_]+\b|\b(True|False|None)\b|order\.[a-z]")


def test_p6_1_a_a_closed_order_done_by_the_book_passes_every_check(closed_order):
    found = results(closed_order)
    assert list(found) == [c.code for c in CHECKS]
    assert {code: r.outcome for code, r in found.items()} == {c.code: "pass" for c in CHECKS}
    steps = texts(found["steps"])
    assert [s.split(" — ")[0] for s in steps] == [
        "Order entered", "Submitted for review", "Credit checked", "Reviewed and approved", "Tasks assigned",
        "Produced", "Shipped", "Delivered, voucher signed", "Accepted by the customer", "Closed (paid)"]
    for lang in ("en", "zh-hans"):
        for result in found.values():
            for line in texts(result, lang):
                assert not CODE_LIKE.search(line), line
    with translation.override("zh-hans"):
        assert texts(found["steps"], "zh-hans")[0].startswith("订单录入")


def test_p6_1_a_an_order_in_progress_passes_for_the_steps_it_reached(make_order, customer, finance_user):
    from tests.credit_grant import customer_credit_grant

    na = "not_applicable"
    draft = make_order(state="draft")
    assert outcomes(draft) == {"steps": "pass", "roles": "pass", "segregation": na, "time_nodes": na,
                               "information": na, "credit": na, "documents": na, "audit_chain": "pass"}
    submitted = make_order(state="submitted")
    assert outcomes(submitted) == {"steps": "pass", "roles": "pass", "segregation": na, "time_nodes": na,
                                   "information": "pass", "credit": na, "documents": na, "audit_chain": "pass"}
    customer_credit_grant(customer, by=finance_user)
    approved = make_order(state="approved")
    assert outcomes(approved) == {**{c.code: "pass" for c in CHECKS}, "documents": na}


def test_p6_1_a_a_returned_order_resubmitted_before_its_approval_passes(make_order, customer, finance_user,
                                                                        sales_rep, reviewer2):
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=finance_user)
    order = make_order(state="returned")
    order = order_submit(order=order, actor=sales_rep)
    order_approve(order=order, actor=reviewer2)
    found = results(order)
    assert found["steps"].outcome == "pass" and found["segregation"].outcome == "pass"
    assert len(found["segregation"].evidence) == 2  # the return and the approval, each by a non-party


def test_p6_1_a_steps_an_order_said_delivered_without_shipment_or_voucher_fails(make_order, customer,
                                                                                 finance_user):
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=finance_user)
    order = make_order(state="approved")
    Order.objects.filter(pk=order.pk).update(state="delivered")  # moved behind the services' back
    found = results(order)["steps"]
    assert found.outcome == "fail"
    assert texts(found) == ["No record that this step was done: Produced.",
                            "No record that this step was done: Shipped.",
                            "No record that this step was done: Delivered, voucher signed."]
    assert found.evidence[0].url == f"/orders/{order.number}/"


def test_p6_1_a_steps_a_decision_without_a_new_submission_after_the_return_fails(make_order, reviewer2):
    order = make_order(state="returned")
    record_around(order, reviewer2, "order.approved", clause="P2.3.c")
    found = results(order)["steps"]
    assert found.outcome == "fail"
    assert any("without a new submission after Order returned to sales" in t for t in texts(found))


def test_p2_3_c_segregation_an_approval_by_the_orders_own_rep_fails(make_order, sales_rep):
    order = make_order(state="submitted")
    record_around(order, sales_rep, "order.approved", clause="P2.3.c")
    found = results(order)["segregation"]
    assert found.outcome == "fail"
    [line] = texts(found)
    assert line.startswith("Order approved on ") and line.endswith("by 王销售, who is the order's sales rep.")


def test_p2_3_c_segregation_an_approval_by_someone_who_edited_the_order_fails(make_order, reviewer2):
    order = make_order(state="submitted")
    record_around(order, reviewer2, "order.updated", clause="P2.2.b")
    record_around(order, reviewer2, "order.approved", clause="P2.3.c")
    found = results(order)["segregation"]
    assert found.outcome == "fail"
    assert texts(found)[0].endswith("by 孙审核, who entered, edited or submitted the order.")


def test_p5_1_credit_an_approval_that_went_around_the_credit_gate_fails(make_order, reviewer2):
    order = make_order(state="submitted")
    record_around(order, reviewer2, "order.approved", clause="P2.3.c")
    found = results(order)
    assert found["credit"].outcome == "fail"
    [line] = texts(found["credit"])
    assert line.startswith("Approved on ") and line.endswith("by 孙审核 without a credit check of that revision.")
    assert found["segregation"].outcome == "pass"  # a reviewer who is no party: only the credit check is missing


def test_p5_1_credit_each_approval_of_a_changed_order_needs_its_own_check(make_order, customer, finance_user,
                                                                         reviewer2, sales_rep):
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=finance_user)
    order = make_order(state="approved")
    assert results(order)["credit"].outcome == "pass"
    record_around(order, sales_rep, "order.submitted", clause="P2.3")
    record_around(order, reviewer2, "order.approved", clause="P2.3.c")
    found = results(order)["credit"]
    assert found.outcome == "fail" and len(found.evidence) == 1


def test_p3_roles_an_approval_by_someone_without_the_review_role_fails(make_order, finance_user):
    order = make_order(state="submitted")
    record_around(order, finance_user, "order.approved", clause="P2.3.c")
    found = results(order)["roles"]
    assert found.outcome == "fail"
    [line] = texts(found)
    assert line.endswith("by 吴财务, who holds no role allowed to do it (allowed: Order processing center).")
    with translation.override("zh-hans"):
        assert "有权限的角色：订单处理中心" in found.evidence[0].text()


def test_p3_roles_a_reviewer_who_moved_to_sales_afterwards_still_reviewed_with_the_right_role(
        make_order, customer, finance_user, admin_user_role):
    from ordertaking.accounts.services import user_roles_set
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=finance_user)
    order = make_order(state="approved")
    user_roles_set(user=make_order.reviewer(), roles=["sales"], actor=admin_user_role)
    assert results(order)["roles"].outcome == "pass"


def test_p2_4_a_time_nodes_a_review_waiting_past_its_node_fails(make_order):
    from datetime import timedelta

    from django.utils import timezone

    order = make_order(state="submitted")
    assert results(order)["time_nodes"].outcome == "not_applicable"
    later = order_checks([order.pk], today=timezone.localdate() + timedelta(days=10))[order.pk]
    found = {r.code: r for r in later}["time_nodes"]
    assert found.outcome == "fail"
    assert texts(found)[0].startswith("Review was due by ") and texts(found)[0].endswith("is still not done.")


def test_p2_4_a_time_nodes_a_task_done_after_its_due_date_fails(make_order, customer, finance_user, production_user):
    from datetime import timedelta

    from django.utils import timezone

    from ordertaking.fulfilment.models import Task
    from ordertaking.fulfilment.services import task_complete, task_start
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=finance_user)
    order = make_order(state="approved")
    task = Task.objects.filter(order=order, kind="production").first()
    assert task is not None
    yesterday = timezone.localdate() - timedelta(days=1)
    Task.objects.filter(pk=task.pk).update(planned_start=yesterday, due_date=yesterday)
    task.refresh_from_db()
    task_complete(task=task_start(task=task, actor=production_user), actor=production_user)
    found = results(order)["time_nodes"]
    assert found.outcome == "fail"
    assert texts(found) == [f"Production task was due by {yesterday} and done on {timezone.localdate()}."]


def test_p2_2_a_information_a_revision_submitted_without_its_payment_method_fails(make_order):
    from ordertaking.orders.models import OrderRevision

    order = make_order(state="submitted")
    revision = OrderRevision.objects.get(order=order)
    snapshot = {**revision.snapshot, "header": {**revision.snapshot["header"], "payment_method": None}}
    OrderRevision.objects.filter(pk=revision.pk).update(snapshot=snapshot)
    found = results(order)["information"]
    assert found.outcome == "fail"
    assert texts(found) == ["Revision 1 was submitted incomplete: The payment method is missing."]


def test_p2_5_a_information_a_shipment_that_left_before_the_delivery_was_agreed_fails(approved_order, ship):
    from datetime import timedelta

    from ordertaking.deliveries.models import DeliveryReadiness

    shipment = ship(approved_order, {1: "10"}, dispatch=True)
    assert results(approved_order)["information"].outcome == "pass"
    # the sales part signed only after the goods had left (the database keeps a signed part complete)
    DeliveryReadiness.objects.filter(shipment=shipment).update(sales_signed_at=shipment.shipped_at + timedelta(hours=1))
    found = results(approved_order)["information"]
    assert found.outcome == "fail"
    assert texts(found)[-1].startswith(f"Shipment {shipment.number} left on ")
    assert found.evidence[-1].url == f"/logistics/shipments/{shipment.number}/"


def test_p2_5_b_documents_a_voucher_signed_with_no_documents_recorded_fails(approved_order, ship, signature):
    from ordertaking.deliveries.voucher_services import voucher_sign

    shipment = ship(approved_order, {1: "10", 2: "4"}, dispatch=True)
    assert results(approved_order)["documents"].outcome == "pass"  # on its way: inspected, voucher not due yet
    voucher_sign(voucher=shipment.voucher, signer_name="刘经理", signature=signature)
    found = results(approved_order)["documents"]
    assert found.outcome == "fail"
    assert texts(found)[-1] == (f"Shipment {shipment.number}: the voucher records no document handed over with the "
                                "goods.")


def test_p4_1_c_documents_evidence_names_the_voucher_signer_masked(approved_order, ship, signature, sales_rep):
    from ordertaking.deliveries.voucher_services import voucher_documents_set, voucher_sign

    shipment = ship(approved_order, {1: "10", 2: "4"}, dispatch=True)
    voucher_documents_set(voucher=shipment.voucher, actor=sales_rep,
                          documents=["inspection_report", "product_manual"])
    voucher_sign(voucher=shipment.voucher, signer_name="刘经理", signature=signature)
    found = results(approved_order)["documents"]
    signed = [e for e in found.evidence if e.kind == "signed"]
    assert [e.params["signer"] for e in signed] == ["刘**"]  # what a finding stores holds no name either
    for lang in ("en", "zh-hans"):
        assert [t for t in texts(found, lang) if "刘" in t] and not [t for t in texts(found, lang) if "刘经理" in t]


def test_p5_2_b_documents_produced_goods_that_left_before_their_inspection_fail(approved_order, ship):
    from datetime import timedelta

    from django.utils import timezone

    from ordertaking.production.models import QualityInspection

    shipment = ship(approved_order, {1: "10"}, dispatch=True)
    QualityInspection.objects.filter(order=approved_order).update(inspected_at=timezone.now() + timedelta(hours=1))
    found = results(approved_order)["documents"]
    assert found.outcome == "fail"
    assert texts(found)[0].startswith(f"Shipment {shipment.number} left on ")
    assert texts(found)[0].endswith("without a passed finished-product inspection of line 1.")


def test_p4_2_a_audit_chain_an_event_changed_behind_the_applications_back_fails(make_order):
    order = make_order(state="submitted")
    assert results(order)["audit_chain"].outcome == "pass"
    event = AuditEvent.objects.get(subject_type="orders.order", subject_id=str(order.pk), action="order.submitted")
    attack("UPDATE audit_auditevent SET message = 'nothing happened' WHERE id = %s", [event.pk])
    found = results(order)["audit_chain"]
    assert found.outcome == "fail"
    assert texts(found)[0].startswith("The event “Order submitted for review” of ")
    assert "it was changed" in texts(found)[0]


def test_p4_2_a_audit_chain_an_event_removed_fails(make_order):
    order = make_order(state="submitted")
    event = AuditEvent.objects.get(subject_type="orders.order", subject_id=str(order.pk), action="order.created")
    attack("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    found = results(order)["audit_chain"]
    assert found.outcome == "fail"
    assert texts(found) == ["1 event(s) of the order's history are missing from its chain."]


def test_p4_2_a_audit_chain_the_newest_event_removed_after_the_daily_seal_fails(make_order):
    from django.db import transaction

    from ordertaking.audit.services import audit_seal

    order = make_order(state="submitted")
    with transaction.atomic():
        audit_seal()
    events = list(AuditEvent.objects.filter(subject_type="orders.order", subject_id=str(order.pk)).order_by("seq"))
    newest, before = events[-1], events[-2]
    # removed, and the stream's head moved back so that the head agrees with what is left
    attack("DELETE FROM audit_auditevent WHERE id = %s", [newest.pk])
    attack("UPDATE audit_streamhead SET seq = %s, hash = %s WHERE stream = %s",
           [before.seq, before.hash, newest.stream])
    found = results(order)["audit_chain"]
    assert found.outcome == "fail"
    assert texts(found) == ["1 event(s) of the order's history are missing from its chain."]


def test_p4_2_a_audit_chain_an_event_slipped_in_fails(make_order):
    order = make_order(state="submitted")
    last = AuditEvent.objects.filter(subject_type="orders.order", subject_id=str(order.pk)).order_by("-seq")[0]
    attack("INSERT INTO audit_auditevent (at, actor_name, action, clause, subject_type, subject_id, subject_label, "
           "message, stream, seq, prev_hash, hash) VALUES (%s, 'x', 'order.approved', '', 'orders.order', %s, %s, "
           "'', %s, %s, 'forged', 'forged')",
           [last.at, str(order.pk), order.number, last.stream, last.seq + 1])
    found = results(order)["audit_chain"]
    assert found.outcome == "fail"
    assert any("slipped in" in t for t in texts(found)) or any("differ from those" in t for t in texts(found))


def test_p6_1_a_order_checks_reads_1_or_20_orders_in_the_same_number_of_queries(make_order, customer,
                                                                                finance_user):
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=finance_user)
    orders = [make_order(state="approved" if i % 2 else "submitted") for i in range(20)]
    with CaptureQueriesContext(connection) as one:
        assert len(order_checks([orders[0].pk])) == 1
    with CaptureQueriesContext(connection) as twenty:
        found = order_checks([o.pk for o in orders])
    assert len(found) == 20
    assert len(one.captured_queries) == len(twenty.captured_queries) <= 18


def test_p6_1_a_unknown_and_no_orders_give_nothing(make_order):
    assert order_checks([]) == {}
    assert order_checks([987654]) == {}
