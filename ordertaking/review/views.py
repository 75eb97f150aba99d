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
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http import HttpRequest as DjangoHttpRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from ordertaking.accounts.models import User
from ordertaking.common.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from ordertaking.common.pages import forbidden
from ordertaking.orders import selectors as orders_selectors
from ordertaking.orders.models import Order
from ordertaking.orders.states import OrderState
from ordertaking.orders.views import order_page

from . import selectors, services
from .models import SpecialApproval

PAGE_SIZE = 25


class HttpRequest(DjangoHttpRequest):  # what HtmxMiddleware adds, for the type checker
    htmx: HtmxDetails


def _order_url(order: Order) -> str:
    return reverse("orders:detail", args=[order.number])


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
        raise DjangoPermissionDenied
    f = {k: request.GET.get(k, "").strip() for k in ("q", "blocking", "special", "sales_rep", "sort")}
    qs = selectors.review_queue(user=request.user, q=f["q"], blocking=f["blocking"], special=f["special"],
                                sales_rep=f["sales_rep"], sort=f["sort"] or "submitted_at")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"order": o, "age": selectors.age_days(o.submitted_at)} for o in page.object_list]
    params = request.GET.copy()
    params.pop("page", None)
    sort_params = params.copy()
    sort_params.pop("sort", None)
    ctx = {"page": page, "rows": rows, "f": f, "query": params.urlencode(), "sort_query": sort_params.urlencode(),
           "reps": User.objects.filter(groups__name="sales").order_by("username").distinct(),
           "special_states": SpecialApproval.State.choices}
    return render(request, "review/queue.html#queue-table" if request.htmx else "review/queue.html", ctx)


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
def order_submit(request: HttpRequest, number: str) -> HttpResponse:
    """The order page's "Submit for review" (P2.2.a → P2.3), mounted at /orders/<number>/submit/ as
    orders:submit by ordertaking/urls.py."""
    try:
        order = orders_selectors.order_get(user=request.user, number=number)
    except NotFound as e:
        raise Http404(str(e.message)) from e
    try:
        services.order_submit(order=order, actor=request.user)
    except PermissionDenied as e:
        return forbidden(request, e.message)
    except ValidationFailed as e:
        # P2.2.a: the incompletion log, each item beside its field and line, citing its clause.
        return order_page(request, order, findings=list(e.details or []), status=422)
    except DomainError as e:
        messages.error(request, str(e.message))
        return redirect("orders:detail", number=order.number)
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
    return redirect(_order_url(order))


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
        raise DjangoPermissionDenied
    return render(request, "review/special_queue.html",
                  _special_list(request, request.GET.get("state", SpecialApproval.State.REQUESTED),
                                request.GET.get("page")))


def _special_list(request: HttpRequest, state: str, page_number: Any) -> dict[str, Any]:
    qs = selectors.special_queue(user=request.user, state=state)
    page = Paginator(qs, PAGE_SIZE).get_page(page_number)
    cards = selectors.special_cards(list(page.object_list), user=request.user)
    return {"page": page, "cards": cards, "state": state, "states": SpecialApproval.State.choices}


def _decide(request: HttpRequest, pk: int, grant: bool) -> HttpResponse:
    try:
        sa = selectors.special_approval_for(user=request.user, pk=pk)
    except NotFound as e:
        raise Http404(str(e.message)) from e
    comment = request.POST.get("comment", "")
    try:
        if grant:
            services.special_approval_grant(approval=sa, actor=request.user, comment=comment)
        else:
            services.special_approval_refuse(approval=sa, actor=request.user, comment=comment)
    except PermissionDenied as e:
        if not request.htmx:
            raise DjangoPermissionDenied(str(e.message)) from e
        errors, status = {"general": str(e.message)}, e.status
    except DomainError as e:
        errors, status = {"comment" if e.field == "comment" else "general": str(e.message)}, e.status
    else:
        msg = _("Special approval granted.") if grant else _("Special approval refused.")
        if not request.htmx:
            messages.success(request, msg)
            return redirect("review:special_queue")
        # the list as it is now (the decided request leaves the "waiting" filter, the count drops)
        context = _special_list(request, request.POST.get("list_state", SpecialApproval.State.REQUESTED),
                                request.POST.get("list_page"))
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
    page = Paginator([sa], PAGE_SIZE).get_page(1)
    return render(request, "review/special_queue.html",
                  {"page": page, "cards": [card], "state": "", "states": SpecialApproval.State.choices},
                  status=status)


@login_required
@require_POST
def special_grant(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, grant=True)


@login_required
@require_POST
def special_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, grant=False)
