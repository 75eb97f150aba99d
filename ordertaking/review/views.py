"""Review pages (P2.3, P3.3): the review queue, the review panel of the order page, the submit
hand-off, the leaders' special approval queue.

Thin: parse, call one selector or service, render. The panel actions answer an HTMX request
with the re-rendered panel (errors beside their field, what was typed kept); a plain POST is
answered with a redirect to the order page on success, or the order page with the panel and
its errors. There is one order page, the orders app's (orders.views.order_page).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from ordertaking.accounts.http import AuthedRequest
from ordertaking.accounts.models import User
from ordertaking.common.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from ordertaking.common.links import order_url
from ordertaking.common.pages import domain_errors, forbidden, list_page, render_list
from ordertaking.orders import selectors as orders_selectors
from ordertaking.orders.models import Order
from ordertaking.orders.states import OrderState
from ordertaking.orders.views import order_page

from . import selectors, services
from .models import SpecialApproval

PAGE_SIZE = 25


class HttpRequest(AuthedRequest):  # what login_required and HtmxMiddleware add, for the type checker
    htmx: HtmxDetails


def _get_order(request: HttpRequest, number: str) -> Order:
    try:
        return selectors.order_for_review(user=request.user, number=number)
    except NotFound as e:
        raise Http404(str(e.message)) from e


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """待审核 orders, oldest first (P3.3)."""
    if not request.user.has_perm("accounts.order_review"):
        return forbidden(request)
    f = {k: request.GET.get(k, "").strip() for k in ("q", "blocking", "special", "sales_rep", "sort")}
    qs = selectors.review_queue(user=request.user, q=f["q"], blocking=f["blocking"], special=f["special"],
                                sales_rep=f["sales_rep"], sort=f["sort"] or "submitted_at")
    listed = list_page(request, qs, page_size=PAGE_SIZE)
    rows = [{"order": o, "age": selectors.age_days(o.submitted_at)} for o in listed.page.object_list]
    ctx = {**listed.context(), "rows": rows, "f": f,
           "reps": User.objects.filter(groups__name="sales").order_by("username").distinct(),
           "special_states": SpecialApproval.State.choices}
    return render_list(request, "review/queue.html", ctx, partial="queue-table")


def _panel_ctx(request: HttpRequest, order: Order, errors: dict[str, str] | None = None,
               values: dict[str, str] | None = None) -> dict[str, Any]:
    review = selectors.review_panel_context(order=order, user=request.user)
    review["errors"] = errors or {}
    review["values"] = values or {}
    return {"order": order, "user": request.user, "review": review}


@login_required
@require_GET
def panel(request: HttpRequest, number: str) -> HttpResponse:
    """The review panel of the order page (orders/detail.html loads it): findings, opinions,
    special approvals, and the actions the user may take (P2.3)."""
    order = _get_order(request, number)
    return render(request, "review/_panel.html", _panel_ctx(request, order))


@login_required
@require_POST
@domain_errors(back=lambda request, number: order_url(number))
def order_submit(request: HttpRequest, number: str) -> HttpResponse:
    """The order page's "Submit for review" (P2.2.a → P2.3), mounted at /orders/<number>/submit/ as
    orders:submit by ordertaking/urls.py. Not found, not allowed, or refused: `domain_errors`."""
    order = orders_selectors.order_get(user=request.user, number=number)
    try:
        services.order_submit(order=order, actor=request.user)
    except ValidationFailed as e:
        # P2.2.a: the incompletion log, each item beside its field and line, citing its clause.
        return order_page(request, order, findings=list(e.details or []), status=422)
    messages.success(request, _("Order %(number)s submitted for review.") % {"number": order.number})
    return redirect("orders:detail", number=order.number)


def _act(request: HttpRequest, number: str, action: Any, field: str, done: Any) -> HttpResponse:
    order = _get_order(request, number)
    value = request.POST.get(field, "")
    try:
        result = action(order, value)
    except DomainError as e:
        # An error about the typed field goes beside it; any other (state, role, findings) on top.
        errors = {e.field if e.field == field else "general": str(e.message)}
        order.refresh_from_db()
        ctx = _panel_ctx(request, order, errors, {field: value})
        status = e.status
        if request.htmx:
            return render(request, "review/_panel.html", ctx, status=status)
        panel_html = render_to_string("review/_panel.html", ctx, request=request)
        return order_page(request, orders_selectors.order_get(user=request.user, number=order.number),
                          panel=mark_safe(panel_html), status=status)  # noqa: S308 - our own rendered template
    messages.success(request, done(result) if callable(done) else done)
    if request.htmx:
        order.refresh_from_db()
        response = render(request, "review/_panel.html", _panel_ctx(request, order))
        # The state and timeline elsewhere on the order page change too: reload it.
        response["HX-Refresh"] = "true"
        return response
    return redirect(order_url(order.number))


@login_required
@require_POST
def approve(request: HttpRequest, number: str) -> HttpResponse:
    return _act(request, number,
                lambda order, v: services.order_approve(order=order, actor=request.user, opinion=v),
                "approve_opinion", _approved_message)


def _approved_message(order: Order) -> str:
    if order.state == OrderState.CREDIT_HOLD:  # the credit gate (P5.1) held it instead
        return _("The order passed review but is on credit hold: finance must release it.")
    return _("Order approved.")


@login_required
@require_POST
def return_order(request: HttpRequest, number: str) -> HttpResponse:
    return _act(request, number,
                lambda order, v: services.order_return(order=order, actor=request.user, opinion=v),
                "opinion", _("Order returned to the sales rep."))


@login_required
@require_POST
def special_request(request: HttpRequest, number: str) -> HttpResponse:
    return _act(request, number,
                lambda order, v: services.special_approval_request(order=order, actor=request.user, reason=v),
                "reason", _("Special approval requested."))


@login_required
@require_GET
def special_queue(request: HttpRequest) -> HttpResponse:
    """The leaders' queue (P2.3.c): each request with its order's findings, reason, grant/refuse."""
    if not request.user.has_perm("accounts.special_approval_decide"):
        return forbidden(request)
    return render(request, "review/special_queue.html", _special_list(request, request.GET))


def _special_list(request: HttpRequest, params: QueryDict) -> dict[str, Any]:
    """The requests in `params`' state (waiting ones by default), paged; `params` is the GET of the
    queue, or what a decision's form sent along so that the list it came from is shown again."""
    state = params.get("state", SpecialApproval.State.REQUESTED)
    listed = list_page(request, selectors.special_queue(user=request.user, state=state), page_size=PAGE_SIZE,
                       params=params)
    cards = selectors.special_cards(list(listed.page.object_list), user=request.user)
    return {**listed.context(), "cards": cards, "state": state, "states": SpecialApproval.State.choices}


