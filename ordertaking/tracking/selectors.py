"""Reads of tracking scoped to the user (P2.4.d, P5.2.a): an order's risks and plans to whoever may
see the order; the at-risk list — a sales rep their own orders, the order center, leadership and the
other roles that see every order, all of them."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from ordertaking.common.links import order_url
from ordertaking.common.queues import Queue
from ordertaking.deliveries.selectors import person_shown
from ordertaking.orders.permissions import may_view_all
from ordertaking.orders.selectors import order_contact_visible, visible_orders
from ordertaking.orders.states import EXECUTION_STATES

from .models import ContingencyPlan, OrderRisk, RiskEpisode
from .reasons import reason_text

SORTS = {
    "since": ("started_at", "id"),
    "-since": ("-started_at", "-id"),
    "delivery": ("order__delivery_date", "id"),
    "-delivery": ("-order__delivery_date", "-id"),
    "number": ("order__number",),
    "-number": ("-order__number",),
}


def open_risks_prefetch() -> Prefetch:
    return Prefetch("risks", queryset=OrderRisk.objects.filter(cleared_at__isnull=True).order_by("since", "id"),
                    to_attr="open_risks")


def at_risk_list(*, user: Any, rep_id: int | None = None, reason: str = "", plan: str = "",
                 escalated: str = "", q: str = "", sort: str = "since") -> QuerySet[RiskEpisode]:
    """The open at-risk periods of the orders the user may see, each with its order, customer, rep and
    open reasons (one query each, whatever the page size), and whether a plan was recorded."""
    qs = RiskEpisode.objects.filter(ended_at__isnull=True, order__state__in=EXECUTION_STATES)
    if not may_view_all(user):
        qs = qs.filter(order__in=visible_orders(user).values("pk"))
    if rep_id:
        qs = qs.filter(order__sales_rep_id=rep_id)
    if reason:
        qs = qs.filter(Exists(OrderRisk.objects.filter(episode=OuterRef("pk"), cleared_at__isnull=True,
                                                       reason=reason)))
    has_plan = Exists(ContingencyPlan.objects.filter(episode=OuterRef("pk")))
    qs = qs.annotate(has_plan=has_plan)
    if plan == "with":
        qs = qs.filter(has_plan=True)
    elif plan == "without":
        qs = qs.filter(has_plan=False)
    if escalated == "yes":
        qs = qs.filter(escalated_at__isnull=False)
    elif escalated == "no":
        qs = qs.filter(escalated_at__isnull=True)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(order__number__icontains=q) | Q(order__customer__name__icontains=q))
    return (qs.select_related("order", "order__customer", "order__sales_rep")
            .prefetch_related(open_risks_prefetch())
            .order_by(*SORTS.get(sort, SORTS["since"])))


def order_risks(order: Any, *, include_cleared: bool = True) -> list[OrderRisk]:
    qs = OrderRisk.objects.filter(order=order)
    if not include_cleared:
        qs = qs.filter(cleared_at__isnull=True)
    return list(qs.order_by("cleared_at", "-since", "-id") if include_cleared else qs.order_by("since", "id"))


def order_plans(order: Any, user: Any) -> list[ContingencyPlan]:
    """The order's plans, newest first, each with `person_shown`: who at the customer was told, as `user` may
    see them (P4.1.c, the order's contact rule: in full for the order's rep, whoever entered it and the holders
    of a duty for the customer; masked, 刘**, for everyone else)."""
    plans = list(ContingencyPlan.objects.filter(order=order).select_related("recorded_by")
                 .order_by("-recorded_at", "-id"))
    return plans_shown(plans, order, user)


def plans_shown(plans: list[ContingencyPlan], order: Any, user: Any) -> list[ContingencyPlan]:
    visible = order_contact_visible(user, order) if plans else True
    for plan in plans:
        plan.person_shown = person_shown(plan.notified_person, visible)  # type: ignore[attr-defined]
    return plans


def open_episode(order: Any) -> RiskEpisode | None:
    return (RiskEpisode.objects.filter(order=order, ended_at__isnull=True)
            .annotate(plan_count=Count("plans")).first())


def home_queues(user: Any) -> list[Queue]:
    """The "at risk" card: a sales rep's own orders at risk with the reason (P2.4.d); the order center
    and leadership see every order at risk."""
    if not (user.has_perm("accounts.contingency_plan_record") or user.has_role("leadership")):
        return []
    qs = at_risk_list(user=user)
    items = []
    for ep in qs[:5]:
        risks = ep.open_risks  # type: ignore[attr-defined]
        meta = reason_text(risks[0].reason, risks[0].params) if risks else ""
        if len(risks) > 1:
            meta += " " + _("(+%(n)s more)") % {"n": len(risks) - 1}
        if not ep.has_plan:  # type: ignore[attr-defined]
            meta += " · " + _("no plan yet")
        items.append({"label": ep.order.number, "url": order_url(ep.order.number, "progress"),
                      "meta": meta, "is_order": True})
    title = _("My orders at risk") if not may_view_all(user) else _("Orders at risk")
    return [Queue(key="at_risk", title=title, count=qs.count(), items=items, url=reverse("tracking:risks"),
                  empty_text=_("No order at risk."))]
