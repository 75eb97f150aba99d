"""Pages of the order after approval (P2.3 again, P2.4): the card on the order page, the change form,
the cancellation request with what is already done, the deciders' decision and queue.

Thin: parse, call one selector or service, render; a refused form is shown again with its message."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ordertaking.accounts.http import AuthedRequest
from ordertaking.catalog.models import Product, Region
from ordertaking.common.errors import DomainError, NotFound, PermissionDenied
from ordertaking.common.links import order_url
from ordertaking.common.pages import domain_errors, forbidden, list_page, render_list
from ordertaking.orders.models import Order
from ordertaking.orders.selectors import order_contact, order_contact_visible
from ordertaking.orders.states import OrderState

from . import selectors, services
from .permissions import may_decide_some_cancellations

NEW_LINES = 3  # blank rows for new lines on the change form
PAGE_SIZE = 25

HttpRequest = AuthedRequest


def _order(request: HttpRequest, number: str) -> Order:
    try:
        return selectors.order_for(user=request.user, number=number)
    except NotFound as e:
        raise Http404(str(e.message)) from e


def _back(request: HttpRequest, number: str, *args: Any, **kwargs: Any) -> str:
    return order_url(number)


@login_required
@require_GET
def panel(request: HttpRequest, number: str) -> HttpResponse:
    """The card of the order page (orders/detail.html loads it): changes and cancellations (P2.3, P2.4)."""
    order = _order(request, number)
    return render(request, "amendments/_panel.html", selectors.panel_context(order=order, user=request.user))


# --- the change form ---------------------------------------------------------------------------------

def _parse_date(value: str) -> date | str | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return value  # the service refuses it with its field


# P4.1.c: an order's contact and street, prefilled only for whoever may see them
CONFIDENTIAL = ("delivery_address", "contact_name", "contact_phone")


def _form_values(request: HttpRequest, order: Order) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, str]]:
    """The header changes, the lines and the raw values (to show again) from the POSTed form."""
    post = request.POST
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    hidden = not order_contact_visible(request.user, order)  # P4.1.c: these were shown masked, not prefilled
    for name in ("delivery_city", "delivery_address", "contact_name", "contact_phone", "customer_reference",
                 "notes"):
        if name in post:
            if hidden and name in CONFIDENTIAL and not post.get(name, "").strip():
                continue  # left empty: unchanged
            changes[name] = post.get(name, "")
    if "delivery_date" in post:
        parsed = _parse_date(post["delivery_date"])
        if isinstance(parsed, str):
            errors["delivery_date"] = _("Enter a valid date.")
        else:
            changes["delivery_date"] = parsed
    if "delivery_region" in post:
        rid = post.get("delivery_region") or ""
        changes["delivery_region"] = Region.objects.filter(pk=rid).first() if rid.isdigit() else None
    lines: list[dict[str, Any]] = []
    existing = {str(ln.pk): ln for ln in order.lines.all()}
    for line_id, ln in existing.items():
        if post.get(f"remove-{line_id}"):
            continue
        lines.append({"id": ln.pk, "product": ln.product, "name": ln.name if ln.product is None else "",
                      "specification": ln.specification, "description": ln.description,
                      "unit": ln.unit if ln.product is None else ln.unit,
                      "quantity": post.get(f"quantity-{line_id}", ln.quantity),
                      "unit_price": post.get(f"unit_price-{line_id}", ln.unit_price)})
    products = {str(p.pk): p for p in Product.objects.filter(active=True)}
    for i in range(NEW_LINES):
        pid, qty = post.get(f"new-product-{i}", ""), post.get(f"new-quantity-{i}", "").strip()
        if not pid and not qty:
            continue
        product = products.get(pid)
        if product is None:
            errors["general"] = _("Choose a product for each new line.")
            continue
        price = post.get(f"new-unit_price-{i}", "").strip()
        lines.append({"product": product, "quantity": qty or None, "unit_price": price or None})
    return changes, lines, errors


def _change_ctx(request: HttpRequest, order: Order, *, errors: dict[str, str] | None = None,
                values: Any = None) -> dict[str, Any]:
    change = selectors.open_change(order)
    floors = selectors.line_floors(order)
    lines = [{"line": ln, "floor": floors.get(ln.pk, Decimal("0"))} for ln in order.lines.all()]
    visible = order_contact_visible(request.user, order)
    masked = {} if visible else {k: v for k, v in order_contact(order, request.user).items() if k in CONFIDENTIAL}
    return {"order": order, "change": change, "lines": lines, "errors": errors or {},
            "contact_visible": visible, "masked": masked,
            "values": values if values is not None else {}, "new_rows": range(NEW_LINES),
            "regions": Region.objects.filter(served=True).order_by("code"),
            "products": Product.objects.filter(active=True).order_by("code"),
            "returned": order.state == OrderState.RETURNED}


@login_required
@require_http_methods(["GET", "POST"])
def change_form(request: HttpRequest, number: str) -> HttpResponse:
    """Propose a change of an approved order (P2.3 again), or edit and resubmit a returned change."""
    order = _order(request, number)
    ctx = selectors.panel_context(order=order, user=request.user)
    if not (ctx["can_request_change"] or ctx["can_edit_change"]):
        return forbidden(request, _("This order cannot be changed now, or not by you."))
    if request.method == "GET":
        return render(request, "amendments/change_form.html", _change_ctx(request, order))
    changes, lines, errors = _form_values(request, order)
    reason = request.POST.get("reason", "")
    if not errors:
        try:
            if ctx["change"] is not None:
                services.change_request_update(change=ctx["change"], actor=request.user, changes=changes,
                                               lines=lines)
                messages.success(request, _("The change was sent back to review."))
            else:
                services.change_request_create(order=order, actor=request.user, reason=reason, changes=changes,
                                               lines=lines)
                messages.success(request, _("The change was sent to review as a new revision."))
            return redirect("orders:detail", number=order.number)
        except PermissionDenied as e:
            return forbidden(request, e.message)
        except DomainError as e:
            errors[e.field if e.field in {"reason", "delivery_date", "delivery_address", "delivery_city",
                                          "contact_name", "contact_phone", "notes"} else "general"] = str(e.message)
            order.refresh_from_db()
    status = 422 if errors else 200
    return render(request, "amendments/change_form.html",
                  _change_ctx(request, order, errors=errors, values=request.POST), status=status)


@login_required
@require_POST
@domain_errors(back=_back)
def change_withdraw(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    order = _order(request, number)
    cr = selectors.change_request_for(user=request.user, order=order, pk=pk)
    services.change_request_withdraw(change=cr, actor=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("The change was withdrawn: the order is back as it was approved."))
    return redirect("orders:detail", number=order.number)


# --- cancellation --------------------------------------------------------------------------------------

def _cancel_ctx(request: HttpRequest, order: Order, **extra: Any) -> dict[str, Any]:
    return {"order": order, "done": selectors.done_summary(order), "open_invoices": selectors.open_invoices(order),
            "threshold": selectors.cancel_threshold(), **selectors.panel_context(order=order, user=request.user),
            "errors": {}, "values": {}, **extra}


@login_required
@require_http_methods(["GET", "POST"])
def cancel_form(request: HttpRequest, number: str) -> HttpResponse:
    """Ask to cancel an approved order (P2.4), seeing what was already produced, shipped and invoiced;
    the deciders see the same page with the request and their decision."""
    order = _order(request, number)
    ctx = _cancel_ctx(request, order)
    if request.method == "GET":
        if not (ctx["can_request_cancel"] or ctx["cancel"]):
            return forbidden(request, _("This order cannot be cancelled now, or not by you."))
        return render(request, "amendments/cancel_form.html", ctx)
    if not ctx["can_request_cancel"]:
        return forbidden(request, _("This order cannot be cancelled now, or not by you."))
    reason = request.POST.get("reason", "")
    try:
        services.cancel_request_create(order=order, actor=request.user, reason=reason)
    except PermissionDenied as e:
        return forbidden(request, e.message)
    except DomainError as e:
        ctx.update(errors={"reason" if e.field == "reason" else "general": str(e.message)}, values=request.POST)
        return render(request, "amendments/cancel_form.html", ctx, status=e.status)
    messages.success(request, _("Cancellation requested: the order processing center decides."))
    return redirect("orders:detail", number=order.number)


def _decide(request: HttpRequest, number: str, pk: int, verb: str) -> HttpResponse:
    order = _order(request, number)
    req = selectors.cancel_request_for(user=request.user, order=order, pk=pk)
    comment = request.POST.get("comment", "")
    try:
        if verb == "agree":
            services.cancel_request_agree(request=req, actor=request.user, comment=comment)
            done = _("Cancellation agreed: the order is cancelled and its credit exposure released.")
        elif verb == "refuse":
            services.cancel_request_refuse(request=req, actor=request.user, comment=comment)
            done = _("Cancellation refused.")
        else:
            services.cancel_request_withdraw(request=req, actor=request.user)
            done = _("Cancellation request withdrawn.")
    except PermissionDenied as e:
        return forbidden(request, e.message)
    except DomainError as e:
        order.refresh_from_db()
        ctx = _cancel_ctx(request, order, errors={"comment" if e.field == "comment" else "general": str(e.message)},
                          values=request.POST)
        return render(request, "amendments/cancel_form.html", ctx, status=e.status)
    messages.success(request, done)
    return redirect("orders:detail", number=order.number)


@login_required
@require_POST
def cancel_agree(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    return _decide(request, number, pk, "agree")


@login_required
@require_POST
def cancel_refuse(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    return _decide(request, number, pk, "refuse")


@login_required
@require_POST
def cancel_withdraw(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    return _decide(request, number, pk, "withdraw")


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Cancellations waiting for this decider (the order center; leadership above the amount)."""
    if not may_decide_some_cancellations(request.user):
        return forbidden(request)
    listed = list_page(request, selectors.cancel_queue(user=request.user), page_size=PAGE_SIZE)
    ctx = {**listed.context(), "threshold": selectors.cancel_threshold()}
    return render_list(request, "amendments/queue.html", ctx, partial="queue-table")