def _decide(request: HttpRequest, pk: int, grant: bool) -> HttpResponse:
    """Grant or refuse; NotFound (404) and, on a plain POST, PermissionDenied (the 403 page) are left
    to `domain_errors`; any other refusal is shown on the request's card."""
    sa = selectors.special_approval_for(user=request.user, pk=pk)
    comment = request.POST.get("comment", "")
    try:
        if grant:
            services.special_approval_grant(approval=sa, actor=request.user, comment=comment)
        else:
            services.special_approval_refuse(approval=sa, actor=request.user, comment=comment)
    except PermissionDenied as e:
        if not request.htmx:
            raise
        errors, status = {"general": str(e.message)}, e.status
    except DomainError as e:
        errors, status = {"comment" if e.field == "comment" else "general": str(e.message)}, e.status
    else:
        msg = _("Special approval granted.") if grant else _("Special approval refused.")
        if not request.htmx:
            messages.success(request, msg)
            return redirect("review:special_queue")
        # the list as it is now (the decided request leaves the "waiting" filter, the count drops)
        list_params = QueryDict(mutable=True)
        list_params.update({"state": request.POST.get("list_state", SpecialApproval.State.REQUESTED),
                            "page": request.POST.get("list_page", "")})
        context = _special_list(request, list_params)
        response = render(request, "review/special_queue.html#special-list", {**context, "done": msg})
        response["HX-Retarget"] = "#special-list"
        response["HX-Reswap"] = "outerHTML"
        return response
    sa = selectors.special_approval_for(user=request.user, pk=pk)
    (card,) = selectors.special_cards([sa], user=request.user)
    card["errors"] = errors
    card["values"] = {"comment": comment} if errors else {}
    if request.htmx:
        return render(request, "review/special_queue.html#sa-card",
                      {"card": card, "state": request.POST.get("list_state"),
                       "page": {"number": request.POST.get("list_page") or 1}}, status=status)
    return render(request, "review/special_queue.html",
                  {**list_page(request, [sa], page_size=PAGE_SIZE, params=QueryDict()).context(), "cards": [card],
                   "state": "", "states": SpecialApproval.State.choices}, status=status)


@login_required
@require_POST
@domain_errors(back=lambda request, pk: reverse("review:special_queue"))
def special_grant(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, grant=True)


@login_required
@require_POST
@domain_errors(back=lambda request, pk: reverse("review:special_queue"))
def special_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, grant=False)
