"""The delivery chapter's pages (P2.5): the readiness checklist card of a shipment (loaded into logistics'
shipment page) and of an order (loaded into the order page), and the sign / withdraw forms behind it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ordertaking.common.errors import NotFound
from ordertaking.common.pages import domain_errors
from ordertaking.logistics.models import Shipment
from ordertaking.orders.selectors import order_contact_visible, order_get

from . import selectors, services
from .forms import PART_FORMS, WithdrawForm
from .rules import PARTS


def _shipment(request: HttpRequest, number: str) -> Shipment:
    try:
        return selectors.readiness_shipment(request.user, number)
    except NotFound as e:
        raise Http404(str(e.message)) from e


def _back(request: HttpRequest, number: str, *_args: Any) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return reverse("deliveries:readiness_page", args=[number])


def _initial(shipment: Shipment, part: str, user: Any) -> dict[str, Any]:
    order = shipment.order
    if part != "sales":
        return {}
    if not order_contact_visible(user, order):  # P4.1.c: never prefill a form with what the user may not see
        return {"agreed_on": timezone.localdate()}
    place = "".join(p for p in (str(order.delivery_region or ""), order.delivery_city, order.delivery_address) if p)
    return {"agreed_place": place, "agreed_with": order.contact_name, "agreed_on": timezone.localdate()}


def _card(request: HttpRequest, shipment: Shipment, *, forms: dict[str, Any] | None = None,
          status: int = 200) -> HttpResponse:
    readiness = selectors.readiness_of(shipment)
    parts = selectors.readiness_parts(readiness, request.user)
    forms = forms or {}
    for p in parts:
        if p.can_sign and p.key not in forms:
            forms[p.key] = PART_FORMS[p.key](initial=_initial(shipment, p.key, request.user), prefix=p.key)
    rows = [(p, forms.get(p.key)) for p in parts]
    return render(request, "deliveries/_readiness.html", {
        "shipment": shipment, "readiness": readiness, "rows": rows, "withdraw_form": WithdrawForm(),
        "production_lines": selectors.production_lines(shipment) if shipment.state == Shipment.State.PLANNED else [],
        "next": request.GET.get("next") or request.POST.get("next") or ""}, status=status)


@login_required
@require_GET
def readiness_card(request: HttpRequest, number: str) -> HttpResponse:
    """The checklist card of a shipment (P2.5.a), loaded into logistics' shipment page."""
    return _card(request, _shipment(request, number))


@login_required
@require_GET
def readiness_page(request: HttpRequest, number: str) -> HttpResponse:
    """The checklist of one shipment on its own page, for the departments that sign it from the order page
    (production and sales do not work on logistics' pages)."""
    shipment = _shipment(request, number)
    return render(request, "deliveries/readiness.html", {"shipment": shipment})


@login_required
@require_POST
@domain_errors(back=_back)
def readiness_sign(request: HttpRequest, number: str, part: str) -> HttpResponse:
    if part not in PARTS:
        raise Http404(_("No such part of the checklist."))
    shipment = _shipment(request, number)
    form = PART_FORMS[part](request.POST, prefix=part)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(_back(request, number))
    services.readiness_sign(actor=request.user, shipment=shipment, part=part, **form.cleaned_data)
    messages.success(request, _("Signed: %(part)s, shipment %(n)s.")
                     % {"part": dict(selectors.DeliveryReadiness.Part.choices)[part], "n": shipment.number})
    return redirect(_back(request, number))


@login_required
@require_POST
@domain_errors(back=_back)
def readiness_withdraw(request: HttpRequest, number: str, part: str) -> HttpResponse:
    if part not in PARTS:
        raise Http404(_("No such part of the checklist."))
    shipment = _shipment(request, number)
    services.readiness_withdraw(actor=request.user, shipment=shipment, part=part,
                                reason=request.POST.get("reason", "")[:500])
    messages.success(request, _("Sign-off withdrawn."))
    return redirect(_back(request, number))


@login_required
@require_GET
def order_readiness(request: HttpRequest, number: str) -> HttpResponse:
    """The order page's "Delivery readiness" card: each live shipment and which parts are signed."""
    try:
        order = order_get(user=request.user, number=number)
    except NotFound as e:
        raise Http404(str(e.message)) from e
    found = selectors.order_readiness(order)
    if not found:
        return HttpResponse("")
    labels = selectors.DeliveryReadiness.Part.choices
    rows = [(s, [(label, r.signed_at(key) is not None) for key, label in labels]) for s, r in found]
    return render(request, "deliveries/_order_readiness.html", {"order": order, "rows": rows})

