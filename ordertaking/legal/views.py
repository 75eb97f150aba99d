"""The legal pages (P5.3): the legal adviser's queue, the order page's legal panel and its opinion form,
the amount threshold, the compliance reviews with their checklist, sign-off and PDF. Thin: each calls
one service or selector."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from ordertaking.accounts.http import AuthedRequest
from ordertaking.accounts.models import User
from ordertaking.common.errors import DomainError
from ordertaking.common.links import order_url
from ordertaking.common.pages import domain_errors, forbidden, list_page, render_list

from . import selectors, services
from .documents import compliance_pdf
from .models import ComplianceItem, ComplianceReview, LegalReview, Result

PAGE_SIZE = 25


class HtmxRequest(AuthedRequest):  # what login_required and HtmxMiddleware add, for the type checker
    htmx: HtmxDetails


def _can(request: HttpRequest, capability: str) -> bool:
    return bool(request.user.is_authenticated and request.user.has_perm(f"accounts.{capability}"))


# --- the legal adviser's queue ------------------------------------------------------------------------

@login_required
@require_GET
def queue(request: AuthedRequest) -> HttpResponse:
    """Orders whose approval waits for the legal opinion (P5.3), oldest first; decided ones by filter."""
    if not selectors.may_see_legal(request.user):
        return forbidden(request, _("Legal advisers, leadership and auditors see the legal reviews (P5.3)."))
    state = request.GET.get("state", LegalReview.State.PENDING)
    if state not in LegalReview.State.values and state != "all":
        state = LegalReview.State.PENDING
    q = request.GET.get("q", "").strip()[:100]
    qs = selectors.legal_queue(user=request.user, state=state, q=q)
    listed = list_page(request, qs, page_size=PAGE_SIZE)
    ctx = {**listed.context(), "rows": selectors.queue_rows(list(listed.page.object_list)), "state": state, "q": q,
           "states": LegalReview.State.choices, "threshold": selectors.threshold_now(),
           "can_set_threshold": _can(request, "legal_rule_manage")}
    return render_list(request, "legal/queue.html", ctx)


# --- the order page's legal panel -------------------------------------------------------------------------

def _panel(request: HttpRequest, number: str, *, errors: dict[str, str] | None = None,
           values: dict[str, str] | None = None, status: int = 200) -> HttpResponse:
    order = selectors.order_for_legal(user=request.user, number=number)
    ctx = selectors.legal_panel_context(order=order, user=request.user)
    ctx.update(errors=errors or {}, values=values or {})
    return render(request, "legal/_panel.html", {"legal": ctx, "order": order}, status=status)


@login_required
@require_GET
@domain_errors
def panel(request: HttpRequest, number: str) -> HttpResponse:
    return _panel(request, number)


@login_required
@require_POST
@domain_errors(back=lambda request, number: order_url(number))
def opinion(request: HtmxRequest, number: str) -> HttpResponse:
    """The legal adviser's opinion on the order's current revision (P5.3)."""
    order = selectors.order_for_legal(user=request.user, number=number)
    outcome, text = request.POST.get("outcome", ""), request.POST.get("opinion", "")
    try:
        services.legal_opinion_record(order=order, actor=request.user, outcome=outcome, opinion=text)
    except DomainError as e:
        if not request.htmx:
            raise
        field = e.field if e.field in ("outcome", "opinion") else "general"
        return _panel(request, number, errors={field: str(e.message)}, values={"outcome": outcome, "opinion": text},
                      status=e.status)
    messages.success(request, _("Legal opinion recorded."))
    if request.htmx:
        response = _panel(request, number)
        response["HX-Refresh"] = "true"  # the review panel and the timeline change too
        return response
    return redirect("orders:detail", number=number)


# --- the threshold (leadership) -------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def threshold(request: AuthedRequest) -> HttpResponse:
    if not (_can(request, "legal_rule_manage") or selectors.may_see_legal(request.user)):
        return forbidden(request, _("Leadership sets the legal review threshold (P5.3)."))
    errors: dict[str, str] = {}
    values = {"amount": "", "note": ""}
    status = 200
    if request.method == "POST":
        if not _can(request, "legal_rule_manage"):
            return forbidden(request, _("Only leadership sets the legal review threshold."))
        values = {"amount": request.POST.get("amount", "").strip(), "note": request.POST.get("note", "")}
        try:
            services.legal_threshold_set(actor=request.user, amount=values["amount"], note=values["note"])
        except DomainError as e:
            errors[e.field or "general"] = str(e.message)
            status = e.status
        else:
            messages.success(request, _("Legal review threshold changed."))
            return redirect("legal:threshold")
    return render(request, "legal/threshold.html", {
        "threshold": selectors.threshold_now(), "history": selectors.threshold_history(),
        "can_set": _can(request, "legal_rule_manage"), "errors": errors, "values": values}, status=status)


# --- compliance reviews ----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def compliance_list(request: AuthedRequest) -> HttpResponse:
    if not _can(request, "compliance_review_view"):
        return forbidden(request, _("Legal advisers, leadership and auditors see the compliance reviews (P5.3)."))
    if request.method == "POST":
        raw = request.POST.get("period", "")
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            messages.error(request, _("Enter a valid date."))
            return redirect("legal:compliance_list")
        review, created = services.compliance_review_open(period_start=day, actor=request.user)
        if created:
            messages.success(request, _("Compliance review %(period)s opened.") % {"period": review})
        return redirect("legal:compliance", pk=review.pk)
    listed = list_page(request, selectors.compliance_reviews(user=request.user), page_size=PAGE_SIZE)
    return render_list(request, "legal/compliance_list.html", {
        **listed.context(), "can_open": _can(request, "compliance_review_manage")})


def _compliance_ctx(request: HttpRequest, review: ComplianceReview, *, errors: dict[int, dict[str, str]] | None = None,
                    values: dict[int, dict[str, str]] | None = None) -> dict[str, Any]:
    user = request.user
    rows = selectors.compliance_items(review)
    in_progress = review.state == ComplianceReview.State.IN_PROGRESS
    may_work = (in_progress and _can(request, "compliance_review_manage")
                and (user.pk == review.assignee_id or user.has_role("legal")))  # type: ignore[union-attr]
    sod = services.compliance_sod_refusal(review, user) if review.state == ComplianceReview.State.COMPLETED else None
    may_sign = (review.state == ComplianceReview.State.COMPLETED and _can(request, "compliance_review_manage")
                and user.has_role("leadership") and sod is None)  # type: ignore[union-attr]
    for row in rows:
        row["errors"] = (errors or {}).get(row["item"].pk, {})
        row["values"] = (values or {}).get(row["item"].pk, {})
    return {"review": review, "rows": rows, "may_work": may_work, "may_sign": may_sign, "sod_reason": sod,
            "results": Result.choices, "owners": selectors.follow_up_owners(),
            "unanswered": sum(1 for r in rows if not r["item"].result)}


@login_required
@require_GET
@domain_errors
def compliance(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.compliance_review_get(user=request.user, pk=pk)
    return render(request, "legal/compliance.html", _compliance_ctx(request, review))


@login_required
@require_POST
@domain_errors(back=lambda request, pk, item_pk: reverse("legal:compliance", args=[pk]))
def compliance_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    review = selectors.compliance_review_get(user=request.user, pk=pk)
    item = ComplianceItem.objects.filter(review=review, pk=item_pk).first()
    if item is None:
        return forbidden(request)
    p = request.POST
    values = {k: p.get(k, "") for k in ("result", "evidence", "follow_up", "follow_up_owner", "follow_up_due")}
    owner = User.objects.filter(pk=int(values["follow_up_owner"]), is_active=True).first() \
        if values["follow_up_owner"].isdigit() else None
    try:
        due = date.fromisoformat(values["follow_up_due"]) if values["follow_up_due"] else None
        services.compliance_item_record(item=item, actor=request.user, result=values["result"],
                                        evidence=values["evidence"], follow_up=values["follow_up"],
                                        follow_up_owner=owner, follow_up_due=due)
    except ValueError:
        errs = {"follow_up_due": _("Enter a valid date.")}
    except DomainError as e:
        if e.status == 403:
            raise
        errs = {e.field or "general": str(e.message)}
    else:
        messages.success(request, _("Item %(n)s recorded.") % {"n": item.position})
        return redirect(reverse("legal:compliance", args=[pk]) + f"#item-{item.position}")
    review.refresh_from_db()
    return render(request, "legal/compliance.html",
                  _compliance_ctx(request, review, errors={item.pk: errs}, values={item.pk: values}), status=422)


@login_required
@require_POST
@domain_errors(back=lambda request, pk: reverse("legal:compliance", args=[pk]))
def compliance_complete(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.compliance_review_get(user=request.user, pk=pk)
    services.compliance_review_complete(review=review, actor=request.user, summary=request.POST.get("summary", ""))
    messages.success(request, _("Compliance review completed: it goes to leadership for sign-off."))
    return redirect("legal:compliance", pk=pk)


@login_required
@require_POST
@domain_errors(back=lambda request, pk: reverse("legal:compliance", args=[pk]))
def compliance_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.compliance_review_get(user=request.user, pk=pk)
    services.compliance_review_sign_off(review=review, actor=request.user, comment=request.POST.get("comment", ""))
    messages.success(request, _("Compliance review signed off."))
    return redirect("legal:compliance", pk=pk)


@login_required
@require_GET
@domain_errors
def compliance_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.compliance_review_get(user=request.user, pk=pk)
    return compliance_pdf(review)
