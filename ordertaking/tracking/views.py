"""Tracking pages (P2.4.d, P5.2.a): the progress panel of the order page, the at-risk list, the
contingency plan form. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ordertaking.accounts.http import AuthedRequest
from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.common.errors import DomainError
from ordertaking.common.links import order_url
from ordertaking.common.pages import domain_errors, forbidden, list_page, put_error, render_list
from ordertaking.orders import selectors as orders_selectors
from ordertaking.orders.models import Order
from ordertaking.orders.states import EXECUTION_STATES

from . import selectors, services
from .forms import ContingencyPlanForm
from .models import ContingencyPlan, OrderRisk
from .permissions import may_record_plan
from .progress import order_progress
from .reasons import reason_text

PAGE_SIZE = 25


def _order(request: AuthedRequest, number: str) -> Order:
    return orders_selectors.order_get(user=request.user, number=number)


def panel_context(request: AuthedRequest, order: Order) -> dict[str, Any]:
    risks = selectors.order_risks(order)
    for r in risks:
        r.text = reason_text(r.reason, r.params)  # type: ignore[attr-defined]
    plans = selectors.order_plans(order, request.user)
    episode = selectors.open_episode(order)
    return {"order": order, "progress": order_progress(order),
            "open_risks": [r for r in risks if r.cleared_at is None],
            "cleared_risks": [r for r in risks if r.cleared_at is not None][:10],
            "plans": plans, "episode": episode,
            "can_record_plan": order.state in EXECUTION_STATES and may_record_plan(request.user, order)}


@login_required
@require_GET
@domain_errors
def panel(request: AuthedRequest, number: str) -> HttpResponse:
    """"Progress against plan" on the order page (orders/detail.html loads it): milestones and tasks with
    planned and actual dates, the reasons the order is at risk, its contingency plans."""
    order = _order(request, number)
    if order.approved_at:
        # Risks are recorded as their facts change and by the daily job; the page the rep reads is
        # also checked again when it is shown, so it never says "on track" about a node missed today.
        services.order_risk_refresh(order=order)
    return render(request, "tracking/_panel.html", panel_context(request, order))


@login_required
@require_GET
def risk_list(request: AuthedRequest) -> HttpResponse:
    """Orders at risk (P2.4.d): a rep's own; the order center, leadership and the roles that see every
    order, all of them — with filters by rep, reason, plan and escalation."""
    user = request.user
    if not (user.has_perm("accounts.order_view_all") or user.has_perm("accounts.order_enter")):
        return forbidden(request)
    f = {k: request.GET.get(k, "").strip() for k in ("q", "rep", "reason", "plan", "escalated", "sort")}
    rep_id = int(f["rep"]) if f["rep"].isdigit() and len(f["rep"]) < 10 else None
    qs = selectors.at_risk_list(user=user, rep_id=rep_id, reason=f["reason"] if f["reason"] in OrderRisk.Reason.values
                                else "", plan=f["plan"], escalated=f["escalated"], q=f["q"][:60],
                                sort=f["sort"] or "since")
    listed = list_page(request, qs, page_size=PAGE_SIZE)
    rows = []
    today = timezone.localdate()
    for ep in listed.page.object_list:
        rows.append({"episode": ep, "order": ep.order,
                     "reasons": [reason_text(r.reason, r.params) for r in ep.open_risks],
                     "days": (today - timezone.localdate(ep.started_at)).days})
    reps = (User.objects.filter(groups__name=Role.SALES, is_active=True).order_by("username").distinct()
            if user.has_perm("accounts.order_view_all") else [])
    ctx = {**listed.context(), "rows": rows, "f": f, "reps": reps, "reasons": OrderRisk.Reason.choices,
           "escalation_days": services.escalation_days()}
    return render_list(request, "tracking/risks.html", ctx, partial="risk-table")


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors(back=lambda request, number: order_url(number))
def plan_new(request: AuthedRequest, number: str) -> HttpResponse:
    """Record a contingency plan 应急预案 (P5.2.a) for an order being executed."""
    order = _order(request, number)
    if not may_record_plan(request.user, order):
        return forbidden(request, _("Only the order's sales rep or the order processing center records a "
                                    "contingency plan."))
    initial = {"notified_person": order.contact_name,
               "notified_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = ContingencyPlanForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.contingency_plan_record(order=order, actor=request.user, **form.cleaned_data)
            except DomainError as e:
                if e.status == 403:
                    raise
                status = e.status
                put_error(form, e)
            else:
                messages.success(request, _("Contingency plan recorded."))
                return redirect(order_url(order.number, "progress"))
    risks = selectors.order_risks(order, include_cleared=False)
    return render(request, "tracking/plan_form.html",
                  {"order": order, "form": form, "reasons": [reason_text(r.reason, r.params) for r in risks],
                   "causes": ContingencyPlan.Cause.choices}, status=status)
