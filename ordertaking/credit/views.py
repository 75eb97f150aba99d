"""Credit pages (P5.1): finance's queue, a customer's credit file, evaluations, holds, guarantees."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from ordertaking.audit.selectors import timeline
from ordertaking.common.errors import DomainError, NotFound, ValidationFailed
from ordertaking.common.pages import domain_errors, list_page, put_error

from . import selectors, services
from .forms import DecisionForm, EvaluationForm, GuaranteeForm, ReleaseForm

FACTOR_LABELS = {"qualification": _l("Qualification (资质)"), "financial": _l("Financial status (财务状况)"),
                 "reputation": _l("Business reputation (商业信誉)"), "payment": _l("Payment record (付款记录)")}


HOLDS_PER_PAGE = 50


@login_required
@domain_errors
def queue(request: HttpRequest) -> HttpResponse:
    """P5.1: holds waiting with their figures, evaluations to approve, customers to evaluate (P5.1.b)."""
    user: Any = request.user
    # Every hold is reachable: the holds are paged with their total, never cut at the first 100.
    holds = list_page(request, selectors.holds_waiting(user), page_size=HOLDS_PER_PAGE)
    return render(request, "credit/queue.html", {
        "holds": list(holds.page), "holds_page": holds.page, "holds_query": holds.query,
        "evaluations": list(selectors.evaluations_awaiting(user)[:100]),
        "waiting": list(selectors.customers_waiting_for_evaluation(user)[:100]),
        "can_release": user.has_perm("accounts.credit_release") or user.has_perm("accounts.credit_release_unlimited"),
    })


@login_required
@domain_errors
def customer(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    ctx = selectors.customer_credit_for(user, pk)
    ctx["position"] = selectors.position(ctx["customer"])
    current = ctx["credit"].evaluation if ctx["credit"] else None
    ctx["current"] = current
    ctx["factors"] = _factor_rows(current) if current else []
    ctx["events"] = timeline(ctx["customer"])
    ctx["can_evaluate"] = user.has_perm("accounts.credit_evaluate")
    ctx["can_guarantee"] = user.has_perm("accounts.finance_manage")
    return render(request, "credit/customer.html", ctx)


def _factor_rows(ev: Any) -> list[dict[str, Any]]:
    fs = ev.factor_scores or {}
    rows = []
    for key, label in FACTOR_LABELS.items():
        rows.append({"key": key, "label": label, "score": fs.get("factors", {}).get(key),
                     "weight": fs.get("weights", {}).get(key),
                     "contribution": fs.get("contributions", {}).get(key)})
    return rows


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    """P5.1.a: finance proposes an evaluation; the form keeps what was typed on error."""
    user: Any = request.user
    cust = selectors.customer_for(user, pk)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ev = services.credit_evaluation_propose(customer=cust, actor=user, **form.cleaned_data)
        except DomainError as e:
            put_error(form, e)
        else:
            messages.success(request, _("Evaluation proposed: rating %(r)s, score %(s)s. A second person must "
                                        "approve it.") % {"r": ev.rating, "s": ev.score})
            return redirect("credit:evaluation", pk=ev.pk)
    return render(request, "credit/evaluate.html", {"customer": cust, "form": form},
                  status=422 if form.errors else 200)


@login_required
@domain_errors
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    ev = selectors.evaluation_for(user, pk)
    return render(request, "credit/evaluation.html", {
        "ev": ev, "factors": _factor_rows(ev), "form": DecisionForm(),
        "can_decide": (user.has_perm("accounts.credit_evaluation_approve") and ev.proposed_by_id != user.pk
                       and ev.state == "proposed")})


@login_required
@domain_errors
@require_POST
def evaluation_decide(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    user: Any = request.user
    if verb not in ("approve", "reject"):
        raise Http404("unknown action")
    ev = selectors.evaluation_for(user, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    try:
        if verb == "approve":
            services.credit_evaluation_approve(evaluation=ev, actor=user, comment=comment)
            messages.success(request, _("Evaluation approved: the rating and limit are in force."))
        else:
            services.credit_evaluation_reject(evaluation=ev, actor=user, comment=comment)
            messages.info(request, _("Evaluation rejected."))
    except DomainError as e:
        put_error(form, e)
        return render(request, "credit/evaluation.html", {"ev": ev, "factors": _factor_rows(ev), "form": form,
                                                          "can_decide": True}, status=e.status)
    return redirect("credit:evaluation", pk=ev.pk)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def hold(request: HttpRequest, pk: int) -> HttpResponse:
    """P5.1: a hold's figures and, for finance or leadership, the release form (reason required)."""
    user: Any = request.user
    h = selectors.hold_for(user, pk)
    form = ReleaseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.credit_hold_release(hold=h, actor=user, reason=form.cleaned_data["reason"])
            except DomainError as e:
                put_error(form, e)
                status = e.status
            else:
                messages.success(request, _("Order %(n)s released from credit hold.") % {"n": h.order.number})
                return redirect("credit:queue")
        else:
            status = 422
    authority = services.policy_current().finance_release_authority
    return render(request, "credit/hold.html", {
        "hold": h, "form": form, "authority": authority, "events": timeline(h.order),
        "position": selectors.position(h.customer),
        "can_release": (user.has_perm("accounts.credit_release") or user.has_perm("accounts.credit_release_unlimited"))
        and h.is_open}, status=status)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def guarantee_new(request: HttpRequest, pk: int) -> HttpResponse:
    """P5.1.b: finance records a deposit, guarantor or letter of credit with amount and validity."""
    user: Any = request.user
    cust = selectors.customer_for(user, pk)
    today = timezone.localdate()
    form = GuaranteeForm(request.POST or None, initial={"valid_from": today})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        number = data.pop("order_number", "").strip()
        try:
            order = selectors.order_for_finance(user, number) if number else None
        except NotFound:
            form.add_error("order_number", _("No order with this number."))
        else:
            try:
                services.guarantee_record(customer=cust, actor=user, order=order, **data)
            except DomainError as e:
                put_error(form, e)
            else:
                messages.success(request, _("Guarantee recorded."))
                return redirect("credit:customer", pk=cust.pk)
    return render(request, "credit/guarantee_form.html", {"customer": cust, "form": form},
                  status=422 if form.errors else 200)


