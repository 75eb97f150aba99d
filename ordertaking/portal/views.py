"""The customer's pages (P2.5.b), reached by the private link without an account, and the staff's
card on the order page (issue, send, copy, QR code, revoke). Thin: each calls one service or selector."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ordertaking.accounts.http import AuthedRequest
from ordertaking.common.errors import DomainError, PermissionDenied
from ordertaking.common.links import order_url
from ordertaking.common.masking import mask_email
from ordertaking.common.pages import domain_errors, forbidden, put_error
from ordertaking.common.pdf import pdf_response
from ordertaking.confidentiality.selectors import lens_for
from ordertaking.orders.documents import ORDER_DOCUMENTS
from ordertaking.orders.selectors import order_get

from . import selectors, services
from .forms import IssueForm, RevokeForm
from .overview import order_overview
from .pages import portal_view
from .qr import portal_qr_png

# --- the customer's pages ---------------------------------------------------------------------------

@require_GET
@portal_view
def overview(request: HttpRequest, token: str) -> HttpResponse:
    """P2.5.b: the order's status, progress, shipments and documents, and the sections (voucher,
    acceptance, issues, survey, complaints) that have something for it."""
    req: Any = request
    data = order_overview(req.portal_order, token)
    return render(request, "portal/overview.html", {"o": data, "order": data.order})


@require_GET
@portal_view
def document(request: HttpRequest, token: str, key: str) -> HttpResponse:
    """One of the order's documents offered to the customer (orders.documents: `customer=True`)."""
    req: Any = request
    doc = ORDER_DOCUMENTS.get(key)
    reader = AnonymousUser()
    if doc is None or not doc.customer or doc.build is None or not doc.available(req.portal_order, reader):
        raise Http404(_("No such document."))
    return pdf_response(doc.build(req.portal_order, reader=reader))


# --- the staff's card on the order page ---------------------------------------------------------------

def _card_context(request: AuthedRequest, order: Any, *, form: IssueForm | None = None,
                  issued: Any = None) -> dict[str, Any]:
    links = list(selectors.order_links(order))
    visible = selectors.email_visible(request.user, order, lens_for(request))  # P4.1.c
    reasons = selectors.reasons_shown(links, order, request.user, lens_for(request))
    rows = [{"link": ln, "status": selectors.link_status(ln), "sent_to": selectors.sent_to_shown(ln, visible),
             "reason": reasons.get(ln.pk, ""),
             "url": selectors.link_url(ln) if selectors.link_is_usable(ln) else ""} for ln in links]
    refusal = services.issue_refusal(order)
    on_file = selectors.email_prefill(order)
    return {"order": order, "rows": rows, "refusal": refusal, "issued": issued,
            "issued_to": selectors.sent_to_shown(issued, visible) if issued is not None else "",
            "form": form or IssueForm(initial={"email": on_file if visible else "", "send": True,
                                               "language": "zh-hans"}),
            # whoever may not see the address sends to the one on file without reading it
            "email_on_file": "" if visible or not on_file else mask_email(on_file),
            "revoke_form": RevokeForm(), "default_days": settings.ORDERTAKING_PORTAL_LINK_DAYS}


@login_required
@require_GET
@domain_errors
def order_card(request: AuthedRequest, number: str) -> HttpResponse:
    """The card "Customer's link" on the order page, loaded into it (HTMX): empty for those who may not
    send links."""
    order = order_get(user=request.user, number=number)
    if not selectors.may_manage_links(request.user, order):
        return HttpResponse("")
    return render(request, "portal/_order_card.html", _card_context(request, order))


def _back(order: Any) -> str:
    return order_url(order.number, "portal-card")


@login_required
@require_POST
@domain_errors
def link_issue(request: AuthedRequest, number: str) -> HttpResponse:
    order = order_get(user=request.user, number=number)
    if not selectors.may_manage_links(request.user, order):
        return forbidden(request, _("Only the order's sales rep, the order center or customer service may send "
                                    "the customer's link (P2.5.b)."))
    form = IssueForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        email = d["email"]
        if not email and d["send"] and not selectors.email_visible(request.user, order, lens_for(request)):
            email = selectors.email_prefill(order)  # the contact's address on file, never shown to this user
        try:
            link = services.portal_link_issue(actor=request.user, order=order, email=email, days=d["days"],
                                              send=d["send"], language=d["language"])
        except PermissionDenied:
            raise
        except DomainError as e:
            put_error(form, e)
        else:
            if getattr(request, "htmx", False):
                return render(request, "portal/_order_card.html", _card_context(request, order, issued=link))
            shown = selectors.sent_to_shown(link, selectors.email_visible(request.user, order, lens_for(request)))
            messages.success(request, _("Link sent to %(email)s.") % {"email": shown} if link.sent_to
                             else _("Link issued."))
            return redirect(_back(order))
    return render(request, "portal/_order_card.html", _card_context(request, order, form=form), status=422)


@login_required
@require_POST
@domain_errors
def link_revoke(request: AuthedRequest, number: str, pk: int) -> HttpResponse:
    order = order_get(user=request.user, number=number)
    link = selectors.order_link_get(user=request.user, order=order, pk=pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        services.portal_link_revoke(actor=request.user, link=link, reason=form.cleaned_data["reason"])
        if getattr(request, "htmx", False):
            return render(request, "portal/_order_card.html", _card_context(request, order))
        messages.success(request, _("Link revoked: it no longer opens the customer's pages."))
        return redirect(_back(order))
    messages.error(request, _("Say why the link is revoked."))
    return redirect(_back(order))


@login_required
@require_http_methods(["GET"])
@domain_errors
def link_qr(request: AuthedRequest, number: str, pk: int) -> HttpResponse:
    """The link's QR code (PNG), to show the customer on a phone or print."""
    order = order_get(user=request.user, number=number)
    link = selectors.order_link_get(user=request.user, order=order, pk=pk)
    if not selectors.link_is_usable(link):
        raise Http404(_("This link is not valid."))
    response = HttpResponse(portal_qr_png(selectors.link_url(link)), content_type="image/png")
    response["Cache-Control"] = "no-store, private"
    return response
