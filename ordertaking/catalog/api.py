"""/api/v1/catalog: read-only product catalog, regions and payment methods (P2.3.b).

Writes happen in the Django admin through catalog/services.py (each one an audit event), so this
router only reads.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from ordertaking.common.api import Mapped, Paged

from . import selectors
from .models import PaymentMethod, Product, Region

router = Router()


class ProductOut(Schema):
    code: str
    name: str
    specification: str
    unit: str
    kind: str
    category: str
    category_name: str
    list_price: Decimal
    floor_price: Decimal | None = None  # only for roles that see the price floor
    needs_production: bool
    production_lead_days: int
    active: bool


class ProductPage(Schema):
    count: int
    items: list[ProductOut]


class RegionOut(Schema):
    code: str
    name: str
    transit_days: int
    served: bool


class PaymentMethodOut(Schema):
    code: str
    name: str
    kind: str
    term_days: int
    open_to_all: bool
    active: bool


def product_out(p: Product, *, floor: bool) -> dict[str, Any]:
    return {
        "code": p.code, "name": p.name, "specification": p.specification, "unit": p.unit, "kind": p.kind,
        "category": p.category.code, "category_name": p.category.name, "list_price": p.list_price,
        "floor_price": p.floor_price if floor else None, "needs_production": p.needs_production,
        "production_lead_days": p.production_lead_days, "active": p.active,
    }


@router.get("/products", response=list[ProductOut], summary="Search the product catalog (P2.3.b), paged")
@paginate(Paged)
def product_list(request: HttpRequest, q: str = "", category: str = "", active: bool | None = True,
                 kind: str = "", sort: str = "code") -> Mapped:
    qs = selectors.product_list(q=q, category=category, active=active, kind=kind, sort=sort)
    floor = selectors.sees_floor_price(request.user)
    return Mapped(qs, lambda p: product_out(p, floor=floor))


@router.get("/products/{code}", response=ProductOut)
def product_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return product_out(selectors.product_get(code=code), floor=selectors.sees_floor_price(request.user))


@router.get("/regions", response=list[RegionOut], summary="Regions served and their transit days")
def region_list(request: HttpRequest, served: bool | None = None) -> list[Region]:
    return list(selectors.region_list(served=served))


@router.get("/payment-methods", response=list[PaymentMethodOut])
def payment_method_list(request: HttpRequest, active: bool | None = True) -> list[PaymentMethod]:
    return list(selectors.payment_method_list(active=active))