BAND_FIELDS = ("rating", "min_score", "limit", "payment_kinds", "max_term_days", "guarantee_required")
KINDS = ("prepayment", "cod", "credit")


def _bands_from_post(post: Any) -> list[dict[str, Any]]:
    bands = []
    for i in range(8):
        rating = post.get(f"band-{i}-rating", "").strip()
        if not rating:
            continue
        bands.append({"rating": rating[:4], "min_score": post.get(f"band-{i}-min_score", ""),
                      "limit": post.get(f"band-{i}-limit", ""),
                      "payment_kinds": [k for k in KINDS if post.get(f"band-{i}-kind-{k}")],
                      "max_term_days": post.get(f"band-{i}-max_term_days", "0") or "0",
                      "guarantee_required": bool(post.get(f"band-{i}-guarantee_required"))})
    return bands


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest) -> HttpResponse:
    """P5.1.a: the scorecard finance maintains; each save is a new version, the old ones stay."""

    user: Any = request.user
    selectors.require_finance_view(user)
    current = services.policy_current()
    error, field = "", ""
    values: dict[str, Any] = {
        "weights": {"qualification": current.weight_qualification, "financial": current.weight_financial,
                    "reputation": current.weight_reputation, "payment": current.weight_payment},
        "bands": list(current.bands) + [{}] * max(0, 6 - len(current.bands)),
        "finance_release_authority": current.finance_release_authority,
        "watch_overdue_days": current.watch_overdue_days, "stop_overdue_days": current.stop_overdue_days,
        "limit_cut_percent": current.limit_cut_percent, "term_cut_days": current.term_cut_days,
        "near_limit_percent": current.near_limit_percent, "note": ""}
    status = 200
    if request.method == "POST":
        p = request.POST
        values.update({
            "weights": {k: p.get(f"w_{k}", "") for k in ("qualification", "financial", "reputation", "payment")},
            "bands": _bands_from_post(p), "finance_release_authority": p.get("finance_release_authority", ""),
            **{k: p.get(k, "") for k in ("watch_overdue_days", "stop_overdue_days", "limit_cut_percent",
                                           "term_cut_days", "near_limit_percent", "note")}})
        try:
            ints = {}
            for k in ("watch_overdue_days", "stop_overdue_days", "limit_cut_percent", "term_cut_days",
                      "near_limit_percent"):
                try:
                    ints[k] = int(values[k])
                except (TypeError, ValueError):
                    raise ValidationFailed(_("Enter a whole number."), field=k) from None
            weights = {}
            for k, v in values["weights"].items():
                try:
                    weights[k] = int(v)
                except (TypeError, ValueError):
                    raise ValidationFailed(_("Enter a whole number."), field="weights") from None
            new = services.scorecard_policy_propose(actor=user, weights=weights, bands=values["bands"],
                                                   finance_release_authority=values["finance_release_authority"],
                                                   note=values["note"], **ints)
        except DomainError as e:
            error, field, status = str(e.message), e.field or "", e.status
            values["bands"] = values["bands"] + [{}] * max(0, 6 - len(values["bands"]))
        else:
            messages.success(request, _("Scorecard version %(v)s proposed: it takes effect once a leader "
                                        "approves it.") % {"v": new.version})
            return redirect("credit:policy")
    return _policy_page(request, current, values, error, field, status)


