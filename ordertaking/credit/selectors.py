"""Reads for credit (P5.1): queues, a customer's position, reconciliation figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.accounts.models import User
from ordertaking.common.errors import NotFound
from ordertaking.common.queues import Queue
from ordertaking.customers.models import Customer
from ordertaking.orders.models import Order
from ordertaking.orders.states import OPEN_STATES, OrderState

from .models import CreditEvaluation, CreditHold, CustomerCredit, Guarantee

ZERO = Decimal("0.00")
# States in which an order counts as approved for exposure: approved and any later execution state.
NOT_APPROVED_STATES = frozenset(OPEN_STATES) | {OrderState.CANCELLED}


def _can_view(user: User) -> bool:
    return bool(user.is_authenticated and user.has_perm("accounts.finance_view"))


def require_finance_view(user: User) -> None:
    if not _can_view(user):
        raise NotFound("not found")


def holds_waiting(user: User) -> QuerySet[CreditHold]:
    require_finance_view(user)
    return (CreditHold.objects.filter(state=CreditHold.State.OPEN, order__state=OrderState.CREDIT_HOLD)
            .select_related("order", "customer", "order__sales_rep", "order__entered_by").order_by("created_at"))


def evaluations_awaiting(user: User) -> QuerySet[CreditEvaluation]:
    require_finance_view(user)
    return (CreditEvaluation.objects.filter(state=CreditEvaluation.State.PROPOSED)
            .select_related("customer", "proposed_by", "policy").order_by("proposed_at"))


def customers_waiting_for_evaluation(user: User) -> QuerySet[Customer]:
    """P5.1.b: customers with an order under way and no approved evaluation."""
    require_finance_view(user)
    evaluated = CustomerCredit.objects.filter(customer=OuterRef("pk"), evaluation__isnull=False)
    active_order = Order.objects.filter(customer=OuterRef("pk"),
                                        state__in=[OrderState.SUBMITTED, OrderState.CREDIT_HOLD])
    pending = CreditEvaluation.objects.filter(customer=OuterRef("pk"), state=CreditEvaluation.State.PROPOSED)
    return (Customer.objects.annotate(has_eval=Exists(evaluated), has_order=Exists(active_order),
                                      pending=Exists(pending))
            .filter(has_eval=False, has_order=True).select_related("sales_rep").order_by("name"))


def customer_credit_for(user: User, customer_id: int) -> dict[str, Any]:
    require_finance_view(user)
    customer = Customer.objects.filter(pk=customer_id).select_related("sales_rep").first()
    if customer is None:
        raise NotFound("not found")
    credit = CustomerCredit.objects.filter(customer=customer).select_related("evaluation").first()
    return {
        "customer": customer,
        "credit": credit,
        "evaluations": list(customer.credit_evaluations.select_related("proposed_by", "decided_by", "policy")[:20]),
        "guarantees": list(customer.guarantees.select_related("order", "recorded_by")[:20]),
        "holds": list(customer.credit_holds.select_related("order", "released_by")[:20]),
    }


def evaluation_for(user: User, pk: int) -> CreditEvaluation:
    require_finance_view(user)
    ev = CreditEvaluation.objects.filter(pk=pk).select_related("customer", "policy", "proposed_by",
                                                               "decided_by").first()
    if ev is None:
        raise NotFound("not found")
    return ev


def hold_for(user: User, pk: int) -> CreditHold:
    require_finance_view(user)
    hold = CreditHold.objects.filter(pk=pk).select_related("order", "customer").first()
    if hold is None:
        raise NotFound("not found")
    return hold


def near_limit(user: User, percent: int) -> list[CustomerCredit]:
    """Customers whose exposure has reached `percent` of their limit (P3.6 early warning)."""
    require_finance_view(user)
    rows = CustomerCredit.objects.filter(evaluation__isnull=False).select_related("customer")
    result = []
    for c in rows:
        if c.credit_limit > 0 and c.exposure * 100 >= c.credit_limit * percent or (
                c.credit_limit == 0 and c.exposure > 0):
            result.append(c)
    return sorted(result, key=lambda c: c.available)


def customer_for(user: User, pk: int) -> Customer:
    """A customer as finance sees it (404 for anyone without finance_view)."""
    require_finance_view(user)
    customer = Customer.objects.filter(pk=pk).select_related("sales_rep").first()
    if customer is None:
        raise NotFound("not found")
    return customer


def order_for_finance(user: User, number: str) -> Order:
    require_finance_view(user)
    order = Order.objects.filter(number=number).select_related("customer", "payment_method").first()
    if order is None:
        raise NotFound("not found")
    return order


def position(customer: Customer) -> dict[str, Any]:
    """The customer's credit figures for pages and the API."""
    credit = CustomerCredit.objects.filter(customer=customer).first()
    if credit is None:
        return {"customer_id": customer.pk, "evaluated": False, "rating": "", "credit_limit": ZERO,
                "approved_uninvoiced": ZERO, "invoiced_unpaid": ZERO, "exposure": ZERO, "available": ZERO,
                "payment_kinds": [], "max_term_days": 0, "guarantee_required": False, "on_stop": False,
                "risk_level": 0, "evaluation_id": None}
    return {"customer_id": customer.pk, "evaluated": credit.is_evaluated, "rating": credit.rating,
            "credit_limit": credit.credit_limit, "approved_uninvoiced": credit.approved_uninvoiced,
            "invoiced_unpaid": credit.invoiced_unpaid, "exposure": credit.exposure, "available": credit.available,
            "payment_kinds": credit.payment_kinds, "max_term_days": credit.max_term_days,
            "guarantee_required": credit.guarantee_required, "on_stop": credit.on_stop,
            "risk_level": credit.risk_level, "evaluation_id": credit.evaluation_id}


