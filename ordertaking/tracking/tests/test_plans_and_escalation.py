"""Contingency plans (P5.2.a) and the escalation of an order at risk without one to the rep's leader,
with a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.tracking import services
from ordertaking.tracking.jobs import risk_run
from ordertaking.tracking.models import ContingencyPlan, RiskEpisode

pytestmark = pytest.mark.django_db

MON = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def plan_kw(**kw):  # type: ignore[no-untyped-def]
    return {"cause": "force_majeure", "measures": "台风过境，改走铁路运输。",
            "loss_reduction": "分两批发货，先发已完工部分。",
            "notified_person": "刘经理", "notified_at": MON, "notified_via": "phone",
            "notified_text": "因台风影响，交期顺延三天，已安排铁路运输。", "now": MON + timedelta(hours=1), **kw}


def events(order, action):  # type: ignore[no-untyped-def]
    return list(AuditEvent.objects.filter(subject_type="orders.order", subject_id=str(order.pk), action=action))


def test_p5_2_a_the_rep_records_a_plan_for_an_order_at_risk_and_its_event_is_on_the_timeline(
        approved_order, flag_at_risk, sales_rep):
    order = approved_order()
    episode = flag_at_risk(order, MON)
    before = order.delivery_date
    new_date = timezone.localdate(MON) + timedelta(days=40)
    plan = services.contingency_plan_record(order=order, actor=sales_rep, **plan_kw(new_delivery_date=new_date))
    assert plan.episode == episode and plan.recorded_by == sales_rep and plan.new_delivery_date == new_date
    (ev,) = events(order, "contingency_plan.recorded")
    assert ev.clause == "P5.2.a" and ev.actor_id == sales_rep.pk
    assert ev.after == {"cause": "force_majeure", "notified_via": "phone", "notified_person": "刘经理",
                        "new_delivery_date": new_date.isoformat()}
    order.refresh_from_db()
    assert order.delivery_date == before  # the order's date changes only through a change request (P2.3)


def test_p5_2_a_the_order_center_records_a_plan_for_any_order(approved_order, reviewer2):
    order = approved_order()
    assert services.contingency_plan_record(order=order, actor=reviewer2, **plan_kw()).episode is None


@pytest.mark.parametrize("who", ["sales_rep2", "leader", "production_user", "finance_user", "auditor"])
def test_p5_2_a_only_the_orders_rep_or_the_order_center_records_a_plan(approved_order, request, who):
    order = approved_order()
    with pytest.raises(PermissionDenied):
        services.contingency_plan_record(order=order, actor=request.getfixturevalue(who), **plan_kw())
    assert not ContingencyPlan.objects.exists()


def test_p5_2_a_a_plan_is_refused_for_an_order_not_being_executed(make_order, sales_rep):
    order = make_order(state="draft")
    with pytest.raises(InvalidTransition):
        services.contingency_plan_record(order=order, actor=sales_rep, **plan_kw())


@pytest.mark.parametrize(("change", "field"), [
    ({"cause": "weather"}, "cause"), ({"measures": " "}, "measures"), ({"notified_person": ""}, "notified_person"),
    ({"notified_at": MON + timedelta(days=2)}, "notified_at"), ({"notified_via": "fax"}, "notified_via"),
    ({"notified_text": ""}, "notified_text"), ({"new_delivery_date": timezone.localdate(MON) - timedelta(days=1)},
                                               "new_delivery_date")])
def test_p5_2_a_an_incomplete_plan_is_refused_naming_its_field_and_nothing_is_written(
        approved_order, sales_rep, change, field):
    order = approved_order()
    with pytest.raises(ValidationFailed) as e:
        services.contingency_plan_record(order=order, actor=sales_rep, **plan_kw(**change))
    assert e.value.field == field
    assert not ContingencyPlan.objects.exists() and not events(order, "contingency_plan.recorded")


def test_p5_2_a_at_risk_more_than_two_days_without_a_plan_goes_to_the_reps_leader_once(
        approved_order, flag_at_risk, sales_rep, leader, make_user):
    from ordertaking.accounts.roles import Role

    make_user("leader2", Role.LEADERSHIP)  # not this rep's leader: not told
    sales_rep.leader = leader
    sales_rep.save()
    order = approved_order()
    episode = flag_at_risk(order, MON)
    assert not services.risk_escalate(episode=episode, now=MON + timedelta(days=2))
    assert services.escalations_due(now=MON + timedelta(days=2)) == []
    thursday = MON + timedelta(days=3)
    assert services.escalations_due(now=thursday) == [episode.pk]
    assert services.risk_escalate(episode=episode, now=thursday)
    assert not services.risk_escalate(episode=episode, now=thursday + timedelta(days=1))  # once per period
    episode.refresh_from_db()
    assert episode.escalated_at == thursday and list(episode.escalated_to.all()) == [leader]
    (ev,) = events(order, "order.risk_escalated")
    assert ev.clause == "P5.2.a" and ev.after["escalated_to"] == [str(leader)]
    from ordertaking.notifications.models import Notification

    (note,) = Notification.objects.filter(kind="risk_escalated")
    assert note.recipient == leader and note.params["order"] == order.number
    assert "2026-11-23" in note.params["reason"]["en"] and "时间节点延误" in note.params["reason"]["zh-hans"]
    assert services.escalations_due(now=thursday + timedelta(days=1)) == []


def test_p5_2_a_without_a_leader_set_every_leadership_user_is_told(approved_order, flag_at_risk, leader, make_user):
    from ordertaking.accounts.roles import Role

    other = make_user("leader2", Role.LEADERSHIP)
    order = approved_order()
    episode = flag_at_risk(order, MON)
    assert services.risk_escalate(episode=episode, now=MON + timedelta(days=3))
    assert set(episode.escalated_to.all()) == {leader, other}


def test_p5_2_a_a_plan_recorded_in_time_stops_the_escalation(approved_order, flag_at_risk, sales_rep, leader):
    order = approved_order()
    episode = flag_at_risk(order, MON)
    services.contingency_plan_record(order=order, actor=sales_rep, **plan_kw())
    assert not services.risk_escalate(episode=episode, now=MON + timedelta(days=5))
    assert not events(order, "order.risk_escalated")


def test_p2_4_d_the_daily_job_clears_a_reason_no_longer_found_and_records_its_run(approved_order, flag_at_risk, leader):
    from ordertaking.ops.models import JobRun

    order = approved_order()
    flag_at_risk(order, MON)
    thursday = MON + timedelta(days=3)
    # the reason the test flagged is not found again by the rules: the job clears it, no escalation
    result = risk_run(today=timezone.localdate(thursday), now=thursday)
    assert result["orders"] == 1
    run = JobRun.objects.get(job="risk_refresh")
    assert run.succeeded and run.done == 1
    assert RiskEpisode.objects.get(order=order).ended_at == thursday
    assert events(order, "order.risk_cleared")
    assert not events(order, "order.risk_escalated")