def _policy_page(request: HttpRequest, current: Any, values: dict[str, Any], error: str, field: str,
                 status: int) -> HttpResponse:
    from .models import ScorecardPolicy

    user: Any = request.user
    pending = services.policy_pending()
    return render(request, "credit/policy.html", {
        "current": current, "values": values, "error": error, "error_field": field, "kinds": KINDS,
        "history": ScorecardPolicy.objects.select_related("created_by", "decided_by")[:20],
        "pending": pending,
        # issue 8: the proposer never decides their own change; the page says so instead of the buttons.
        "can_decide": pending is not None and user.has_perm("accounts.finance_policy_approve")
        and pending.created_by_id != user.pk,
        "can_edit": user.has_perm("accounts.finance_policy_manage") and pending is None}, status=status)


@login_required
@domain_errors
@require_POST
def policy_decide(request: HttpRequest, version: int, verb: str) -> HttpResponse:
    """Leadership approves or rejects the proposed scorecard version (P5.1.a, issue 8)."""
    from .models import ScorecardPolicy

    user: Any = request.user
    selectors.require_finance_view(user)
    if verb not in ("approve", "reject"):
        raise Http404("unknown action")
    policy = ScorecardPolicy.objects.filter(version=version).first()
    if policy is None:
        raise Http404("no such version")
    comment = request.POST.get("comment", "")
    try:
        if verb == "approve":
            services.scorecard_policy_approve(policy=policy, actor=user, comment=comment)
            messages.success(request, _("Scorecard version %(v)s is in force.") % {"v": policy.version})
        else:
            services.scorecard_policy_reject(policy=policy, actor=user, comment=comment)
            messages.info(request, _("Scorecard version %(v)s rejected.") % {"v": policy.version})
    except DomainError as e:
        if e.status == 403:
            from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

            raise DjangoPermissionDenied(str(e.message)) from e
        messages.error(request, str(e.message))
    return redirect("credit:policy")


@login_required
def payment_options(request: HttpRequest) -> HttpResponse:
    """While an order is entered (HTMX on the customer): the payment methods this customer may use,
    with its credit rating's limits (P2.3.a, P5.1.a); the payment select keeps only those."""
    from ordertaking.customers.selectors import customers_visible

    raw = request.GET.get("customer", "")
    customer = (customers_visible(user=request.user).filter(pk=int(raw)).first()
                if raw.isdigit() and request.user.has_perm("accounts.order_enter") else None)
    if customer is None:
        return render(request, "credit/_payment_options.html", {"customer": None})
    options = selectors.payment_options_for(customer)
    chosen = request.GET.get("payment_method", "")
    usable = [o for o in options if o["usable"]]
    return render(request, "credit/_payment_options.html", {
        "customer": customer, "options": options, "usable": usable, "position": selectors.position(customer),
        "chosen": int(chosen) if chosen.isdigit() and any(o["method"].pk == int(chosen) for o in usable) else None})
