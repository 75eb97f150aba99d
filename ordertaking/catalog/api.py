"""/api/v1/catalog: the product catalog, regions and payment methods (P2.3.b).

The catalog is maintained in the Django admin through catalog/services.py (each change one audit
event); a product's prices, VAT rate and activity can also be changed here (`PATCH`), through the
same service and its `catalog_manage` check.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from ordertaking.common.api import Mapped, NonNull, Paged, PatchIn

from . import selectors, services
from .models import PaymentMethod, Product, Region, TaxRate

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
    tax_rate: int
    tax_rate_label: str
    needs_production: bool
    production_lead_days: int
    involves_ip: bool
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
        "floor_price": p.floor_price if floor else None, "tax_rate": p.tax_rate,
        "tax_rate_label": str(TaxRate(p.tax_rate).label), "needs_production": p.needs_production,
        "involves_ip": p.involves_ip,
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


class ProductPatch(PatchIn):
    """What may change through the API: the tax-inclusive prices, the VAT rate, whether it is sold."""

    model_config = ConfigDict(extra="forbid")

    list_price: NonNull[Decimal] = None
    floor_price: NonNull[Decimal] = None
    tax_rate: NonNull[int] = None
    active: NonNull[bool] = None
    involves_ip: NonNull[bool] = Field(None, description="P5.3: orders with it go to the legal adviser")


@router.patch("/products/{code}", response=ProductOut,
              summary="Change a product's prices, VAT rate, activity or IP flag (P2.3.b, P5.3; catalog_manage)")
def product_update(request: HttpRequest, code: str, payload: ProductPatch) -> dict[str, Any]:
    product = selectors.product_get(code=code)
    services.product_update(product=product, actor=request.user,  # type: ignore[arg-type]
                            fields=payload.dict(exclude_unset=True))
    return product_out(selectors.product_get(code=code), floor=selectors.sees_floor_price(request.user))


@router.get("/regions", response=list[RegionOut], summary="Regions served and their transit days")
def region_list(request: HttpRequest, served: bool | None = None) -> list[Region]:
    return list(selectors.region_list(served=served))


@router.get("/payment-methods", response=list[PaymentMethodOut])
def payment_method_list(request: HttpRequest, active: bool | None = True) -> list[PaymentMethod]:
    return list(selectors.payment_method_list(active=active))
