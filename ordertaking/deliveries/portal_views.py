"""The customer's pages of the delivery voucher 交付凭证 (P2.5.b), reached through the order's private
link (portal's `portal_view`: the token is checked, only the link's own order is reachable): the
vouchers of the order, one voucher to read and sign on the phone (typed name and a drawn signature),
its PDF and the signature once signed. Mounted in ordertaking/urls.py under p/<token>/voucher/."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ordertaking.common.errors import DomainError, NotFound
from ordertaking.common.net import client_ip
from ordertaking.common.pdf import pdf_response
from ordertaking.portal.pages import portal_view

from . import voucher_rules as rules
from . import voucher_selectors as selectors
from . import voucher_services as services
from .documents import voucher_document
from .models import DeliveryVoucher


def _voucher(request: Any, number: str) -> DeliveryVoucher:
    try:
        return selectors.voucher_of_order(request.portal_order, number)
    except NotFound as e:
        raise Http404(str(e.message)) from e


@require_GET
@portal_view
def vouchers(request: Any, token: str) -> HttpResponse:
    """The order's vouchers; straight to the one waiting for a signature when it is the only one."""
    items = selectors.order_vouchers(request.portal_order)
    open_ones = [v for v in items if not v.is_signed]
    if len(items) == 1 or (len(open_ones) == 1 and request.GET.get("all") != "1"):
        return redirect("deliveries_portal:voucher", token=token, number=(open_ones or items)[0].number)
    return render(request, "deliveries/portal_vouchers.html", {"vouchers": items})


@require_http_methods(["GET", "POST"])
@portal_view
def voucher(request: Any, token: str, number: str) -> HttpResponse:
    v = _voucher(request, number)
    errors: dict[str, str] = {}
    name = ""
    if request.method == "POST":
        name = request.POST.get("signer_name", "")
        try:
            services.voucher_sign(voucher=v, signer_name=name,
                                  signature=rules.signature_from_data_url(request.POST.get("signature", "")),
                                  ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""),
                                  token=token)
        except DomainError as e:
            errors[e.field or "signature"] = str(e.message)
            v = _voucher(request, number)
        else:
            messages.success(request, _("Thank you: the delivery voucher is signed."))
            return redirect("deliveries_portal:voucher", token=token, number=v.number)
    many = DeliveryVoucher.objects.filter(order=request.portal_order).count() > 1
    return render(request, "deliveries/portal_voucher.html",
                  {"v": v, "lines": list(v.lines.all()), "errors": errors, "name": name, "many": many,
                   "handed": [(label, value in v.documents) for value, label in DeliveryVoucher.Handed.choices]},
                  status=422 if errors else 200)


@require_GET
@portal_view
def voucher_pdf(request: Any, token: str, number: str) -> HttpResponse:
    return pdf_response(voucher_document(_voucher(request, number)))


@require_GET
@portal_view
def voucher_signature(request: HttpRequest, token: str, number: str) -> HttpResponse:
    v = _voucher(request, number)
    if not v.signature:
        raise Http404(_("No signature."))
    response = HttpResponse(bytes(v.signature), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    return response
