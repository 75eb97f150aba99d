"""The inspection checks' rules (P6.1.a) on plain facts, without a database: each check passes, fails
with its evidence, or does not apply, and every evidence reads as a sentence in both languages."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.utils import translation

from ordertaking.audit.chain import event_hash
from ordertaking.orders.rules import LineFacts
from ordertaking.orders.rules import OrderFacts as CompletenessFacts
from ordertaking.supervision import rules
from ordertaking.supervision.rules import (
    CHECKS,
    CheckResult,
    DecisionFact,
    EventFact,
    Evidence,
    HoldFact,
    InspectionFact,
    OrderCheckFacts,
    PersonFact,
    ProductionFact,
    RevisionFact,
    ShipmentFact,
    SpecialFact,
    TaskFact,
)

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # a Monday, 09:00 in Shanghai
REP, CENTER, CENTER2, LEADER, FINANCE, LOGI = 1, 2, 3, 4, 5, 6
PEOPLE = {REP: PersonFact("王销售", frozenset({"sales"})), CENTER: PersonFact("钱审核", frozenset({"order_center"})),
          CENTER2: PersonFact("孙审核", frozenset({"order_center"})),
          LEADER: PersonFact("周总", frozenset({"leadership"})), FINANCE: PersonFact("吴财务", frozenset({"finance"})),
          LOGI: PersonFact("陈物流", frozenset({"logistics"}))}


def chained(*steps: tuple[str, int | None, str]) -> tuple[EventFact, ...]:
    """Events as event_record writes them: numbered, linked and fingerprinted (audit/chain.py)."""
    out, prev = [], ""
    for seq, (action, actor, name) in enumerate(steps, start=1):
        at = T0 + timedelta(hours=seq)
        content = {"stream": "orders.order:1", "seq": seq, "at": at, "actor_id": actor, "actor_name": name,
                   "action": action, "clause": "", "subject_type": "orders.order", "subject_id": "1",
                   "subject_label": "SO1", "before": None, "after": None, "message": ""}
        digest = event_hash(content, prev)
        out.append(EventFact(seq=seq, action=action, at=at, actor_id=actor, actor_name=name, prev_hash=prev,
                             hash=digest, recomputed=digest))
        prev = digest
    return tuple(out)


APPROVED = (("order.created", REP, "王销售"), ("order.submitted", REP, "王销售"),
            ("credit.checked", CENTER, "钱审核"), ("order.approved", CENTER, "钱审核"),
            ("tasks.created", CENTER, "钱审核"))


def facts(*steps: tuple[str, int | None, str], state: str = "approved", **kw) -> OrderCheckFacts:  # type: ignore[no-untyped-def]
    events = chained(*steps)
    base = OrderCheckFacts(number="SO1", state=state, entered_by=REP, sales_rep=REP, today=date(2026, 11, 30),
                           url="/orders/SO1/", events=events, head_seq=len(events), people=PEOPLE,
                           head_hash=events[-1].hash if events else "")
    return replace(base, **kw)


def run(f: OrderCheckFacts) -> dict[str, CheckResult]:
    return {r.code: r for r in rules.run_checks(f)}


def en(result: CheckResult) -> list[str]:
    with translation.override("en"):
        return [e.text() for e in result.evidence]


# --- steps ---------------------------------------------------------------------------------------------------

def test_p6_1_a_steps_an_approved_order_with_every_step_so_far_passes():
    found = rules.check_steps(facts(*APPROVED))
    assert found.outcome == "pass"
    assert en(found)[0] == "Order entered — 2026-11-02 10:00, 王销售."


def test_p6_1_a_steps_a_draft_passes_on_its_entry_and_fails_without_it():
    assert rules.check_steps(facts(APPROVED[0], state="draft")).outcome == "pass"
    found = rules.check_steps(facts(state="draft"))
    assert found.outcome == "fail" and en(found) == ["No record that this step was done: Order entered."]


def test_p6_1_a_steps_an_approved_order_never_submitted_fails():
    found = rules.check_steps(facts(APPROVED[0], *APPROVED[2:]))
    assert found.outcome == "fail"
    assert en(found) == ["No record that this step was done: Submitted for review."]


def test_p6_1_a_steps_a_cancelled_order_is_held_to_the_steps_it_got_through():
    steps = (*APPROVED[:2], ("order.approved", CENTER, "钱审核"), ("order.cancelled", REP, "王销售"))
    found = rules.check_steps(facts(*steps, state="cancelled"))
    assert found.outcome == "fail"  # it got approved, so its credit check and tasks should be on record
    assert en(found) == ["No record that this step was done: Credit checked.",
                         "No record that this step was done: Tasks assigned."]


def test_p6_1_a_steps_out_of_order_fails():
    f = facts(*APPROVED)
    early = replace(f.events[4], at=T0)  # tasks before the approval
    found = rules.check_steps(replace(f, events=(*f.events[:4], early)))
    assert found.outcome == "fail"
    assert en(found) == ["Tasks assigned (2026-11-02 09:00) came before Reviewed and approved (2026-11-02 13:00), "
                         "which must come first."]


def test_p6_1_a_steps_a_closed_order_needs_its_invoice_and_delivered_production():
    steps = (*APPROVED, ("shipment.dispatched", 6, "陈物流"), ("delivery_voucher.signed", None, "customer"),
             ("order.accepted", REP, "王销售"), ("order.closed", FINANCE, "吴财务"))
    shipments = (rules.ShipmentFact("SH1", "delivered", (1,), voucher="V1", voucher_state="signed"),)
    f = facts(*steps, state="closed", shipments=shipments, production=(ProductionFact(1, "in_progress"),))
    found = rules.check_steps(f)
    assert en(found) == ["No record that this step was done: Produced.",
                         "No record that this step was done: Invoiced."]
    ok = rules.check_steps(replace(f, invoices=1, production=(ProductionFact(1, "finished", T0 + timedelta(hours=5)),)))
    assert ok.outcome == "pass"
    assert "Delivered, voucher signed — 2026-11-02 16:00, the customer." in en(ok)


def test_p2_3_c_steps_a_second_decision_without_a_new_submission_fails():
    steps = (*APPROVED[:2], ("order.returned", CENTER, "钱审核"), ("credit.checked", CENTER, "钱审核"),
             ("order.approved", CENTER, "钱审核"), ("tasks.created", CENTER, "钱审核"))
    found = rules.check_steps(facts(*steps))
    assert found.outcome == "fail"
    assert en(found) == ["Order approved (2026-11-02 14:00) without a new submission after Order returned to sales "
                         "(2026-11-02 12:00)."]
    resubmitted = (*steps[:3], ("order.submitted", REP, "王销售"), *steps[3:])
    assert rules.check_steps(facts(*resubmitted)).outcome == "pass"


# --- segregation ---------------------------------------------------------------------------------------------

def test_p2_3_c_segregation_passes_when_no_party_decided():
    found = rules.check_segregation(facts(*APPROVED))
    assert found.outcome == "pass"
    assert en(found) == ["Order approved on 2026-11-02 13:00 by 钱审核, who is not a party to the order."]


def test_p2_3_c_segregation_is_not_applicable_before_any_decision():
    assert rules.check_segregation(facts(*APPROVED[:2], state="submitted")).outcome == "not_applicable"


def test_p2_3_c_segregation_an_approval_by_whoever_edited_any_revision_fails():
    steps = (APPROVED[0], ("order.updated", CENTER, "钱审核"), *APPROVED[1:])
    found = rules.check_segregation(facts(*steps))
    assert found.outcome == "fail"
    assert en(found) == ["Order approved on 2026-11-02 14:00 by 钱审核, who entered, edited or submitted the order."]


def test_p2_3_c_segregation_an_approval_by_the_special_approval_requester_fails():
    f = facts(*APPROVED, specials=(SpecialFact(CENTER, T0),))
    assert en(rules.check_segregation(f)) == [
        "Order approved on 2026-11-02 13:00 by 钱审核, who asked for its special approval."]


@pytest.mark.parametrize("kw, sentence", [
    ({"specials": (SpecialFact(CENTER2, T0, CENTER2, "孙审核", T0),)},
     "Special approval decided on 2026-11-02 09:00 by 孙审核, who asked for its special approval."),
    ({"specials": (SpecialFact(CENTER2, T0, REP, "王销售", T0),)},
     "Special approval decided on 2026-11-02 09:00 by 王销售, who entered, edited or submitted the order."),
    ({"holds": (HoldFact(REP, "王销售", T0),)},
     "Credit hold released on 2026-11-02 09:00 by 王销售, who is the order's sales rep."),
    ({"decisions": (DecisionFact("cancel", CENTER2, CENTER2, "孙审核", T0),)},
     "Cancellation decided on 2026-11-02 09:00 by 孙审核, who asked for the cancellation."),
    ({"decisions": (DecisionFact("compensation", LEADER, LEADER, "周总", T0),)},
     "Compensation decided on 2026-11-02 09:00 by 周总, who asked for the compensation."),
])
def test_p2_3_c_segregation_decisions_by_their_requester_or_a_party_fail(kw, sentence):
    found = rules.check_segregation(facts(*APPROVED, **kw))
    assert found.outcome == "fail"
    assert en(found) == [sentence]


def test_p2_3_c_segregation_decisions_by_someone_else_pass():
    f = facts(*APPROVED, specials=(SpecialFact(CENTER2, T0, LEADER, "周总", T0),),
              holds=(HoldFact(FINANCE, "吴财务", T0),),
              decisions=(DecisionFact("compensation", REP, LEADER, "周总", T0),))
    found = rules.check_segregation(f)
    assert found.outcome == "pass" and len(found.evidence) == 4


# --- credit ---------------------------------------------------------------------------------------------------

def test_p5_1_credit_an_approval_after_its_check_passes_and_an_unapproved_order_is_not_applicable():
    assert rules.check_credit(facts(*APPROVED)).outcome == "pass"
    assert rules.check_credit(facts(*APPROVED[:2], state="submitted")).outcome == "not_applicable"


def test_p5_1_credit_the_figures_of_the_check_read_as_money():
    f = facts(*APPROVED)
    check = replace(f.events[2], after={"exposure": "64000.00", "credit_limit": "1000000.00"})
    found = rules.check_credit(replace(f, events=(*f.events[:2], check, *f.events[3:])))
    assert en(found) == ["Credit checked on 2026-11-02 12:00 before the approval (exposure ¥64,000.00 of a limit "
                         "of ¥1,000,000.00)."]


def test_p5_1_credit_a_check_of_an_earlier_revision_does_not_cover_the_next_approval():
    steps = (*APPROVED, ("order.submitted", REP, "王销售"), ("order.approved", CENTER2, "孙审核"))
    found = rules.check_credit(facts(*steps))
    assert found.outcome == "fail"
    assert en(found) == ["Approved on 2026-11-02 16:00 by 孙审核 without a credit check of that revision."]


# --- roles ------------------------------------------------------------------------------------------------

def test_p3_roles_each_step_by_a_role_that_may_do_it_passes():
    found = rules.check_roles(facts(*APPROVED))
    assert found.outcome == "pass" and len(found.evidence) == 5
    assert rules.check_roles(facts(("order.closed", None, "system"), state="closed")).outcome == "not_applicable"


def test_p3_roles_an_approval_by_someone_without_the_review_role_fails():
    steps = (*APPROVED[:3], ("order.approved", FINANCE, "吴财务"))
    found = rules.check_roles(facts(*steps))
    assert found.outcome == "fail"
    assert en(found) == ["Order approved on 2026-11-02 13:00 by 吴财务, who holds no role allowed to do it "
                         "(allowed: Order processing center)."]


def test_p3_roles_a_decision_recorded_without_its_person_fails():
    steps = (*APPROVED[:3], ("order.approved", None, "system"))
    assert en(rules.check_roles(facts(*steps))) == [
        "Order approved on 2026-11-02 13:00 was recorded without the person who did it."]


def test_p3_roles_are_those_held_when_the_step_was_done():
    later = T0 + timedelta(days=3)
    people = {**PEOPLE, CENTER: PersonFact("钱审核", frozenset({"sales"}), ((later, frozenset({"order_center"})),))}
    assert rules.check_roles(facts(*APPROVED, people=people)).outcome == "pass"  # moved to sales afterwards
    early = T0 - timedelta(days=1)
    people = {**PEOPLE, CENTER: PersonFact("钱审核", frozenset({"order_center"}), ((later, frozenset({"sales"})),))}
    assert rules.check_roles(facts(*APPROVED, people=people)).outcome == "fail"  # joined the center afterwards
    people = {**PEOPLE, CENTER: PersonFact("钱审核", frozenset({"order_center"}), ((early, frozenset({"sales"})),))}
    assert rules.check_roles(facts(*APPROVED, people=people)).outcome == "pass"


def test_p2_5_a_roles_the_delivery_is_agreed_by_the_orders_own_rep():
    f = facts(*APPROVED)
    signed = replace(f.events[0], seq=6, action="readiness.signed", actor_id=LOGI, actor_name="陈物流",
                     after={"readiness_part": "sales"})
    found = rules.check_roles(replace(f, events=(*f.events, signed)))
    assert en(found)[-1] == ("Delivery time and place agreed on 2026-11-02 10:00 by 陈物流, who is not the order's "
                             "sales rep.")
    own = replace(signed, actor_id=REP, actor_name="王销售")
    assert rules.check_roles(replace(f, events=(*f.events, own))).outcome == "pass"
    logistics = replace(signed, after={"readiness_part": "logistics"})
    assert rules.check_roles(replace(f, events=(*f.events, logistics))).outcome == "pass"


# --- time nodes ---------------------------------------------------------------------------------------------

@override_settings(ORDERTAKING_REVIEW_HOURS=48)
def test_p2_4_a_time_nodes_review_within_the_review_hours_passes_and_later_fails():
    f = facts(*APPROVED)  # submitted on Monday 2 November 11:00 in Shanghai, decided at 13:00
    submitted = f.events[1].at
    found = rules.check_time_nodes(f)
    assert found.outcome == "pass"
    assert en(found) == ["Review due by 2026-11-04 11:00, done on 2026-11-02 13:00."]
    on_the_hour = replace(f.events[3], at=submitted + timedelta(hours=48))
    assert rules.check_time_nodes(replace(f, events=(*f.events[:3], on_the_hour, f.events[4]))).outcome == "pass"
    late = replace(f.events[3], at=submitted + timedelta(hours=48, minutes=1))
    found = rules.check_time_nodes(replace(f, events=(*f.events[:3], late, f.events[4])))
    assert en(found) == ["Review was due by 2026-11-04 11:00 and done on 2026-11-04 11:01."]
    with override_settings(ORDERTAKING_REVIEW_HOURS=72):  # one figure, read where the check runs
        assert rules.check_time_nodes(replace(f, events=(*f.events[:3], late, f.events[4]))).outcome == "pass"


def test_p2_4_a_time_nodes_a_review_still_waiting_past_its_node_fails():
    f = facts(*APPROVED[:2], state="submitted")
    assert rules.check_time_nodes(replace(f, today=date(2026, 11, 4))).outcome == "not_applicable"
    found = rules.check_time_nodes(replace(f, today=date(2026, 11, 5)))
    assert en(found) == ["Review was due by 2026-11-04 11:00 and is still not done."]


def test_p2_4_a_time_nodes_the_wait_on_credit_hold_is_not_the_reviews():
    steps = (*APPROVED[:2], ("order.credit_held", CENTER, "钱审核"), ("order.credit_released", FINANCE, "吴财务"),
             ("credit.checked", CENTER, "钱审核"), ("order.approved", CENTER, "钱审核"))
    f = facts(*steps)
    events = list(f.events)
    events[3] = replace(events[3], at=T0 + timedelta(days=7))  # released a week later
    events[5] = replace(events[5], at=T0 + timedelta(days=8))  # approved the day after the release
    assert rules.check_time_nodes(replace(f, events=tuple(events))).outcome == "pass"


def test_p2_4_a_time_nodes_tasks_done_by_their_due_date_pass_late_or_overdue_ones_fail():
    done = (TaskFact("production", "done", date(2026, 11, 10), T0 + timedelta(days=7)),
            TaskFact("shipping", "cancelled", date(2026, 11, 3)))
    assert rules.check_time_nodes(facts(state="in_execution", tasks=done)).outcome == "pass"
    tasks = (TaskFact("production", "done", date(2026, 11, 10), T0 + timedelta(days=9)),
             TaskFact("shipping", "open", date(2026, 12, 10)),
             TaskFact("inspection", "in_progress", date(2026, 11, 12)))
    found = rules.check_time_nodes(facts(state="in_execution", tasks=tasks))
    assert found.outcome == "fail"
    assert en(found) == ["Production task was due by 2026-11-10 and done on 2026-11-11.",
                         "Quality inspection task was due by 2026-11-12 and is still not done."]


# --- information ------------------------------------------------------------------------------------------

COMPLETE = CompletenessFacts(customer_id=1, delivery_date=date(2026, 12, 1), delivery_region_id=1,
                             delivery_address="浦东新区张江路100号", payment_method_id=1,
                             lines=[LineFacts(1, product_id=1, unit="台", quantity=Decimal(2),
                                              unit_price=Decimal(3200))])


def test_p2_2_a_information_a_complete_revision_passes_an_incomplete_one_fails():
    found = rules.check_information(facts(*APPROVED, revisions=(RevisionFact(1, T0, COMPLETE),)))
    assert en(found) == ["Revision 1 was complete when submitted on 2026-11-02 09:00."]
    gaps = replace(COMPLETE, payment_method_id=None, delivery_date=date(2026, 11, 1))
    revisions = (RevisionFact(1, T0, COMPLETE), RevisionFact(2, T0, gaps))
    found = rules.check_information(facts(*APPROVED, revisions=revisions))
    assert found.outcome == "fail"
    assert en(found) == ["Revision 2 was submitted incomplete: The delivery date is in the past. "
                         "The payment method is missing."]
    assert rules.check_information(facts(*APPROVED[:1], state="draft")).outcome == "not_applicable"


def test_p2_5_a_information_a_shipment_that_left_before_the_delivery_was_agreed_fails():
    agreed = ShipmentFact("SH1", "dispatched", (1,), shipped_at=T0 + timedelta(days=1),
                          url="/logistics/shipments/SH1/", agreed_at=T0, agreed_time=T0 + timedelta(days=2),
                          agreed_place="一号厂房")
    assert rules.check_information(facts(*APPROVED, shipments=(agreed,))).outcome == "pass"
    after = replace(agreed, agreed_at=T0 + timedelta(days=2))
    found = rules.check_information(facts(*APPROVED, shipments=(after,)))
    assert en(found) == ["Shipment SH1 left on 2026-11-03 09:00 before the delivery time and place were agreed with "
                         "the customer."]
    assert found.evidence[0].url == "/logistics/shipments/SH1/"
    nowhere = replace(agreed, agreed_place=" ")
    assert rules.check_information(facts(*APPROVED, shipments=(nowhere,))).outcome == "fail"


# --- documents -------------------------------------------------------------------------------------------

SHIPPED = ShipmentFact("SH1", "delivered", (1, 2), shipped_at=T0 + timedelta(days=5), voucher="V1",
                       voucher_state="signed", voucher_signed_at=T0 + timedelta(days=6), signer="刘经理",
                       documents=("inspection_report", "product_manual"))
MADE = (ProductionFact(1, "finished", T0 + timedelta(days=3)),)
PASSED = (InspectionFact(1, "finished", "pass", T0 + timedelta(days=4), "QI-1"),)


def test_p2_5_b_documents_inspected_goods_and_a_signed_voucher_with_its_documents_pass():
    found = rules.check_documents(facts(*APPROVED, state="delivered", shipments=(SHIPPED,), production=MADE,
                                        inspections=PASSED))
    assert found.outcome == "pass"
    assert en(found) == ["Line 1: finished-product inspection QI-1 passed on 2026-11-06 09:00.",
                         "Shipment SH1: delivery voucher V1 signed on 2026-11-08 09:00 by 刘**."]  # P4.1.c
    assert rules.check_documents(facts(*APPROVED)).outcome == "not_applicable"


def test_p4_1_c_evidence_stored_with_the_signers_full_name_reads_masked():
    with translation.override("en"):
        old = Evidence("signed", {"shipment": "SH1", "voucher": "V1", "at": "2026-11-08", "signer": "刘经理"})
        assert old.text().endswith(" by 刘**.")
        assert Evidence("signed", {"shipment": "SH1", "voucher": "V1", "at": "2026-11-08"}).text().endswith(
            " by the customer.")


def test_p5_2_b_documents_produced_goods_shipped_before_their_passed_inspection_fail():
    failed = (InspectionFact(1, "finished", "fail", T0 + timedelta(days=4), "QI-1"),
              InspectionFact(1, "finished", "pass", T0 + timedelta(days=6), "QI-2"))
    found = rules.check_documents(facts(*APPROVED, state="delivered", shipments=(SHIPPED,), production=MADE,
                                        inspections=failed))
    assert en(found) == ["Shipment SH1 left on 2026-11-07 09:00 without a passed finished-product inspection of "
                         "line 1."]


def test_p2_5_b_documents_a_delivered_order_needs_signed_vouchers_with_their_documents():
    open_voucher = replace(SHIPPED, voucher_state="open", voucher_signed_at=None)
    f = facts(*APPROVED, state="delivered", shipments=(open_voucher,), production=MADE, inspections=PASSED)
    assert en(rules.check_documents(f))[-1] == "Shipment SH1: the delivery voucher is not signed by the customer."
    assert rules.check_documents(replace(f, state="shipped")).outcome == "pass"  # still on its way
    bare = replace(SHIPPED, documents=())
    assert en(rules.check_documents(replace(f, shipments=(bare,))))[-1] == (
        "Shipment SH1: the voucher records no document handed over with the goods.")
    manual = replace(SHIPPED, documents=("product_manual",))
    assert en(rules.check_documents(replace(f, shipments=(manual,))))[-1] == (
        "Shipment SH1: the quality inspection report not handed over with the goods.")


# --- the audit chain ---------------------------------------------------------------------------------------

def test_p4_2_a_audit_chain_intact_passes():
    found = rules.check_audit_chain(facts(*APPROVED))
    assert found.outcome == "pass"
    assert en(found) == ["All 5 events of the order's history are in their chain, unchanged."]
    assert rules.check_audit_chain(facts(state="draft", head_seq=None)).outcome == "not_applicable"


def test_p4_2_a_audit_chain_a_changed_event_fails():
    f = facts(*APPROVED)
    changed = replace(f.events[3], recomputed="0" * 64)
    found = rules.check_audit_chain(replace(f, events=(*f.events[:3], changed, f.events[4])))
    assert found.outcome == "fail"
    assert en(found) == ["The event “Order approved” of 2026-11-02 13:00 no longer matches its fingerprint: "
                         "it was changed."]


def test_p4_2_a_audit_chain_a_removed_event_fails_and_so_do_missing_newest_events():
    f = facts(*APPROVED)
    assert en(rules.check_audit_chain(replace(f, events=(*f.events[:2], *f.events[3:])))) == [
        "1 event(s) of the order's history are missing from its chain."]
    assert en(rules.check_audit_chain(replace(f, events=f.events[:3]))) == [
        "2 event(s) of the order's history are missing from its chain."]


def test_p4_2_a_audit_chain_events_the_daily_seal_pinned_cannot_go_or_change_unnoticed():
    f = facts(*APPROVED)
    sealed = replace(f, sealed_seq=5, sealed_hash=f.events[4].hash)
    assert rules.check_audit_chain(sealed).outcome == "pass"
    # the newest event removed and the head row moved back to match: the seal still remembers it
    cut = replace(sealed, events=f.events[:4], head_seq=4, head_hash=f.events[3].hash)
    assert en(rules.check_audit_chain(cut)) == ["1 event(s) of the order's history are missing from its chain."]
    rewritten = replace(sealed, sealed_hash="0" * 64)
    assert en(rules.check_audit_chain(rewritten)) == [
        "The event “Tasks assigned” of 2026-11-02 14:00 no longer matches its fingerprint: it was changed."]


def test_p4_2_a_audit_chain_an_inserted_event_fails():
    f = facts(*APPROVED)
    forged = EventFact(seq=6, action="order.approved", at=T0 + timedelta(days=1), prev_hash="forged",
                       hash="x", recomputed="x")
    found = rules.check_audit_chain(replace(f, events=(*f.events, forged)))
    assert found.outcome == "fail"
    assert "it was slipped in" in en(found)[0]
    outside = replace(forged, seq=0, prev_hash=f.events[-1].hash)
    assert "written around the application" in en(rules.check_audit_chain(replace(f, events=(*f.events, outside))))[0]
    assert en(rules.check_audit_chain(replace(f, head_hash="other"))) == [
        "The newest events of the order's history differ from those the application wrote."]


# --- the interface: storage, words ------------------------------------------------------------------------

def test_p6_1_a_results_survive_json_and_read_the_same():
    result = rules.check_credit(facts(*APPROVED))
    stored = json.loads(json.dumps(result.as_json()))
    assert CheckResult.from_json(stored) == result
    assert CheckResult.from_json({"code": "steps", "outcome": "bogus", "evidence": ["x"]}).outcome == "not_applicable"
    with translation.override("en"):
        assert result.definition is not None and str(result.definition.label) == "Credit checked at approval"


def test_p6_1_a_outcomes_and_checks_have_words_in_both_languages():
    with translation.override("en"):
        english = [(str(c.label), str(c.description)) for c in CHECKS]
        assert rules.outcome_label("fail") == "Failed"
    with translation.override("zh-hans"):
        assert [rules.outcome_label(o) for o in rules.OUTCOMES] == ["通过", "未通过", "不适用"]
        chinese = [(str(c.label), str(c.description)) for c in CHECKS]
    assert all(zh[0] != e[0] and zh[1] != e[1] for zh, e in zip(chinese, english, strict=True))
    assert len({c.code for c in CHECKS}) == len(CHECKS) and all(c.clause.startswith("P") for c in CHECKS)


EVERY_KIND: dict[str, dict[str, Any]] = {
    "step": {"step": "order.approved", "at": "2026-11-02T01:00:00+00:00", "by": "钱审核"},
    "missing": {"step": "shipped"}, "order": {"step": "tasks", "at": "2026-11-02", "before": "reviewed",
                                              "before_at": "2026-11-03"},
    "resubmit": {"step": "order.approved", "at": "2026-11-02", "before": "order.returned", "before_at": "2026-11-01"},
    "actor": {"step": "order.approved", "at": "2026-11-02", "by": "王销售", "roles": ["order_center"]},
    "nobody": {"step": "order.approved", "at": "2026-11-02"},
    "not_rep": {"step": "delivery_agreed", "at": "2026-11-02", "by": "李销售"},
    "same_person": {"step": "order.approved", "at": "2026-11-02", "by": "王销售", "also": "sells"},
    "party_ok": {"step": "order.approved", "at": "2026-11-02", "by": "钱审核"},
    "late": {"step": "task_shipping", "due": "2026-11-02", "done": "2026-11-04"},
    "overdue": {"step": "review", "due": "2026-11-02"},
    "on_time": {"step": "review", "due": "2026-11-02", "done": "2026-11-02"},
    "incomplete": {"revision": 2, "codes": ["delivery_date_missing"]},
    "complete": {"revision": 2, "at": "2026-11-02"},
    "no_delivery_info": {"shipment": "SH1", "at": "2026-11-02"},
    "delivery_info": {"shipment": "SH1", "agreed": "2026-11-01", "at": "2026-11-02"},
    "no_credit_check": {"at": "2026-11-02", "by": "钱审核"},
    "credit_checked": {"at": "2026-11-02", "exposure": "¥1.00", "limit": "¥2.00"},
    "chain": {"problem": "changed", "step": "order.created", "at": "2026-11-02"}, "chain_ok": {"n": 3},
    "no_inspection": {"shipment": "SH1", "at": "2026-11-02", "line": 1},
    "inspection": {"line": 1, "report": "QI-1", "at": "2026-11-02"},
    "unsigned": {"shipment": "SH1"}, "signed": {"shipment": "SH1", "voucher": "V1", "at": "2026-11-02", "signer": "刘"},
    "no_document": {"shipment": "SH1", "document": "inspection_report"},
}


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_p6_1_a_every_kind_of_evidence_reads_as_a_sentence(lang):
    assert set(EVERY_KIND) == set(rules.EVIDENCE_TEXTS)
    with translation.override(lang):
        for kind, params in EVERY_KIND.items():
            text = Evidence(kind, params).text()
            assert text and "%(" not in text and "_" not in text, (kind, text)
            if lang == "zh-hans":
                assert any("\u4e00" <= ch <= "\u9fff" for ch in text), (kind, text)
