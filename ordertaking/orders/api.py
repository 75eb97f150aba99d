"""Orders in the JSON API, mounted at /api/v1/orders (P2.2, P4.2.a).

Orders are found by their number (P2.2.c). Products, regions and payment methods are
named by their codes, the customer by its id. Thin endpoints: parse, call one
service or selector, answer. Errors come back as {"code", "message", "field"}.

Line fields in errors: a value of the wrong JSON type is refused by the schema with the
list index (`lines.0.quantity`); a value that breaks a rule (negative, too large, unknown
product) is named by its line number as the page shows it (`lines.1.quantity`), the same
numbering as the completeness findings of submit.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import register_converter
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from ordertaking.accounts.models import User
from ordertaking.catalog.models import PaymentMethod, Product, Region
from ordertaking.common.api import NonNull, PatchIn, choice
from ordertaking.common.errors import PermissionDenied, ValidationFailed
from ordertaking.common.pdf import pdf_response
from ordertaking.common.prepared import Prepared
from ordertaking.common.sql import ModelUnion, OneOf, texts_param
from ordertaking.customers.models import Customer
from ordertaking.customers.selectors import customers_in_scope, customers_scope

from . import selectors, services
from .documents import contract_document
from .models import ContractTerms, Order, OrderLine
from .permissions import may_enter_orders
from .states import OrderState


class OrderNumberConverter:
    """Any path segment except the review router's literal `special-approvals` (same mount point)."""

    regex = r"(?!special-approvals(?:/|$))[^/]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(OrderNumberConverter, "orderno")

router = Router()


# --- schemas ----------------------------------------------------------------------------------------

class LineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    product: str | None = Field(None, description="Product code from the catalog; empty for a free-text line")
    name: str = ""
    specification: str = ""
    description: str = ""
    unit: str = ""
    quantity: Decimal | None = None
    unit_price: Decimal | None = Field(None, description="Tax-inclusive (含税); defaults to the product's list price")
    tax_rate: int | None = Field(None, description="VAT rate in percent (13, 9, 6, 3 or 0). A catalog product's "
                                                   "line takes the product's rate; a free-text line defaults to 13")


class OrderIn(Schema):
    model_config = ConfigDict(extra="forbid")

    customer: int
    sales_rep: str | None = Field(None, description="Username; defaults to the customer's sales rep")
    delivery_date: date | None = None
    delivery_region: str | None = Field(None, description="Region (province) code")
    delivery_city: str = ""
    delivery_address: str = ""
    payment_method: str | None = Field(None, description="Payment method code")
    customer_reference: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    notes: str = ""
    contract_terms: str = choice(ContractTerms, ContractTerms.STANDARD.value, max_length=12,
                                 description="P5.3: non-standard terms go to the legal adviser before approval")
    contract_terms_text: str = Field("", description="What departs from the standard contract; required with "
                                                     "non_standard")
    lines: list[LineIn] = []


class OrderPatch(PatchIn):
    """Header fields and, when given, the full list of lines. Never the state (extra fields are refused)."""

    model_config = ConfigDict(extra="forbid")

    customer: NonNull[int] = None
    sales_rep: str | None = None
    delivery_date: date | None = None
    delivery_region: str | None = None
    delivery_city: str | None = None
    delivery_address: str | None = None
    payment_method: str | None = None
    customer_reference: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    notes: str | None = None
    contract_terms: str | None = None
    contract_terms_text: str | None = None
    lines: list[LineIn] | None = None


class CancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str


class LineOut(Schema):
    position: int
    product: str | None
    product_code: str
    name: str
    specification: str
    description: str
    unit: str
    quantity: Decimal | None
    unit_price: Decimal | None
    list_price: Decimal | None
    amount: Decimal = Field(description="Tax-inclusive line amount (价税合计)")
    tax_rate: int = Field(description="VAT rate in percent (税率)")
    net_amount: Decimal = Field(description="Amount without tax (不含税金额)")
    tax_amount: Decimal = Field(description="Tax (税额)")


class OrderSummaryOut(Schema):
    number: str
    state: str = choice(OrderState)
    state_label: str
    customer_id: int
    customer_name: str
    sales_rep: str
    delivery_date: date | None
    total_amount: Decimal = Field(description="Tax-inclusive total (价税合计)")
    net_total: Decimal = Field(description="Sum of the lines' amounts without tax (不含税金额)")
    tax_total: Decimal = Field(description="Sum of the lines' tax (税额)")
    currency: str
    created_at: datetime


