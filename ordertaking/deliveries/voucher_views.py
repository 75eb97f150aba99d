"""Staff pages of the delivery voucher 交付凭证 (P2.5.b): the order page's Delivery vouchers card, a
voucher with its documents handed over and its signature (or the paper voucher's scan), the drawn
signature image and the PDFs. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ordertaking.accounts.http import AuthedRequest
from ordertaking.common.errors import ValidationFailed
from ordertaking.common.pages import domain_errors
from ordertaking.common.pdf import pdf_response
from ordertaking.confidentiality.selectors import lens_for
from ordertaking.orders import selectors as orders_selectors
from ordertaking.portal.selectors import active_link

from . import voucher_selectors as selectors
from . import voucher_services as services
from .documents import order_vouchers_document, voucher_document, vouchers_available
from .forms import VoucherPaperForm
from .models import DeliveryVoucher
from .selectors import people_visible


def _back(request: AuthedRequest, number: str) -> str:
    return reverse("deliveries:voucher", args=[number])


@login_required
@domain_errors
@require_GET
def order_panel(request: AuthedRequest, number: str) -> HttpResponse:
    """The Delivery vouchers card of the order page (orders/detail.html loads it): each dispatched
    shipment's voucher, signed or awaiting the customer. Nothing for an order without any."""
    order = orders_selectors.order_get(user=request.user, number=number)
    vouchers = selectors.order_vouchers(order)
    if not vouchers:
        return HttpResponse("")
    visible = people_visible(request.user, order, lens_for(request))  # P4.1.c: who signed
    return render(request, "deliveries/_order_panel.html", {
        "order": order, "vouchers": [(v, selectors.signer_shown(v, visible)) for v in vouchers]})


@login_required
@domain_errors
@require_GET
def voucher(request: AuthedRequest, number: str) -> HttpResponse:
    v = selectors.voucher_for(request.user, number)
    return render(request, "deliveries/voucher.html", _ctx(request, v))


def _ctx(request: AuthedRequest, v: DeliveryVoucher) -> dict[str, Any]:
    visible = people_visible(request.user, v.order, lens_for(request))  # P4.1.c: who signed, from where
    return {"v": v, "order": v.order, "shipment": v.shipment, "lines": list(v.lines.all()),
            "signer": selectors.signer_shown(v, visible),
            "can_record": not v.is_signed and selectors.may_record(request.user, v.order),
            "has_link": active_link(v.order) is not None, "paper_form": VoucherPaperForm(),
            "handed": [(value, label, value in v.documents) for value, label in DeliveryVoucher.Handed.choices]}


@login_required
@require_POST
@domain_errors(back=_back)
def voucher_documents(request: AuthedRequest, number: str) -> HttpResponse:
    v = selectors.voucher_for(request.user, number)
    services.voucher_documents_set(voucher=v, actor=request.user, documents=request.POST.getlist("documents"))
    messages.success(request, _("Documents handed over recorded."))
    return redirect("deliveries:voucher", number=v.number)


@login_required
@domain_errors
@require_GET
def voucher_signature(request: AuthedRequest, number: str) -> HttpResponse:
    """The drawn signature as an image (a PNG checked when it was signed), for the voucher page: the signer's
    name in their hand, so only for whoever sees the signer's name in full (P4.1.c; 404 otherwise)."""
    v = selectors.voucher_for(request.user, number)
    if not v.signature or not people_visible(request.user, v.order, lens_for(request)):
        raise Http404(_("No signature."))
    response = HttpResponse(bytes(v.signature), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@domain_errors
@require_GET
def voucher_pdf(request: AuthedRequest, number: str) -> HttpResponse:
    v = selectors.voucher_for(request.user, number)
    return pdf_response(voucher_document(v, reader=request.user))


@login_required
@domain_errors
@require_GET
def order_vouchers_pdf(request: AuthedRequest, number: str) -> HttpResponse:
    """Every voucher of the order in one PDF (the order page's Documents card)."""
    order = orders_selectors.order_get(user=request.user, number=number)
    if not vouchers_available(order, request.user):
        raise Http404(_("No such document."))
    return pdf_response(order_vouchers_document(order, reader=request.user))


@login_required
@require_POST
@domain_errors(back=_back)
def voucher_paper(request: AuthedRequest, number: str) -> HttpResponse:
    """The paper voucher signed on site: its scan, the name written on it and when (P2.5.b)."""
    v = selectors.voucher_for(request.user, number)
    form = VoucherPaperForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "deliveries/voucher.html", {**_ctx(request, v), "paper_form": form}, status=422)
    try:
        services.voucher_paper_record(voucher=v, actor=request.user, file=form.cleaned_data["file"],
                                      signer_name=form.cleaned_data["signer_name"],
                                      signed_at=form.cleaned_data["signed_at"])
    except ValidationFailed as e:
        form.add_error(e.field if e.field in form.fields else None, str(e.message))
        return render(request, "deliveries/voucher.html", {**_ctx(request, v), "paper_form": form}, status=422)
    messages.success(request, _("The signed paper voucher is recorded."))
    return redirect("deliveries:voucher", number=v.number)
