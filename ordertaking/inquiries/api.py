"""/api/v1/inquiries (P2.1): list, record, read, update, hand over, convert, close."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from ordertaking.accounts.models import User
from ordertaking.catalog.models import Product
from ordertaking.common.api import NonNull, Paged, PatchIn, choice
from ordertaking.common.errors import ValidationFailed
from ordertaking.common.masking import mask_address, mask_email, mask_name, mask_phone
from ordertaking.customers.api import region_by_code
from ordertaking.customers.selectors import customers_visible

from . import selectors, services
from .models import Inquiry

router = Router()


def me(request: HttpRequest) -> User:
    return cast(User, request.user)


def _contact_visible(obj: Inquiry, context: Any) -> bool:
    request = (context or {}).get("request")
    return request is not None and selectors.inquiry_contact_visible(request.user, obj)


class InquiryOut(Schema):
    id: int
    reference: str
    channel: str
    state: str = choice(Inquiry.State)
    customer_id: int | None
    customer_name: str | None = None
    company_name: str
    contact_name: str
    contact_phone: str
    contact_email: str
    address: str
    city: str
    region: str | None = None
    product: str | None = None
    specification: str
    quantity: Decimal | None
    service_requirements: str
    wanted_delivery_date: date | None
    notes: str
    needs_analysis: str
    special_needs: bool
    received_by: str
    assigned_to_id: int | None
    assigned_to_name: str | None = None
    order_number: str | None = None
    close_reason: str
    received_at: datetime

    @staticmethod
    def resolve_contact_phone(obj: Inquiry, context: Any) -> str:
        # P4.1.c: masked for those who may not see it (common/masking.py).
        return obj.contact_phone if _contact_visible(obj, context) else mask_phone(obj.contact_phone)

    @staticmethod
    def resolve_contact_email(obj: Inquiry, context: Any) -> str:
        return obj.contact_email if _contact_visible(obj, context) else mask_email(obj.contact_email)

    @staticmethod
    def resolve_contact_name(obj: Inquiry, context: Any) -> str:
        return obj.contact_name if _contact_visible(obj, context) else mask_name(obj.contact_name)

    @staticmethod
    def resolve_address(obj: Inquiry, context: Any) -> str:
        return obj.address if _contact_visible(obj, context) else mask_address(obj.address)

    @staticmethod
    def resolve_reference(obj: Inquiry) -> str:
        return str(obj)

    @staticmethod
    def resolve_customer_name(obj: Inquiry) -> str | None:
        return obj.customer.name if obj.customer else None

    @staticmethod
    def resolve_region(obj: Inquiry) -> str | None:
        return obj.region.code if obj.region else None

    @staticmethod
    def resolve_product(obj: Inquiry) -> str | None:
        return obj.product.code if obj.product else None

    @staticmethod
    def resolve_received_by(obj: Inquiry) -> str:
        return str(obj.received_by)

    @staticmethod
    def resolve_assigned_to_name(obj: Inquiry) -> str | None:
        return str(obj.assigned_to) if obj.assigned_to else None

    @staticmethod
    def resolve_order_number(obj: Inquiry) -> str | None:
        return obj.order.number if obj.order else None


class InquiryPage(Schema):
    count: int
    items: list[InquiryOut]


class InquiryPatch(PatchIn):
    channel: NonNull[str] = Field(None, max_length=10)
    customer_id: int | None = None
    company_name: NonNull[str] = Field(None, max_length=200)
    contact_name: NonNull[str] = Field(None, max_length=50)
    contact_phone: NonNull[str] = Field(None, max_length=30)
    contact_email: NonNull[str] = Field(None, max_length=254)
    address: NonNull[str] = Field(None, max_length=255)
    city: NonNull[str] = Field(None, max_length=50)
    region: str | None = Field(None, max_length=10, description="Region code, e.g. SH")
    product: str | None = Field(None, max_length=30, description="Product code")
    specification: NonNull[str] = Field(None, max_length=300)
    quantity: Decimal | None = Field(None, gt=0, max_digits=12, decimal_places=3)
    service_requirements: NonNull[str] = None
    wanted_delivery_date: date | None = None
    notes: NonNull[str] = None
    needs_analysis: NonNull[str] = None
    special_needs: NonNull[bool] = None


class InquiryIn(InquiryPatch):
    channel: str = choice(Inquiry.Channel, max_length=10)  # type: ignore[assignment]


class HandoverIn(Schema):
    to: int = Field(..., description="The sales rep's user id")
    note: str = ""
    special_needs: bool | None = None


class CloseIn(Schema):
    reason: str = Field(..., max_length=2000)


class ConvertOut(Schema):
    inquiry: InquiryOut
    order_number: str
    customer_id: int


def _fields(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    if "customer_id" in data:
        pk = data.pop("customer_id")
        customer = None
        if pk is not None:
            customer = customers_visible(user=request.user).filter(pk=pk).first()
            if customer is None:
                raise ValidationFailed(_("Unknown customer."), code="unknown_customer", field="customer_id")
        data["customer"] = customer
    if "region" in data:
        data["region"] = region_by_code(data["region"])
    if "product" in data and data["product"] is not None:
        product = Product.objects.filter(code=data["product"]).first()
        if product is None:
            raise ValidationFailed(_("Unknown product code."), code="unknown_product", field="product")
        data["product"] = product
    return data


def _customer_field(e: ValidationFailed) -> ValidationFailed:
    if e.field == "customer":
        e.field = "customer_id"
    return e


@router.get("", response=list[InquiryOut], summary="Inquiries I may see (scope=mine|all), paged")
@paginate(Paged)
def inquiry_list(request: HttpRequest, scope: str = "mine", channel: str = "", state: str = "", q: str = "",
                 special: bool = False, sort: str = "-received") -> Any:
    return selectors.inquiry_list(user=request.user, scope=scope, channel=channel, state=state, q=q,
                                  special=special, sort=sort)


@router.post("", response={201: InquiryOut}, summary="Record an inquiry (P2.1.a, P2.1.c)")
def inquiry_record(request: HttpRequest, payload: InquiryIn) -> Status[Inquiry]:
    data = _fields(request, payload.dict(exclude_unset=True))
    try:
        inquiry = services.inquiry_record(actor=me(request), **data)
    except ValidationFailed as e:
        raise _customer_field(e) from None
    return Status(201, selectors.inquiry_get(user=request.user, pk=inquiry.pk))


@router.get("/{inquiry_id}", response=InquiryOut)
def inquiry_detail(request: HttpRequest, inquiry_id: int) -> Inquiry:
    return selectors.inquiry_get(user=request.user, pk=inquiry_id)


@router.patch("/{inquiry_id}", response=InquiryOut)
def inquiry_update(request: HttpRequest, inquiry_id: int, payload: InquiryPatch) -> Inquiry:
    inquiry = selectors.inquiry_get(user=request.user, pk=inquiry_id)
    data = _fields(request, payload.dict(exclude_unset=True))
    try:
        services.inquiry_update(inquiry=inquiry, actor=me(request), **data)
    except ValidationFailed as e:
        raise _customer_field(e) from None
    return selectors.inquiry_get(user=request.user, pk=inquiry_id)


@router.post("/{inquiry_id}/handover", response=InquiryOut, summary="Hand over to a sales rep (P2.1.b)")
def inquiry_handover(request: HttpRequest, inquiry_id: int, payload: HandoverIn) -> Inquiry:
    inquiry = selectors.inquiry_get(user=request.user, pk=inquiry_id)
    to = User.objects.filter(pk=payload.to).first()
    if to is None:
        raise ValidationFailed(_("Unknown user."), code="unknown_user", field="to")
    services.inquiry_handover(inquiry=inquiry, actor=me(request), to=to, note=payload.note,
                              special_needs=payload.special_needs)
    return selectors.inquiry_get(user=request.user, pk=inquiry_id)


@router.post("/{inquiry_id}/convert", response={201: ConvertOut}, summary="Convert into a draft order")
def inquiry_convert(request: HttpRequest, inquiry_id: int) -> Status[dict[str, Any]]:
    inquiry = selectors.inquiry_get(user=request.user, pk=inquiry_id)
    order = services.inquiry_convert(inquiry=inquiry, actor=me(request))
    fresh = selectors.inquiry_get(user=request.user, pk=inquiry_id)
    return Status(201, {"inquiry": fresh, "order_number": order.number, "customer_id": order.customer_id})


@router.post("/{inquiry_id}/close", response=InquiryOut)
def inquiry_close(request: HttpRequest, inquiry_id: int, payload: CloseIn) -> Inquiry:
    inquiry = selectors.inquiry_get(user=request.user, pk=inquiry_id)
    services.inquiry_close(inquiry=inquiry, actor=me(request), reason=payload.reason)
    return selectors.inquiry_get(user=request.user, pk=inquiry_id)
