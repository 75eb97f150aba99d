"""The deliveries endpoints of the JSON API, mounted in ordertaking/api.py at /api/v1/deliveries. Same
services and selectors as the pages: the delivery voucher 交付凭证 (P2.5.b) for staff, and for the customer
by the private link's token (`/portal/{token}/…`, no account)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema, UploadedFile
from ninja.pagination import paginate

from ordertaking.common.api import Mapped, Paged, choice
from ordertaking.common.net import client_ip
from ordertaking.common.pdf import pdf_response
from ordertaking.confidentiality.selectors import lens_for
from ordertaking.portal.selectors import link_from_token

from . import voucher_rules as rules
from . import voucher_selectors as selectors
from . import voucher_services as services
from .documents import voucher_document
from .models import DeliveryVoucher
from .selectors import people_visible, person_shown

router = Router()

PDF_RESPONSE: dict[str, Any] = {"responses": {200: {
    "description": "The document as a PDF download, in the language of the request (Accept-Language)",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}}


class VoucherLineOut(Schema):
    position: int = Field(..., description="the order line's position")
    product_code: str
    name: str
    specification: str
    unit: str
    quantity: Decimal


class VoucherOut(Schema):
    number: str
    order_number: str
    shipment_number: str
    state: str = choice(DeliveryVoucher.State)
    lines: list[VoucherLineOut]
    documents: list[str] = Field(..., description="documents handed over: product_manual, inspection_report, "
                                                  "service_record")
    signer_name: str = Field(..., description="the name the customer typed (or wrote on paper); empty while open; "
                                              "masked (刘**) unless the reader sees the order's contact (P4.1.c)")
    signed_at: datetime | None = None
    signed_online: bool = Field(..., description="signed through the customer's link (false on paper or open)")
    sha256: str = Field(..., description="sha256 of the canonical content and the signature; empty while open")


class VoucherSummaryOut(Schema):
    number: str
    order_number: str
    shipment_number: str
    state: str = choice(DeliveryVoucher.State)
    signer_name: str
    signed_at: datetime | None = None


class DocumentsIn(Schema):
    documents: list[str] = Field(..., max_length=10, description="the documents handed over with the goods")


def voucher_out(v: DeliveryVoucher, request: HttpRequest | None) -> dict[str, Any]:
    """The voucher as the API shows it: to staff (`request`) the signer as the reader may see them (P4.1.c,
    `people_visible`); to the customer's link (no request) in full, their own."""
    visible = request is None or people_visible(request.user, v.order, lens_for(request))
    return {"number": v.number, "order_number": v.order.number, "shipment_number": v.shipment.number,
            "state": v.state, "lines": [{"position": ln.position, "product_code": ln.product_code, "name": ln.name,
                                         "specification": ln.specification, "unit": ln.unit,
                                         "quantity": ln.quantity} for ln in v.lines.all()],
            "documents": list(v.documents), "signer_name": person_shown(v.signer_name, visible),
            "signed_at": v.signed_at, "signed_online": v.state == DeliveryVoucher.State.SIGNED,
            "sha256": v.content_hash}


def _summary(v: DeliveryVoucher, request: HttpRequest) -> dict[str, Any]:
    visible = people_visible(request.user, v.order, lens_for(request))
    return {"number": v.number, "order_number": v.order.number, "shipment_number": v.shipment.number,
            "state": v.state, "signer_name": person_shown(v.signer_name, visible), "signed_at": v.signed_at}


@router.get("/vouchers", response=list[VoucherSummaryOut], summary="Delivery vouchers (P2.5.b)")
@paginate(Paged)
def voucher_list(request: HttpRequest, state: str = "", order_number: str = "") -> Mapped:
    """The vouchers of the orders the user sees, newest first; `state` open | signed | signed_on_paper. The
    signer's name masked unless the reader sees the order's contact (P4.1.c)."""
    return Mapped(selectors.voucher_list(request.user, state=state, order=order_number),
                  lambda v: _summary(v, request))