class OrderOut(OrderSummaryOut):
    revision: int
    entered_by: str
    delivery_region: str | None
    delivery_region_name: str | None
    delivery_city: str
    delivery_address: str
    payment_method: str | None
    payment_method_name: str | None
    customer_reference: str
    contact_name: str
    contact_phone: str
    notes: str
    contract_terms: str = choice(ContractTerms)
    contract_terms_text: str
    cancel_reason: str
    submitted_at: datetime | None
    approved_at: datetime | None
    lines: list[LineOut]


class OrderPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[OrderSummaryOut]


class TimelineChangeOut(Schema):
    key: str
    field: str
    before: str
    after: str


class TimelineEventOut(Schema):
    """One entry of an order's own history (not the audit log's AuditEventOut)."""

    at: datetime
    actor: str
    action: str
    description: str
    clause: str
    message: str
    changes: list[TimelineChangeOut]


class OrderFilters(Schema):
    state: OrderState | None = None
    customer: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str = Field("", max_length=100)
    sort: str = Field(selectors.DEFAULT_SORT, pattern=r"^-?(number|customer|created|delivery|total|state)$")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=200)


# --- mapping between the JSON and the services -------------------------------------------------------

def _summary(order: Order) -> dict[str, Any]:
    return {"number": order.number, "state": order.state, "state_label": str(order.get_state_display()),
            "customer_id": order.customer_id, "customer_name": order.customer.name,
            "sales_rep": order.sales_rep.username, "delivery_date": order.delivery_date,
            "total_amount": order.total_amount, "net_total": order.net_total, "tax_total": order.tax_total,
            "currency": order.currency, "created_at": order.created_at}


def _line(line: OrderLine) -> dict[str, Any]:
    return {"position": line.position, "product": line.product.code if line.product else None,
            "product_code": line.product_code, "name": line.name, "specification": line.specification,
            "description": line.description, "unit": line.unit, "quantity": line.quantity,
            "unit_price": line.unit_price, "list_price": line.list_price, "amount": line.amount,
            "tax_rate": line.tax_rate, "net_amount": line.net_amount, "tax_amount": line.tax_amount}


def order_out(order: Order, user: Any) -> dict[str, Any]:
    region, pm = order.delivery_region, order.payment_method
    contact = selectors.order_contact(order, user)  # P4.1.c: in full only for those whose work needs it
    return {**_summary(order), "revision": order.revision, "entered_by": order.entered_by.username,
            "delivery_region": region.code if region else None, "delivery_region_name": region.name if region else None,
            "delivery_city": order.delivery_city, "delivery_address": contact["delivery_address"],
            "payment_method": pm.code if pm else None, "payment_method_name": pm.name if pm else None,
            "customer_reference": order.customer_reference, "contact_name": contact["contact_name"],
            "contact_phone": contact["contact_phone"], "notes": order.notes, "cancel_reason": order.cancel_reason,
            "contract_terms": order.contract_terms, "contract_terms_text": order.contract_terms_text,
            "submitted_at": order.submitted_at, "approved_at": order.approved_at,
            "lines": [_line(ln) for ln in selectors.order_lines(order)]}


# What a body names: its customer by id, as the actor may see it (P4.1.c), and the catalog rows by code (its delivery
# region, payment method and products), in ONE statement compiled once per process and scope (common/prepared.py):
# read on every order entered or changed through the API.
_NAMED = ModelUnion(Customer, Region, PaymentMethod, Product)


def _catalog(region: str, payment_method: str, products: str) -> tuple[QuerySet[Any], ...]:
    return (Region.objects.filter(code=region), PaymentMethod.objects.filter(code=payment_method),
            Product.objects.filter(OneOf("code", products)))


def _named_any(customer: int, region: str, payment_method: str, products: str) -> QuerySet[Any]:
    return _NAMED.queryset(customers_in_scope("all", 0).filter(pk=customer),
                           *_catalog(region, payment_method, products))


def _named_own(customer: int, user_id: int, region: str, payment_method: str, products: str) -> QuerySet[Any]:
    return _NAMED.queryset(customers_in_scope("own", user_id).filter(pk=customer),
                           *_catalog(region, payment_method, products))


_NAMED_READ: dict[str, Prepared[Any]] = {"all": Prepared(_named_any), "own": Prepared(_named_own)}
NUL = "\x00"  # PostgreSQL text cannot hold it: a code holding one is read alone, at its turn, as it always was


