"""Every write of tracking (P2.4.d, P5.2.a): refreshing an order's risks, escalating an order at risk
without a plan to the rep's leader, recording a contingency plan.

Each runs in one transaction under the order's row lock and writes its event on the order's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.audit.services import event_record
from ordertaking.common.errors import InvalidTransition, ValidationFailed
from ordertaking.common.links import order_url
from ordertaking.common.progress import FirstApproval
from ordertaking.orders.models import Order
from ordertaking.orders.states import EXECUTION_STATES

from . import rules
from .facts import order_facts
from .models import ContingencyPlan, OrderRisk, RiskEpisode
from .notify import notify_people
from .permissions import plan_refusal
from .reasons import reasons_summary


def escalation_days() -> int:
    """P5.2.a: days an order may stay at risk without a plan before its rep's leader is told."""
    return int(getattr(settings, "ORDERTAKING_RISK_ESCALATION_DAYS", 2))


def _order_locked(order: Order) -> Order:
    # The risk facts read the region's transit days; the rep is told of a new risk.
    return Order.objects.select_for_update(of=("self",)).select_related("sales_rep", "delivery_region").get(
        pk=order.pk)


@dataclass
class RiskRefresh:
    added: list[OrderRisk] = field(default_factory=list)
    cleared: list[OrderRisk] = field(default_factory=list)
    open: list[OrderRisk] = field(default_factory=list)
    episode: RiskEpisode | None = None


def order_risk_refresh(*, order: Order, actor: Any = None, now: datetime | None = None,
                       first: FirstApproval | None = None) -> RiskRefresh:
    """Recompute why `order` is at risk (rules.order_reasons) and record what changed: new reasons
    open (event "order.at_risk", the rep told), reasons no longer found close ("order.risk_cleared"),
    the at-risk period opens with the first reason and ends with the last. An order that left
    execution (cancelled, delivered) has no reasons left. Safe to call as often as wanted: nothing is
    written when nothing changed. `first`: the order's first approval, which holds the order locked (its
    rep and region loaded) and hands over the tasks and production orders it made; the order has no risk
    recorded yet."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # No savepoint of its own: it runs inside the work that changed the order (the progress hand-off) or a
    # job's item (ops.jobs.run_item has one); alone, this is its own transaction.
    with transaction.atomic(savepoint=False):
        if first is None:
            order = _order_locked(order)
        facts = order_facts(order, today, first)
        found = rules.order_reasons(facts) if order.state in EXECUTION_STATES else []
        found_by_key = {(r.code, r.key): r for r in found}
        current = [] if first is not None else list(
            OrderRisk.objects.filter(order=order, cleared_at__isnull=True).order_by("since", "id"))
        current_keys = {(r.reason, r.key) for r in current}
        episode = None if first is not None else RiskEpisode.objects.filter(order=order, ended_at__isnull=True).first()
        result = RiskRefresh(episode=episode)
        for risk in current:
            reason = found_by_key.get((risk.reason, risk.key))
            if reason is None:
                risk.cleared_at = now
                risk.save(update_fields=["cleared_at"])
                result.cleared.append(risk)
            else:
                if reason.params != risk.params:  # days overdue grow: kept current, no event
                    risk.params = reason.params
                    risk.save(update_fields=["params"])
                result.open.append(risk)
        new = [r for r in found if (r.code, r.key) not in current_keys]
        if new and episode is None:
            episode = RiskEpisode.objects.create(order=order, started_at=now)
            result.episode = episode
        for reason in new:
            assert episode is not None
            risk = OrderRisk.objects.create(order=order, episode=episode, reason=reason.code, key=reason.key,
                                            params=reason.params, clause=reason.clause, since=now)
            result.added.append(risk)
            result.open.append(risk)
        if result.cleared:
            event_record(actor=actor, action="order.risk_cleared", subject=order, clause="P2.4.d",
                         before={"risk_reasons": sorted({r.reason for r in result.cleared})},
                         after={"risk_reasons": sorted({r.reason for r in result.open})})
        if episode is not None and not result.open:
            episode.ended_at = now
            episode.save(update_fields=["ended_at"])
        if result.added:
            event_record(actor=actor, action="order.at_risk", subject=order, clause="P2.4.d",
                         after={"risk_reasons": sorted({r.reason for r in result.added})})
            added = list(result.added)
            notify_people(recipients=[order.sales_rep], kind="order_at_risk", order=order, actor=actor,
                          reason=lambda: reasons_summary(added))
    return result


def _escalation_recipients(rep: User) -> list[User]:
    leader = rep.leader
    if leader is not None and leader.is_active:
        return [leader]
    return list(User.objects.filter(groups__name=Role.LEADERSHIP, is_active=True).order_by("pk").distinct())


def risk_escalate(*, episode: RiskEpisode, now: datetime | None = None) -> bool:
    """P5.2.a: an order at risk for more than the configured days (ORDERTAKING_RISK_ESCALATION_DAYS)
    without a contingency plan goes to the rep's leader — all leadership when the rep has none — once
    per at-risk period. True when it was escalated now."""
    now = now or timezone.now()
    with transaction.atomic():
        order = _order_locked(episode.order)
        episode = RiskEpisode.objects.select_for_update().get(pk=episode.pk)
        if episode.ended_at is not None:
            return False
        due = rules.escalation_due(at_risk_since=timezone.localdate(episode.started_at),
                                   today=timezone.localdate(now), days=escalation_days(),
                                   has_plan=episode.plans.exists(), escalated=episode.escalated_at is not None)
        if not due:
            return False
        rep = User.objects.select_related("leader").get(pk=order.sales_rep_id)
        people = _escalation_recipients(rep)
        episode.escalated_at = now
        episode.save(update_fields=["escalated_at"])
        episode.escalated_to.set(people)
        event_record(actor=None, action="order.risk_escalated", subject=order, clause="P5.2.a",
                     after={"escalated_to": [str(p) for p in people],
                            "at_risk_since": timezone.localdate(episode.started_at).isoformat(),
                            "threshold": escalation_days()})
        open_risks = list(OrderRisk.objects.filter(episode=episode, cleared_at__isnull=True).order_by("since", "id"))
        since = timezone.localdate(episode.started_at).isoformat()
        notify_people(recipients=people, kind="risk_escalated", order=order, actor=None,
                      reason=lambda: _("At risk since %(since)s without a contingency plan (sales rep %(rep)s). "
                                       "%(reasons)s") % {"since": since, "rep": rep,
                                                        "reasons": reasons_summary(open_risks)})
    return True


def escalations_due(*, now: datetime | None = None) -> list[int]:
    """The open at-risk periods old enough to be looked at for escalation (the rule decides)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=escalation_days())
    return list(RiskEpisode.objects.filter(ended_at__isnull=True, escalated_at__isnull=True,
                                           started_at__lt=cutoff).order_by("started_at").values_list("pk", flat=True))