@router.get("/vouchers/{number}", response=VoucherOut, summary="A delivery voucher (P2.5.b)")
def voucher_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    return voucher_out(selectors.voucher_for(request.user, number), request)


@router.put("/vouchers/{number}/documents", response=VoucherOut,
            summary="Record the documents handed over with the goods (P2.5.b)")
def voucher_documents_set(request: HttpRequest, number: str, payload: DocumentsIn) -> dict[str, Any]:
    """The order's sales rep or the order processing center, while the voucher is open (409 once signed)."""
    v = selectors.voucher_for(request.user, number)
    services.voucher_documents_set(voucher=v, actor=request.user, documents=payload.documents)  # type: ignore[arg-type]
    return voucher_out(selectors.voucher_for(request.user, number), request)


@router.get("/vouchers/{number}/voucher.pdf", summary="A delivery voucher as PDF (P2.5.b)",
            openapi_extra=PDF_RESPONSE)
def voucher_pdf(request: HttpRequest, number: str) -> HttpResponse:
    return pdf_response(voucher_document(selectors.voucher_for(request.user, number), reader=request.user))


class PaperIn(Schema):
    signer_name: str = Field(..., max_length=100, description="the name the customer wrote on the paper voucher")
    signed_at: datetime | None = Field(None, description="when it was signed on site (default: now)")


@router.post("/vouchers/{number}/paper", response=VoucherOut,
             summary="Record a delivery voucher signed on paper, with its scan (P2.5.b)")
def voucher_paper_record(request: HttpRequest, number: str, payload: Form[PaperIn],
                         file: File[UploadedFile] = None) -> dict[str, Any]:  # type: ignore[assignment]
    """The order's sales rep or the order processing center uploads the scan (PDF or image, checked like
    every attachment); the sha256 of content and scan goes on the audit chain; the voucher is final. 409 once
    signed; 422 naming the field for a missing name, a missing or refused file, a time in the future."""
    v = selectors.voucher_for(request.user, number)
    services.voucher_paper_record(voucher=v, actor=request.user,  # type: ignore[arg-type]
                                  file=file, signer_name=payload.signer_name,
                                  signed_at=payload.signed_at)
    return voucher_out(selectors.voucher_for(request.user, number), request)


# --- the customer, through the order's private link (no account) --------------------------------------

class SignIn(Schema):
    signer_name: str = Field(..., max_length=200, description="the name the customer types")
    signature: str = Field(..., max_length=rules.SIGNATURE_MAX_BYTES * 2,
                           description="the drawn signature: a PNG as a data URL (data:image/png;base64,…) "
                                       "or bare base64")


def _link_order(token: str) -> Any:
    return link_from_token(token).order


@router.get("/portal/{token}/vouchers", auth=None, response=list[VoucherOut],
            summary="The order's delivery vouchers, for the customer's link (P2.5.b)")
def portal_voucher_list(request: HttpRequest, token: str) -> list[dict[str, Any]]:
    """404 `link_invalid` / `link_expired` for a token that names no usable link (nothing revealed)."""
    return [voucher_out(v, None) for v in selectors.order_vouchers(_link_order(token))]  # the customer's own


@router.post("/portal/{token}/vouchers/{number}/sign", auth=None, response=VoucherOut,
             summary="The customer signs a delivery voucher (P2.5.b)")
def portal_voucher_sign(request: HttpRequest, token: str, number: str, payload: SignIn) -> dict[str, Any]:
    """Typed name and drawn signature; the time, the caller's IP and browser are recorded and the sha256 of
    content and signature goes on the audit chain. 409 once signed; 422 naming the field for a missing
    name or a signature that is not a drawn PNG (blank, too large, not an image)."""
    v = selectors.voucher_of_order(_link_order(token), number)
    services.voucher_sign(voucher=v, signer_name=payload.signer_name,
                          signature=rules.signature_from_data_url(payload.signature), ip=client_ip(request),
                          user_agent=request.META.get("HTTP_USER_AGENT", ""), token=token)
    return voucher_out(selectors.voucher_of_order(_link_order(token), number), None)