def _code(value: Any) -> str | None:
    return None if value is None or value == "" else str(value).strip()


def _named(user: Any, customer: Any, region: str | None, payment_method: str | None,
           products: set[str]) -> tuple[Customer | None, dict[str, Region], dict[str, PaymentMethod],
                                        dict[str, Product]]:
    """The customer `customer` (an id, or None when the body names none) if `user` may see it, and the regions,
    payment methods and products the body names, by code: one read. Nothing is read for a customer the user
    cannot see (its error comes first) or when the body names nothing."""
    scope = "all" if customer is None else customers_scope(user)
    if customer is not None and (scope == "none" or not str(customer).isdigit()):
        return None, {}, {}, {}
    codes = [c if c is not None and NUL not in c else None for c in (region, payment_method)]
    clean = {c for c in products if NUL not in c}
    if customer is None and codes == [None, None] and not clean:
        return None, {}, {}, {}
    values = {"customer": int(customer or 0), "region": codes[0] or "", "payment_method": codes[1] or "",
              "products": texts_param(clean)}
    if scope == "own":
        values["user_id"] = user.pk
    customers, regions, methods, found = _NAMED.split(_NAMED_READ[scope].rows(**values), Customer.objects.db)
    return (customers[0] if customers else None, {r.code: r for r in regions}, {m.code: m for m in methods},
            {p.code: p for p in found})


def _by_code(found: dict[str, Any], model: Any, code: str | None, *, field: str, message: str) -> Any:
    if code is None:
        return None
    obj = model.objects.filter(code=code).first() if NUL in code else found.get(code)
    if obj is None:
        raise ValidationFailed(message, code="unknown_code", field=field)
    return obj