def home_queues(user: Any) -> list[Queue]:
    """Home page cards: holds to decide, evaluations to approve (not one's own). The dunning tasks
    and credit alerts are finance's cards (finance.selectors.home_queues)."""
    queues: list[Queue] = []
    if user.has_perm("accounts.credit_release") or user.has_perm("accounts.credit_release_unlimited"):
        holds = holds_waiting(user)
        queues.append(Queue(key="credit_holds", title=_("Orders on credit hold"), count=holds.count(),
                            items=[{"label": h.order.number, "url": reverse("credit:hold", args=[h.pk]),
                                    "meta": f"{h.customer.name} +¥{h.excess:,.2f}", "is_order": True}
                                   for h in holds[:5]],
                            url=reverse("credit:queue"), empty_text=_("No order is waiting on credit hold.")))
    if user.has_perm("accounts.credit_evaluation_approve") and _can_view(user):
        evs = evaluations_awaiting(user).exclude(proposed_by_id=user.pk)
        queues.append(Queue(key="credit_evaluations", title=_("Credit evaluations to approve"), count=evs.count(),
                            items=[{"label": ev.customer.name, "url": reverse("credit:evaluation", args=[ev.pk]),
                                    "meta": f"{ev.rating} · {ev.score}"} for ev in evs[:5]],
                            url=reverse("credit:queue"), empty_text=_("Nothing to approve.")))
    return queues


def payment_options_for(customer: Customer) -> list[dict[str, Any]]:
    """Each active payment method with whether this customer may use it and, if not, why: granted to
    the customer or open to all (P2.3.a), a kind its credit rating allows, a term within its longest
    term (P5.1.a, P3.6). The same facts the review checks; shown while the order is entered."""
    from ordertaking.catalog.models import PaymentMethod

    credit = CustomerCredit.objects.filter(customer=customer).first()
    granted = set(customer.allowed_payment_methods.values_list("pk", flat=True))
    out: list[dict[str, Any]] = []
    for m in PaymentMethod.objects.filter(active=True).order_by("term_days", "code"):
        why = ""
        if not (m.open_to_all or m.pk in granted):
            why = _("not granted to this customer")
        elif credit is not None and credit.is_evaluated and m.kind not in (credit.payment_kinds or []):
            why = _("not allowed by its credit rating")
        elif credit is not None and credit.is_evaluated and m.term_days > credit.max_term_days:
            why = _("term longer than its rating allows")
        out.append({"method": m, "usable": not why, "why": why})
    return out


# ---------------------------------------------------------------- guarantees and releases (P5.1), read by
# the review's findings (checks.py) and the approval's gate (services.credit_order_gate)

def guarantee_covers(*, order: Order, today: date | None = None) -> bool:
    """P5.1.b: a guarantee valid today, for this order or for all the customer's orders."""
    day = today or timezone.localdate()
    return Guarantee.objects.filter(Q(order=order) | Q(order__isnull=True), customer_id=order.customer_id,
                                    valid_from__lte=day, valid_until__gte=day).exists()


def released_allowance_of(holds: list[CreditHold]) -> Decimal:
    """The excess a releaser accepted, if the order's latest hold (holds newest first) was released."""
    if holds and holds[0].state == CreditHold.State.RELEASED:
        return holds[0].allowed_excess
    return Decimal("0.00")


def holds_since_approval(order: Order) -> QuerySet[CreditHold]:
    """The order's holds of the current approval round: a change after approval (P2.3) starts a new one,
    so an excess accepted before the last approval is not accepted again for the change."""
    holds = CreditHold.objects.filter(order=order)
    if order.approved_total > 0 and order.approved_at is not None:
        holds = holds.filter(created_at__gt=order.approved_at)
    return holds


def released_allowance(order: Order) -> Decimal:
    return released_allowance_of(list(holds_since_approval(order).order_by("-created_at", "-id")[:1]))
