"""Logistics pages (P2.4.c, P3.5, P5.2.c): the board, shipments, tracking, exceptions, carriers, and the
order page's shipments card. Thin: each calls one service or selector."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ordertaking.accounts.http import AuthedRequest
from ordertaking.common.errors import DomainError, PermissionDenied
from ordertaking.common.pages import domain_errors, forbidden, list_page, put_error, render_list
from ordertaking.common.sealed import SecretUnreadable, seal, unseal
from ordertaking.confidentiality.selectors import lens_for
from ordertaking.orders.selectors import order_contact_visible, order_get

from . import selectors, services
from .forms import CancelForm, CarrierForm, ExceptionForm, HandleForm, ShipmentFilterForm, ShipmentForm, TrackingForm
from .models import Carrier, Shipment, WebhookAttempt, words


def _require_view(user: Any) -> None:
    if not selectors.may_view(user):
        raise PermissionDenied(_("Only logistics, the order center, leadership and auditors see this (P3.5)."))


def _shipment_back(request: Any, number: str, *args: Any) -> str:
    return reverse("logistics:shipment", args=[number])


@login_required
@domain_errors
@require_GET
def board(request: AuthedRequest) -> HttpResponse:
    """P3.5 物流部门: what to plan and dispatch, what is on the road, what went wrong. For a tablet too."""
    _require_view(request.user)
    data = selectors.board(request.user, today=timezone.localdate())
    return render(request, "logistics/board.html", {**data, "today": timezone.localdate(),
                                                    "can_manage": selectors.may_manage(request.user)})


@login_required
@domain_errors
@require_GET
def shipments(request: AuthedRequest) -> HttpResponse:
    form = ShipmentFilterForm(request.GET or None)
    state = q = ""
    if form.is_valid():
        state, q = form.cleaned_data["state"], form.cleaned_data["q"].strip()
    qs = selectors.shipment_list(request.user, state=state).select_related("order__customer")
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(order__number__icontains=q) | Q(waybill_number__icontains=q)
                       | Q(order__customer__name__icontains=q))
    return render_list(request, "logistics/shipments.html", {**list_page(request, qs, page_size=50).context(),
                                                             "form": form})


def _line_rows(order: Any, post: Any) -> list[dict[str, Any]]:
    rows = []
    for r in selectors.order_line_rows(order):
        value = post.get(f"qty_{r.line.pk}", "") if post is not None else (
            str(r.remaining.normalize()) if r.remaining > 0 else "")
        block, _shippable = services.line_shipping_gate(r.line)
        rows.append({"row": r, "line": r.line, "value": value, "error": "", "block": block})
    return rows


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def shipment_new(request: AuthedRequest, number: str) -> HttpResponse:
    """P2.4.c 安排发货: choose the lines and quantities (what remains is shown), the carrier and dates."""
    user = request.user
    if not selectors.may_manage(user):
        return forbidden(request, _("Only the logistics department plans shipments (P3.5)."))
    order = order_get(user=user, number=number)
    post = request.POST if request.method == "POST" else None
    rows = _line_rows(order, post)
    form = ShipmentForm(post, initial={"planned_ship_date": timezone.localdate(), "method": "express"})
    status = 200
    if post is not None:
        status = 422
        wanted: list[dict[str, Any]] = []
        for i, r in enumerate(rows):
            raw = r["value"].strip()
            if not raw or raw == "0":
                continue
            try:
                wanted.append({"order_line": r["line"].pk, "quantity": Decimal(raw), "_row": i})
            except InvalidOperation:
                r["error"] = _("Enter a quantity.")
        if form.is_valid() and not any(r["error"] for r in rows):
            d = form.cleaned_data
            try:
                s = services.shipment_create(
                    order=order, actor=user, lines=[{"order_line": w["order_line"], "quantity": w["quantity"]}
                                                    for w in wanted],
                    method=d["method"], carrier=d["carrier"], waybill_number=d["waybill_number"],
                    packages=d["packages"], planned_ship_date=d["planned_ship_date"],
                    planned_arrival=d["planned_arrival"], override_reason=d["override_reason"])
            except PermissionDenied:
                raise
            except DomainError as e:
                status = e.status
                field = e.field or ""
                parts = field.split(".")
                if field.startswith("lines.") and len(parts) > 1 and parts[1].isdigit():
                    rows[wanted[int(parts[1])]["_row"]]["error"] = str(e.message)
                else:
                    put_error(form, e)
            else:
                # It leaves from its own page, once its delivery readiness checklist is signed (P2.5.a).
                messages.success(request, _("Shipment %(n)s planned.") % {"n": s.number})
                return redirect("logistics:shipment", number=s.number)
    carriers = list(selectors.carriers_rated().filter(active=True))
    today = timezone.localdate()
    carrier_notes = [{"carrier": c, "rating": selectors.rating_of(c),
                      "refusals": words([selectors.REFUSAL_WORDS[r]
                                         for r in selectors.carrier_refusals(c, order, today)])} for c in carriers]
    return render(request, "logistics/shipment_form.html", {
        "order": order, "rows": rows, "form": form, "carrier_notes": carrier_notes,
        "contact_visible": order_contact_visible(user, order, lens_for(request))}, status=status)


def _detail_ctx(request: AuthedRequest, shipment: Shipment, **extra: Any) -> dict[str, Any]:
    user = request.user
    visible = order_contact_visible(user, shipment.order, lens_for(request))
    return {"shipment": shipment,
            # P4.1.c: the delivery contact and street in full for the order's rep and logistics handling it
            "contact_visible": visible,
            "lines": shipment.lines.select_related("order_line").all(),
            "events": selectors.shipment_events(shipment, contact_visible=visible),
            "exceptions": list(shipment.exceptions.select_related("reported_by").order_by("-created_at", "-id")),
            "can_manage": selectors.may_manage(user), "tracking_form": extra.pop("tracking_form", None)
            or TrackingForm(), "cancel_form": extra.pop("cancel_form", None) or CancelForm(),
            "handle_form": HandleForm(), **extra}


@login_required
@domain_errors
@require_GET
def shipment_detail(request: AuthedRequest, number: str) -> HttpResponse:
    shipment = selectors.shipment_for(request.user, number)
    return render(request, "logistics/shipment.html", _detail_ctx(request, shipment))


@login_required
@require_POST
@domain_errors(back=_shipment_back)
def shipment_dispatch(request: AuthedRequest, number: str) -> HttpResponse:
    shipment = selectors.shipment_for(request.user, number)
    services.shipment_dispatch(shipment=shipment, actor=request.user,
                               waybill_number=request.POST.get("waybill_number", "")[:60])
    messages.success(request, _("Shipment %(n)s dispatched.") % {"n": shipment.number})
    return redirect("logistics:shipment", number=shipment.number)


@login_required
@require_POST
@domain_errors(back=_shipment_back)
def shipment_cancel(request: AuthedRequest, number: str) -> HttpResponse:
    shipment = selectors.shipment_for(request.user, number)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return render(request, "logistics/shipment.html", _detail_ctx(request, shipment, cancel_form=form),
                      status=422)
    services.shipment_cancel(shipment=shipment, actor=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("Shipment %(n)s cancelled.") % {"n": shipment.number})
    return redirect("logistics:shipment", number=shipment.number)


@login_required
@require_POST
@domain_errors(back=_shipment_back)
def tracking_event_new(request: AuthedRequest, number: str) -> HttpResponse:
    shipment = selectors.shipment_for(request.user, number)
    form = TrackingForm(request.POST)
    if form.is_valid():
        try:
            services.tracking_event_record(shipment=shipment, actor=request.user, **form.cleaned_data)
        except PermissionDenied:
            raise
        except DomainError as e:
            put_error(form, e)
        else:
            messages.success(request, _("Tracking event recorded."))
            return redirect("logistics:shipment", number=shipment.number)
    return render(request, "logistics/shipment.html", _detail_ctx(request, shipment, tracking_form=form),
                  status=422)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def exception_new(request: AuthedRequest, number: str) -> HttpResponse:
    """P5.2.c 物流风险: a delay, damage or loss, its cause and handling, who was told."""
    if not selectors.may_manage(request.user):
        return forbidden(request, _("Only the logistics department records shipping exceptions (P3.5)."))
    shipment = selectors.shipment_for(request.user, number)
    form = ExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.exception_record(shipment=shipment, actor=request.user, **form.cleaned_data)
        except PermissionDenied:
            raise
        except DomainError as e:
            put_error(form, e)
        else:
            messages.success(request, _("Shipping exception recorded; the sales rep is told."))
            return redirect("logistics:shipment", number=shipment.number)
    return render(request, "logistics/exception_form.html", {"shipment": shipment, "form": form},
                  status=422 if form.errors else 200)


@login_required
@require_POST
@domain_errors
def exception_move(request: AuthedRequest, pk: int, verb: str) -> HttpResponse:
    exc = selectors.exception_for(request.user, pk)
    if verb == "handle":
        services.exception_handle(exception=exc, actor=request.user, handling=request.POST.get("handling", ""))
        messages.success(request, _("Exception marked handled."))
    else:
        services.exception_close(exception=exc, actor=request.user, note=request.POST.get("handling", ""))
        messages.success(request, _("Exception closed."))
    return redirect("logistics:shipment", number=exc.shipment.number)


# --- carriers -----------------------------------------------------------------------------------

@login_required
@domain_errors
@require_GET
def carriers(request: AuthedRequest) -> HttpResponse:
    _require_view(request.user)
    rows = [{"carrier": c, "rating": selectors.rating_of(c)} for c in selectors.carriers_rated().order_by("name")]
    return render(request, "logistics/carriers.html", {"rows": rows, "today": timezone.localdate(),
                                                       "floor": selectors.on_time_floor(),
                                                       "can_manage": selectors.may_manage(request.user)})


@login_required
@domain_errors
@require_GET
def carrier_detail(request: AuthedRequest, code: str) -> HttpResponse:
    carrier = selectors.carrier_for(request.user, code)
    recent = (carrier.shipments.select_related("order").order_by("-created_at", "-id")[:20])
    attempts = WebhookAttempt.objects.filter(carrier=carrier).order_by("-received_at", "-id")[:20]
    secret = _key_shown_once(request, carrier)
    return render(request, "logistics/carrier.html", {
        "carrier": carrier, "rating": selectors.rating_of(carrier), "recent": recent, "attempts": attempts,
        "today": timezone.localdate(), "secret": secret, "can_manage": selectors.may_manage(request.user),
        "webhook_url": request.build_absolute_uri(f"/api/v1/logistics/webhook/{carrier.code}")})


def _key_shown_once(request: AuthedRequest, carrier: Carrier) -> str | None:
    """The key just generated for the carrier (carrier_secret), taken out of the session: shown this once."""
    sealed = request.session.pop(f"carrier_secret_{carrier.pk}", None)
    if not sealed:
        return None
    try:
        return unseal(sealed)
    except SecretUnreadable:  # the server's keys changed in between: the key is lost, make another
        messages.error(request, _("The new key cannot be shown: the server's encryption keys changed meanwhile. "
                                  "Generate another one."))
        return None


def _carrier_form_page(request: AuthedRequest, carrier: Carrier | None) -> HttpResponse:
    if not selectors.may_manage(request.user):
        return forbidden(request, _("Only the logistics department maintains carriers (P3.5)."))
    initial = {}
    if carrier is not None:
        initial = {"code": carrier.code, "name": carrier.name, "contract_number": carrier.contract_number,
                   "contract_valid_from": carrier.contract_valid_from, "contract_valid_to": carrier.contract_valid_to,
                   "methods": carrier.methods, "regions": list(carrier.regions.all()), "contact": carrier.contact,
                   "active": carrier.active}
    form = CarrierForm(request.POST or None, initial=initial or {"active": True}, editing=carrier is not None)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        try:
            if carrier is None:
                carrier = services.carrier_create(actor=request.user, **d)
            else:
                d.pop("code", None)
                services.carrier_update(carrier=carrier, actor=request.user, **d)
        except PermissionDenied:
            raise
        except DomainError as e:
            put_error(form, e)
        else:
            messages.success(request, _("Carrier %(name)s saved.") % {"name": carrier.name})
            return redirect("logistics:carrier", code=carrier.code)
    return render(request, "logistics/carrier_form.html", {"form": form, "carrier": carrier},
                  status=422 if form.errors else 200)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def carrier_new(request: AuthedRequest) -> HttpResponse:
    return _carrier_form_page(request, None)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def carrier_edit(request: AuthedRequest, code: str) -> HttpResponse:
    return _carrier_form_page(request, selectors.carrier_for(request.user, code))


@login_required
@require_POST
@domain_errors
def carrier_secret(request: AuthedRequest, code: str) -> HttpResponse:
    carrier = selectors.carrier_for(request.user, code)
    secret = services.carrier_secret_generate(carrier=carrier, actor=request.user)
    # Shown once, on the next page view; then only "set on …". The session carries it encrypted, as the carrier's
    # column does, so the sessions table (and a backup of it) never holds the key, not even until that view.
    request.session[f"carrier_secret_{carrier.pk}"] = seal(secret)
    return redirect("logistics:carrier", code=carrier.code)


# --- the order page's card ----------------------------------------------------------------------

@login_required
@domain_errors
@require_GET
def order_card(request: AuthedRequest, number: str) -> HttpResponse:
    """The "Shipments" card of the order page (orders/detail.html loads it with hx-get)."""
    order = order_get(user=request.user, number=number)
    if not (selectors.may_view(request.user) or selectors.shipments_visible(request.user).filter(order=order)
            .exists() or order.sales_rep_id == request.user.pk):
        return HttpResponse("")
    from ordertaking.orders.states import EXECUTION_STATES

    rows = selectors.order_line_rows(order)
    return render(request, "logistics/_order_card.html", {
        "order": order, "shipments": selectors.order_shipments(order), "rows": rows,
        "exceptions": selectors.open_exceptions(order),
        "can_plan": selectors.may_manage(request.user) and order.state in EXECUTION_STATES
        and any(r.remaining > 0 for r in rows)})
