"""At-risk detection on known dates (P2.4.d, P5.2.a), as pure functions: no database, no clock."""

from __future__ import annotations

from datetime import date
from typing import Any

from ordertaking.tracking import rules
from ordertaking.tracking.rules import ExceptionFact, InspectionFact, RiskFacts, TaskFact

MON = date(2026, 11, 23)


def facts(**kw):  # type: ignore[no-untyped-def]
    base = {"today": MON, "delivery_date": date(2026, 12, 10), "latest_finish": date(2026, 12, 7),
            "production_forecast": None}
    return RiskFacts(**{**base, **kw})


def test_p2_4_d_an_order_with_nothing_late_is_on_track():
    tasks = (TaskFact(1, "production", date(2026, 11, 30), done=False), TaskFact(2, "shipping", MON, done=False))
    assert rules.order_reasons(facts(tasks=tasks, production_forecast=date(2026, 12, 7))) == []


def test_p2_4_d_a_task_past_due_and_not_done_is_a_missed_time_node_due_today_is_not():
    tasks = (TaskFact(1, "production", date(2026, 11, 20), done=False),  # Friday: missed, 3 days
             TaskFact(2, "inspection", date(2026, 11, 20), done=True),  # done: nothing missed
             TaskFact(3, "shipping", MON, done=False),  # due today: not yet missed
             TaskFact(4, "service", None, done=False))  # no time node
    reasons = rules.order_reasons(facts(tasks=tasks))
    assert [(r.code, r.key, r.clause) for r in reasons] == [("task_overdue", "task:1", "P2.4.d")]
    assert reasons[0].params == {"task": "production", "due": "2026-11-20", "days": 3}


def test_p2_4_b_a_production_forecast_after_delivery_minus_transit_is_a_risk():
    latest = rules.latest_finish(date(2026, 12, 10), 3)
    assert latest == date(2026, 12, 7)
    assert rules.order_reasons(facts(latest_finish=latest, production_forecast=date(2026, 12, 7))) == []
    (reason,) = rules.order_reasons(facts(latest_finish=latest, production_forecast=date(2026, 12, 9)))
    assert reason.code == "production_late"
    assert reason.params == {"forecast": "2026-12-09", "latest": "2026-12-07", "days": 2}


def test_p2_4_b_no_forecast_or_no_delivery_date_is_no_production_risk():
    assert rules.latest_finish(None, 3) is None
    assert rules.production_late(None, date(2026, 12, 7)) == []
    assert rules.production_late(date(2026, 12, 9), None) == []


def test_p2_4_c_each_open_shipping_exception_is_a_reason():
    exceptions = (ExceptionFact(7, "delay", "SF123"), ExceptionFact(8, "damage"))
    reasons = rules.order_reasons(facts(open_exceptions=exceptions))
    assert [(r.code, r.key, r.params["kind"]) for r in reasons] == [
        ("shipping_exception", "exception:7", "delay"), ("shipping_exception", "exception:8", "damage")]


def test_p5_2_b_an_open_failed_inspection_is_a_reason():
    (reason,) = rules.order_reasons(facts(failed_inspections=(InspectionFact(5, "finished"),)))
    assert (reason.code, reason.key, reason.clause, reason.params) == (
        "inspection_failed", "inspection:5", "P5.2.b", {"checkpoint": "finished"})


def test_p2_4_d_all_reasons_are_listed_together():
    reasons = rules.order_reasons(facts(
        tasks=(TaskFact(1, "production", date(2026, 11, 1), done=False),),
        production_forecast=date(2026, 12, 20), open_exceptions=(ExceptionFact(3, "loss"),),
        failed_inspections=(InspectionFact(4, "in_process"),)))
    assert [r.code for r in reasons] == ["task_overdue", "production_late", "shipping_exception", "inspection_failed"]


def test_p5_2_a_escalation_after_more_than_n_days_without_a_plan_once():
    since = date(2026, 11, 23)  # Monday
    due: dict[str, Any] = {"at_risk_since": since, "days": 2, "has_plan": False, "escalated": False}
    assert not rules.escalation_due(today=date(2026, 11, 25), **due)  # two days: not more than two
    assert rules.escalation_due(today=date(2026, 11, 26), **due)  # Thursday: three days
    assert not rules.escalation_due(today=date(2026, 11, 26), **{**due, "has_plan": True})
    assert not rules.escalation_due(today=date(2026, 11, 26), **{**due, "escalated": True})


def test_p5_2_a_a_plan_needs_cause_measures_and_who_when_how_what_the_customer_was_told():
    ok: dict[str, Any] = {"cause": "force_majeure", "causes": {"force_majeure", "other"}, "measures": "改走铁路",
          "notified_person": "刘经理", "notified_via": "phone", "channels": {"phone", "email"},
          "notified_text": "交期顺延三天", "notified_on": MON, "new_delivery_date": date(2026, 12, 13), "today": MON}
    assert rules.plan_problem(**ok) is None
    for key, value, field in [("cause", "weather", "cause"), ("measures", "  ", "measures"),
                              ("notified_person", "", "notified_person"), ("notified_on", None, "notified_at"),
                              ("notified_on", date(2026, 11, 24), "notified_at"),
                              ("notified_via", "fax", "notified_via"),
                              ("notified_text", "", "notified_text"),
                              ("new_delivery_date", date(2026, 11, 22), "new_delivery_date")]:
        assert rules.plan_problem(**{**ok, key: value}) == (field, field), key