def _resolve(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    """Codes and ids → the objects the services take; unknown ones are 422 with their field."""
    out = dict(data)
    if "customer" in out and out["customer"] is None:
        raise ValidationFailed(_("Choose the customer."), field="customer")
    region, method = _code(out.get("delivery_region")), _code(out.get("payment_method"))
    codes = ({str(raw.get("product")).strip() for raw in out["lines"] if raw.get("product") not in (None, "")}
             if out.get("lines") is not None else set())
    customer, regions, methods, products = _named(request.user, out.get("customer"), region, method, codes)
    if "customer" in out:
        if customer is None:  # P4.1.c: only customers the actor may see can be ordered for
            raise ValidationFailed(_("Unknown customer."), code="unknown_customer", field="customer")
        out["customer"] = customer
    if "sales_rep" in out and out["sales_rep"] is not None:
        rep = User.objects.filter(username=out["sales_rep"], is_active=True).first()
        if rep is None:
            raise ValidationFailed(_("Unknown user."), code="unknown_user", field="sales_rep")
        out["sales_rep"] = rep
    if "delivery_region" in out:
        out["delivery_region"] = _by_code(regions, Region, region, field="delivery_region",
                                          message=_("Unknown region code."))
    if "payment_method" in out:
        out["payment_method"] = _by_code(methods, PaymentMethod, method, field="payment_method",
                                         message=_("Unknown payment method code."))
    for name in ("delivery_city", "delivery_address", "customer_reference", "contact_name", "contact_phone",
                 "notes", "contract_terms_text"):
        if name in out and out[name] is None:
            out[name] = ""
    if out.get("lines") is not None:
        if any(NUL in c for c in codes):
            products = Product.objects.in_bulk(codes, field_name="code")
        lines = []
        for i, raw in enumerate(out["lines"], start=1):
            line = dict(raw)
            code = line.get("product")
            if code not in (None, ""):
                line["product"] = products.get(str(code).strip())
                if line["product"] is None:
                    raise ValidationFailed(_("Unknown product code."), code="unknown_code", field=f"lines.{i}.product")
            else:
                line["product"] = None
            lines.append(line)
        out["lines"] = lines
    return out


def _request_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


# --- endpoints ----------------------------------------------------------------------------------------

@router.get("", response=OrderPage, summary="List the orders I may see (P4.2.c)")
def order_list(request: HttpRequest, filters: Query[OrderFilters]) -> dict[str, Any]:
    qs = selectors.order_list(user=request.user, state=filters.state or "", customer_id=filters.customer,
                              date_from=filters.date_from, date_to=filters.date_to, q=filters.q,
                              sort=filters.sort)
    start = (filters.page - 1) * filters.page_size
    return {"count": qs.count(), "page": filters.page, "page_size": filters.page_size,
            "items": [_summary(o) for o in qs[start:start + filters.page_size]]}


@router.post("", response={200: OrderOut, 201: OrderOut},
             summary="Enter a draft order (P2.2.b); honours Idempotency-Key")
def order_create(request: HttpRequest, payload: OrderIn,
                 idempotency_key: str = Header(  # noqa: B008
                     "", alias="Idempotency-Key", max_length=200,
                     description="Retry-safe creation: the same key with the same body answers the first "
                                 "order (200) instead of a second one (201); with another body, 409.")
                 ) -> Status[dict[str, Any]]:
    if not may_enter_orders(request.user):
        # Before the codes are resolved: a role that may not enter orders learns 403, not "unknown customer".
        raise PermissionDenied(_("You may not enter orders."))
    data = payload.dict()
    key = idempotency_key.strip()
    kwargs = _resolve(request, data)
    if key:
        order, created = services.order_create_idempotent(actor=request.user, key=key,  # type: ignore[arg-type]
                                                          request_hash=_request_hash(data), **kwargs)
    else:
        order, created = services.order_create(actor=request.user, **kwargs), True  # type: ignore[arg-type]
    if created:
        # The order as the service saved it, holding the objects it was given (customer, region, payment method,
        # the actor as its author): answered without reading it back, its lines too (left in its cache by the service).
        _rep_known(order, request.user)
    else:  # the first order of this Idempotency-Key, as it is stored
        order = selectors.order_get(user=request.user, number=order.number)
    return Status(201 if created else 200, order_out(order, request.user))


def _rep_known(order: Order, user: Any) -> None:
    """The new order's sales rep is the actor (the customer's rep, or the customer has none): set by id by the
    service, the answer takes the actor instead of reading the user row. Another rep is read when answered."""
    if not Order.sales_rep.is_cached(order) and order.sales_rep_id == user.pk:
        order.sales_rep = user


@router.get("/{orderno:number}", response=OrderOut, summary="One order by its number (P2.2.c)")
def order_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    return order_out(selectors.order_get(user=request.user, number=number), request.user)


@router.patch("/{orderno:number}", response=OrderOut, summary="Change header and lines (draft or returned)")
def order_update(request: HttpRequest, number: str, payload: OrderPatch) -> dict[str, Any]:
    order = selectors.order_get(user=request.user, number=number)
    data = _resolve(request, payload.dict(exclude_unset=True))
    lines = data.pop("lines", None)
    services.order_update(order=order, actor=request.user, changes=data, lines=lines)  # type: ignore[arg-type]
    return order_out(selectors.order_get(user=request.user, number=number), request.user)


@router.post("/{orderno:number}/cancel", response=OrderOut, summary="Cancel a draft or returned order")
def order_cancel(request: HttpRequest, number: str, payload: CancelIn) -> dict[str, Any]:
    order = selectors.order_get(user=request.user, number=number)
    services.order_cancel(order=order, actor=request.user, reason=payload.reason)  # type: ignore[arg-type]
    return order_out(selectors.order_get(user=request.user, number=number), request.user)


@router.get("/{orderno:number}/timeline", response=list[TimelineEventOut], summary="The order's history (P4.2.a)")
def order_timeline(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    order = selectors.order_get(user=request.user, number=number)
    return [{"at": ev.at, "actor": ev.actor_name, "action": ev.action, "description": str(ev.description),
             "clause": ev.clause, "message": ev.message,
             "changes": [{k: str(row.get(k, "")) for k in ("key", "field", "before", "after")}
                         for row in ev.changes]}
            for ev in selectors.order_timeline(order, masked=not selectors.order_contact_visible(request.user, order))]


PDF_RESPONSE: dict[str, Any] = {"responses": {200: {
    "description": "The document as a PDF download, in the language of the request (Accept-Language)",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}}


@router.get("/{orderno:number}/contract.pdf", summary="The sales contract as PDF (P2.2, P2.3)",
            openapi_extra=PDF_RESPONSE)
def order_contract_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """销售合同: both parties, the lines, the delivery and payment terms, the company's terms and the
    signature blocks; the buyer's phone masked for readers who may not see it (P4.1.c)."""
    order = selectors.order_get(user=request.user, number=number)
    return pdf_response(contract_document(order, reader=request.user))
