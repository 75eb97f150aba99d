"""/api/v1/archive: the customer archive (P4.1.a/b). The customer's derived record (purchase figures,
preferences, classification, verification), verifying it, the customers due for verification, the
classification thresholds and recomputing them. Same services and selectors as the pages; the list
of customers with its class and tier filters is `/api/v1/customers?tier=&frequency=`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from ordertaking.accounts.models import User
from ordertaking.common.api import Mapped, Paged
from ordertaking.common.errors import NotFound
from ordertaking.customers import selectors as customer_selectors
from ordertaking.customers.models import Customer

from . import selectors, services

router = Router()


def me(request: HttpRequest) -> User:
    return cast(User, request.user)


class ArchiveProductOut(Schema):
    product_code: str
    name: str
    orders: int
    quantity: Decimal | None
    amount: Decimal


class UsualPlaceOut(Schema):
    province: str | None
    city: str
    orders: int


class UsualPaymentOut(Schema):
    payment_method: str
    orders: int


class ArchiveOut(Schema):
    customer_id: int
    name: str
    size: str
    industry: str
    purchase_frequency: str = Field(..., description="high, medium, low, none; empty until classified")
    orders_in_period: int
    value_tier: str = Field(..., description="key, growing, occasional, dormant; empty: no orders yet")
    classified_at: datetime | None
    last_verified_at: datetime | None
    last_verified_by: str | None
    verified_items: list[str]
    verification_due: bool
    orders_bought: int
    amount_bought: Decimal
    first_order_on: date | None
    last_order_on: date | None
    period_from: date
    orders_in_period_visible: int = Field(..., description="Orders in the period among those you may see")
    amount_in_period: Decimal
    products_bought_most: list[ArchiveProductOut]
    usual_delivery_places: list[UsualPlaceOut]
    usual_payment_methods: list[UsualPaymentOut]
    preferences: str
    notes: str


class VerifyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    confirmed: list[str] = Field(..., description="What was confirmed: basic, contacts, addresses, invoicing, "
                                                  "preferences", max_length=10)
    note: str = Field("", max_length=1000)


class VerificationDueOut(Schema):
    customer_id: int
    name: str
    sales_rep: str | None
    last_verified_at: datetime | None
    created_at: datetime


class ThresholdsOut(Schema):
    period_months: int
    frequent_orders: int
    regular_orders: int
    active_days: int
    dormant_days: int
    key_orders: int
    key_amount: Decimal
    growing_orders: int
    growing_amount: Decimal
    updated_at: datetime | None
    updated_by: str | None


class ThresholdsPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    period_months: int | None = Field(None, ge=1, le=60)
    frequent_orders: int | None = Field(None, ge=1, le=100000)
    regular_orders: int | None = Field(None, ge=1, le=100000)
    active_days: int | None = Field(None, ge=1, le=100000)
    dormant_days: int | None = Field(None, ge=1, le=100000)
    key_orders: int | None = Field(None, ge=1, le=100000)
    key_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    growing_orders: int | None = Field(None, ge=1, le=100000)
    growing_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)


class ClassificationRefreshOut(Schema):
    customers: int
    changed: int


def _customer(request: HttpRequest, customer_id: int) -> Customer:
    return customer_selectors.customer_get(user=request.user, pk=customer_id)


def _archive(request: HttpRequest, c: Customer) -> dict[str, Any]:
    user = request.user
    s = selectors.purchase_summary(user=user, customer=c)
    return {
        "customer_id": c.pk, "name": c.name, "size": c.size, "industry": c.industry,
        "purchase_frequency": c.purchase_frequency, "orders_in_period": c.orders_in_period,
        "value_tier": c.value_tier, "classified_at": c.classified_at, "last_verified_at": c.last_verified_at,
        "last_verified_by": str(c.last_verified_by) if c.last_verified_by_id else None,
        "verified_items": list(c.verified_items or []), "verification_due": selectors.is_verification_due(c),
        "orders_bought": s.orders, "amount_bought": s.amount, "first_order_on": s.first_on, "last_order_on": s.last_on,
        "period_from": s.period_from, "orders_in_period_visible": s.orders_in_period,
        "amount_in_period": s.amount_in_period,
        "products_bought_most": [{**p, "amount": p["amount"] or Decimal("0.00")}
                                 for p in selectors.top_products(user=user, customer=c)],
        "usual_delivery_places": [{"province": p["delivery_region__name"], "city": p["delivery_city"], "orders": p["n"]}
                                  for p in selectors.usual_delivery_places(user=user, customer=c)],
        "usual_payment_methods": [{"payment_method": p["payment_method__name"], "orders": p["n"]}
                                  for p in selectors.usual_payment_methods(user=user, customer=c)],
        "preferences": c.preferences, "notes": c.notes,
    }


@router.get("/customers/{customer_id}", response=ArchiveOut, summary="A customer's archive (P4.1.a/b)")
def archive_get(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    return _archive(request, _customer(request, customer_id))


@router.post("/customers/{customer_id}/verify", response=ArchiveOut,
             summary="Record that the customer confirmed its data (P4.1.a)")
def archive_verify(request: HttpRequest, customer_id: int, payload: VerifyIn) -> dict[str, Any]:
    customer = services.customer_verify(actor=me(request), customer=_customer(request, customer_id),
                                        confirmed=payload.confirmed, note=payload.note)
    return _archive(request, _customer(request, customer.pk))


@router.get("/verification-due", response=list[VerificationDueOut],
            summary="Customers whose data is due for verification, oldest first (paged)")
@paginate(Paged)
def verification_due_list(request: HttpRequest, mine: bool | None = None) -> Any:
    if not request.user.has_perm("accounts.customer_view"):
        return []
    return Mapped(selectors.verification_due(user=request.user, mine=mine), lambda c: {
        "customer_id": c.pk, "name": c.name, "sales_rep": str(c.sales_rep) if c.sales_rep else None,
        "last_verified_at": c.last_verified_at, "created_at": c.created_at})


def _thresholds_out() -> dict[str, Any]:
    row = selectors.thresholds_current()
    return {**{f: getattr(row, f) for f in ThresholdsPatch.model_fields},
            "updated_at": row.updated_at, "updated_by": str(row.updated_by) if row.updated_by_id else None}


@router.get("/thresholds", response=ThresholdsOut, summary="The classification thresholds (P4.1.b)")
def thresholds_get(request: HttpRequest) -> dict[str, Any]:
    if not request.user.has_perm("accounts.customer_view"):
        raise NotFound("not found")
    return _thresholds_out()


@router.patch("/thresholds", response=ThresholdsOut,
              summary="Change the classification thresholds (leadership) and recompute the classes")
def thresholds_update(request: HttpRequest, payload: ThresholdsPatch) -> dict[str, Any]:
    services.tier_thresholds_update(actor=me(request), **payload.dict(exclude_none=True))
    services.classification_refresh(actor=me(request))
    return _thresholds_out()


@router.post("/classification/refresh", response=ClassificationRefreshOut,
             summary="Classify every customer again now (leadership, P4.1.b)")
def classification_refresh(request: HttpRequest) -> dict[str, int]:
    return services.classification_refresh(actor=me(request))
