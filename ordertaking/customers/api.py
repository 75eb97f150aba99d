"""/api/v1/customers: the customer archive (P2.1.c, P4.1). Thin: parse, call a service or selector."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ConfigDict

from ordertaking.accounts.models import User
from ordertaking.catalog.models import Region
from ordertaking.common.api import NonNull, Paged, PatchIn, choice
from ordertaking.common.errors import ValidationFailed
from ordertaking.confidentiality.models import Field as Confidential
from ordertaking.confidentiality.rules import mask
from ordertaking.confidentiality.selectors import lens_for

from . import selectors, services
from .models import Contact, Customer, CustomerAddress, InvoiceType

router = Router()


def me(request: HttpRequest) -> User:
    """The authenticated user (both auth classes guarantee one)."""
    return cast(User, request.user)


def _show(context: Any, customer: Customer, field: str, value: Any) -> Any:
    """P4.1.c: the one masking rule, in API answers as on the pages (by duty unmasked, else masked;
    a grant holder reveals a value through POST /api/v1/access/reveal)."""
    request = (context or {}).get("request")
    if request is None:
        return mask(field, value)
    return lens_for(request).show(customer, field, value)


class ContactOut(Schema):
    """Name, phone and e-mail masked unless a duty covers the reader (P4.1.c)."""

    id: int
    name: str
    title: str
    phone: str
    email: str
    is_primary: bool

    @staticmethod
    def resolve_name(obj: Contact, context: Any) -> str:
        return _show(context, obj.customer, Confidential.CONTACT_NAME, obj.name)

    @staticmethod
    def resolve_phone(obj: Contact, context: Any) -> str:
        return _show(context, obj.customer, Confidential.PHONE, obj.phone)

    @staticmethod
    def resolve_email(obj: Contact, context: Any) -> str:
        return _show(context, obj.customer, Confidential.EMAIL, obj.email)


class AddressOut(Schema):
    id: int
    label: str
    region: str | None = Field(None, alias="region.code")
    region_name: str | None = Field(None, alias="region.name")
    city: str
    detail: str
    is_default: bool

    @staticmethod
    def resolve_detail(obj: CustomerAddress, context: Any) -> str:
        return _show(context, obj.customer, Confidential.ADDRESS, obj.detail)


class CustomerOut(Schema):
    id: int
    name: str
    kind: str = choice(Customer.Kind)
    credit_code: str | None
    industry: str
    size: str
    region: str | None = None
    region_name: str | None = None
    city: str
    status: str
    sales_rep_id: int | None
    sales_rep_name: str | None = None
    preferences: str
    notes: str
    purchase_frequency: str = Field(..., description="P4.1.b: high, medium, low, none; empty until classified")
    orders_in_period: int
    value_tier: str = Field(..., description="P4.1.b: key, growing, occasional, dormant; empty: no orders yet")
    classified_at: datetime | None
    last_verified_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_credit_code(obj: Customer, context: Any) -> str | None:
        return _show(context, obj, Confidential.CREDIT_CODE, obj.credit_code) if obj.credit_code else None

    @staticmethod
    def resolve_region(obj: Customer) -> str | None:
        return obj.region.code if obj.region else None

    @staticmethod
    def resolve_region_name(obj: Customer) -> str | None:
        return obj.region.name if obj.region else None

    @staticmethod
    def resolve_sales_rep_name(obj: Customer) -> str | None:
        return str(obj.sales_rep) if obj.sales_rep else None


class CustomerDetailOut(CustomerOut):
    contacts: list[ContactOut]
    addresses: list[AddressOut]

    @staticmethod
    def resolve_contacts(obj: Customer) -> list[Contact]:
        return list(obj.contacts.all())

    @staticmethod
    def resolve_addresses(obj: Customer) -> list[CustomerAddress]:
        return list(obj.addresses.select_related("region"))


class CustomerPage(Schema):
    count: int
    items: list[CustomerOut]


class ContactIn(Schema):
    name: str = Field(..., max_length=50)
    phone: str = Field(..., max_length=30)
    title: str = Field("", max_length=50)
    email: str = Field("", max_length=254)
    is_primary: bool = False


class ContactPatch(PatchIn):
    name: NonNull[str] = Field(None, max_length=50)
    phone: NonNull[str] = Field(None, max_length=30)
    title: NonNull[str] = Field(None, max_length=50)
    email: NonNull[str] = Field(None, max_length=254)
    is_primary: NonNull[bool] = None


class AddressIn(Schema):
    region: str = Field(..., max_length=10, description="Region code, e.g. SH")
    city: str = Field(..., max_length=50)
    detail: str = Field(..., max_length=255)
    label: str = Field("", max_length=50)
    is_default: bool = False


class AddressPatch(PatchIn):
    region: NonNull[str] = Field(None, max_length=10)
    city: NonNull[str] = Field(None, max_length=50)
    detail: NonNull[str] = Field(None, max_length=255)
    label: NonNull[str] = Field(None, max_length=50)
    is_default: NonNull[bool] = None


class CustomerIn(Schema):
    name: str = Field(..., max_length=200)
    kind: str = choice(Customer.Kind, Customer.Kind.ENTERPRISE.value, max_length=10,
                       description="An individual (consumer) has no credit code (P5.3)")
    credit_code: str | None = Field(None, max_length=18)
    industry: str = Field("", max_length=50)
    size: str = Field("", max_length=10, json_schema_extra={"enum": ["", *Customer.Size.values]})
    region: str | None = Field(None, max_length=10, description="Region code, e.g. SH")
    city: str = Field("", max_length=50)
    status: str = choice(Customer.Status, Customer.Status.PROSPECT.value, max_length=10)
    sales_rep_id: int | None = None
    preferences: str = ""
    notes: str = ""
    contacts: list[ContactIn] = []
    addresses: list[AddressIn] = []


class CustomerPatch(PatchIn):
    name: NonNull[str] = Field(None, max_length=200)
    kind: NonNull[str] = Field(None, max_length=10)
    credit_code: str | None = Field(None, max_length=18)
    industry: NonNull[str] = Field(None, max_length=50)
    size: NonNull[str] = Field(None, max_length=10)
    region: str | None = Field(None, max_length=10)
    city: NonNull[str] = Field(None, max_length=50)
    status: NonNull[str] = Field(None, max_length=10)
    sales_rep_id: int | None = None
    preferences: NonNull[str] = None
    notes: NonNull[str] = None


def region_by_code(code: str | None, *, field: str = "region") -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code.strip().upper()).first()
    if region is None:
        raise ValidationFailed(_("Unknown region code."), code="unknown_region", field=field)
    return region


def _sales_rep(pk: int | None) -> User | None:
    if pk is None:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise ValidationFailed(_("Unknown user."), code="unknown_user", field="sales_rep_id")
    return user


def _customer_fields(data: dict[str, Any]) -> dict[str, Any]:
    if "region" in data:
        data["region"] = region_by_code(data["region"])
    if "sales_rep_id" in data:
        data["sales_rep"] = _sales_rep(data.pop("sales_rep_id"))
    return data


@router.get("", response=list[CustomerOut], summary="List customers visible to me (paged)")
@paginate(Paged)
def customer_list(request: HttpRequest, q: str = "", region: str = "", industry: str = "", size: str = "",
                  sort: str = "name", tier: str = "", frequency: str = "") -> Any:
    """`tier`: key, growing, occasional, dormant, or unclassified (no orders yet); `frequency`: high,
    medium, low, none (P4.1.b, computed from the orders of the classification period)."""
    return selectors.customer_list(user=request.user, q=q, region=region, industry=industry, size=size, sort=sort,
                                   tier=tier, frequency=frequency)


@router.post("", response={201: CustomerDetailOut}, summary="Create a customer (P2.1.c)")
def customer_create(request: HttpRequest, payload: CustomerIn) -> Status[Customer]:
    data = _customer_fields(payload.dict())
    contacts = data.pop("contacts")
    addresses = []
    for i, a in enumerate(data.pop("addresses")):
        a["region"] = region_by_code(a["region"], field=f"addresses.{i}.region")
        addresses.append(a)
    customer = services.customer_create(actor=me(request), contacts=contacts, addresses=addresses, **data)
    return Status(201, selectors.customer_get(user=request.user, pk=customer.pk))


@router.get("/{customer_id}", response=CustomerDetailOut)
def customer_detail(request: HttpRequest, customer_id: int) -> Customer:
    return selectors.customer_get(user=request.user, pk=customer_id)


@router.patch("/{customer_id}", response=CustomerDetailOut, summary="Change a customer (P4.1.a)")
def customer_update(request: HttpRequest, customer_id: int, payload: CustomerPatch) -> Customer:
    customer = selectors.customer_get(user=request.user, pk=customer_id)
    data = _customer_fields(payload.dict(exclude_unset=True))
    services.customer_update(customer=customer, actor=me(request), **data)
    return selectors.customer_get(user=request.user, pk=customer_id)


class InvoicingOut(Schema):
    """开票信息. Taxpayer number, address, phone and bank account are masked unless a duty for invoicing
    details covers the reader (finance, the customer's sales rep; P4.1.c)."""

    invoice_title: str = Field(description="发票抬头 (the company name when none was given)")
    taxpayer_number: str = Field(description="纳税人识别号: the unified social credit code")
    invoice_address: str
    invoice_phone: str
    invoice_bank: str
    invoice_bank_account: str
    invoice_type: str = choice(InvoiceType)
    invoice_type_label: str
    masked: bool
    special_invoice_gaps: list[str] = Field(description="What a special VAT invoice still lacks (P3.6)")


class InvoicingPatch(PatchIn):
    model_config = ConfigDict(extra="forbid")

    invoice_title: NonNull[str] = Field(None, max_length=200)
    invoice_address: NonNull[str] = Field(None, max_length=255)
    invoice_phone: NonNull[str] = Field(None, max_length=30)
    invoice_bank: NonNull[str] = Field(None, max_length=100)
    invoice_bank_account: NonNull[str] = Field(None, max_length=40)
    invoice_type: NonNull[str] = choice(InvoiceType, None)


def invoicing_out(customer: Customer, user: Any) -> dict[str, Any]:
    from .rules import special_invoice_gaps

    return {**selectors.invoicing_details(customer, user=user, lens=lens_for(user)),
            "special_invoice_gaps": special_invoice_gaps(selectors.special_invoice_facts(customer))}


@router.get("/{customer_id}/invoicing", response=InvoicingOut, summary="The customer's invoicing details 开票信息")
def customer_invoicing(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    return invoicing_out(selectors.customer_get(user=request.user, pk=customer_id), request.user)


@router.patch("/{customer_id}/invoicing", response=InvoicingOut,
              summary="Change the customer's invoicing details (P3.6)")
def customer_invoicing_update(request: HttpRequest, customer_id: int, payload: InvoicingPatch) -> dict[str, Any]:
    customer = selectors.customer_get(user=request.user, pk=customer_id)
    services.customer_invoicing_update(customer=customer, actor=me(request), **payload.dict(exclude_unset=True))
    return invoicing_out(selectors.customer_get(user=request.user, pk=customer_id), request.user)


@router.get("/{customer_id}/contacts", response=list[ContactOut])
def contact_list(request: HttpRequest, customer_id: int) -> list[Contact]:
    return list(selectors.customer_get(user=request.user, pk=customer_id).contacts.all())


@router.post("/{customer_id}/contacts", response={201: ContactOut})
def contact_add(request: HttpRequest, customer_id: int, payload: ContactIn) -> Status[Contact]:
    customer = selectors.customer_get(user=request.user, pk=customer_id)
    return Status(201, services.contact_add(customer=customer, actor=me(request), **payload.dict()))


@router.patch("/{customer_id}/contacts/{contact_id}", response=ContactOut)
def contact_update(request: HttpRequest, customer_id: int, contact_id: int, payload: ContactPatch) -> Contact:
    customer = selectors.customer_get(user=request.user, pk=customer_id)
    contact = selectors.contact_get(user=request.user, customer=customer, pk=contact_id)
    return services.contact_update(contact=contact, actor=me(request), **payload.dict(exclude_unset=True))


@router.delete("/{customer_id}/contacts/{contact_id}", response={204: None})
def contact_remove(request: HttpRequest, customer_id: int, contact_id: int) -> Status[None]:
    customer = selectors.customer_get(user=request.user, pk=customer_id)
    contact = selectors.contact_get(user=request.user, customer=customer, pk=contact_id)
    services.contact_remove(contact=contact, actor=me(request))
    return Status(204, None)


@router.get("/{customer_id}/addresses", response=list[AddressOut])
def address_list(request: HttpRequest, customer_id: int) -> list[CustomerAddress]:
    return list(selectors.customer_get(user=request.user, pk=customer_id).addresses.select_related("region"))


@router.post("/{customer_id}/addresses", response={201: AddressOut})
def address_add(request: HttpRequest, customer_id: int, payload: AddressIn) -> Status[CustomerAddress]:
    customer = selectors.customer_get(user=request.user, pk=customer_id)
    data = payload.dict()
    data["region"] = region_by_code(data["region"])
    return Status(201, services.address_add(customer=customer, actor=me(request), **data))


@router.patch("/{customer_id}/addresses/{address_id}", response=AddressOut)
def address_update(request: HttpRequest, customer_id: int, address_id: int,
                   payload: AddressPatch) -> CustomerAddress:
    customer = selectors.customer_get(user=request.user, pk=customer_id)
    address = selectors.address_get(user=request.user, customer=customer, pk=address_id)
    data = payload.dict(exclude_unset=True)
    if "region" in data:
        data["region"] = region_by_code(data["region"])
    return services.address_update(address=address, actor=me(request), **data)


@router.delete("/{customer_id}/addresses/{address_id}", response={204: None})
def address_remove(request: HttpRequest, customer_id: int, address_id: int) -> Status[None]:
    customer = selectors.customer_get(user=request.user, pk=customer_id)
    address = selectors.address_get(user=request.user, customer=customer, pk=address_id)
    services.address_remove(address=address, actor=me(request))
    return Status(204, None)