PLAN_MESSAGES = {
    "cause": lambda: _("Choose the cause."),
    "measures": lambda: _("Say what is being done about it."),
    "notified_person": lambda: _("Say who at the customer was told."),
    "notified_at": lambda: _("Say when the customer was told (not in the future)."),
    "notified_via": lambda: _("Say how the customer was told."),
    "notified_text": lambda: _("Say what the customer was told."),
    "new_delivery_date": lambda: _("The new promised date cannot be in the past."),
}


def contingency_plan_record(*, order: Order, actor: User, cause: str, measures: str, notified_person: str,
                            notified_at: datetime | None, notified_via: str, notified_text: str,
                            loss_reduction: str = "", new_delivery_date: date | None = None,
                            now: datetime | None = None) -> ContingencyPlan:
    """P5.2.a: record a contingency plan 应急预案 for an order being executed — by its sales rep or the
    order processing center. It belongs to the order's current at-risk period (if any), which stops
    that period's escalation. A new promised date stays on the plan: the order's delivery date changes
    only through a change request, back through review (P2.3)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        order = _order_locked(order)
        refusal = plan_refusal(actor, order)
        if refusal is not None:
            raise refusal
        if order.state not in EXECUTION_STATES:
            raise InvalidTransition(_("A contingency plan is recorded for an order being executed; this one is "
                                      "%(state)s.") % {"state": order.get_state_display()},
                                    code="invalid_transition", field="state")
        problem = rules.plan_problem(
            cause=cause, causes=set(ContingencyPlan.Cause.values), measures=measures or "",
            notified_person=notified_person or "", notified_via=notified_via,
            channels=set(ContingencyPlan.Channel.values), notified_text=notified_text or "",
            notified_on=timezone.localdate(notified_at) if notified_at else None,
            new_delivery_date=new_delivery_date, today=today)
        if problem is not None:
            field_name, code = problem
            raise ValidationFailed(PLAN_MESSAGES[code](), code="invalid_plan", field=field_name)
        assert notified_at is not None
        episode = RiskEpisode.objects.filter(order=order, ended_at__isnull=True).first()
        plan = ContingencyPlan.objects.create(
            order=order, episode=episode, cause=cause, measures=measures.strip(),
            loss_reduction=(loss_reduction or "").strip(), new_delivery_date=new_delivery_date,
            notified_person=notified_person.strip(), notified_at=notified_at, notified_via=notified_via,
            notified_text=notified_text.strip(), recorded_by=actor)
        after: dict[str, Any] = {"cause": cause, "notified_via": notified_via,
                                 "notified_person": plan.notified_person}
        if new_delivery_date is not None:
            after["new_delivery_date"] = new_delivery_date.isoformat()
        event_record(actor=actor, action="contingency_plan.recorded", subject=order, clause="P5.2.a",
                     after=after, message=plan.measures[:500])
    return plan


def plan_url(order: Order) -> str:
    return order_url(order.number, "progress")
