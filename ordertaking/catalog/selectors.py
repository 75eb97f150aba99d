"""Reads of the catalog and price policy (P2.3.b).

Every signed-in user may read the catalog. The floor price is the company's bottom line in
price negotiation, so only the roles holding `floor_price_view` see it (the order center, which
reviews prices, P2.3.a; finance, P3.6; leadership, special approval, P2.3.c; the administrator);
sales see the list price.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ordertaking.common.errors import NotFound

from .models import Category, PaymentMethod, Product, Region

SORTS = {
    "code": "code", "-code": "-code", "name": "name", "-name": "-name",
    "category": "category__code", "-category": "-category__code",
    "list_price": "list_price", "-list_price": "-list_price",
    "lead": "production_lead_days", "-lead": "-production_lead_days",
}


def sees_floor_price(user: Any) -> bool:
    """P2.3.b: the roles holding `floor_price_view` (accounts/roles.py)."""
    return bool(user.is_authenticated and user.has_perm("accounts.floor_price_view"))


def product_list(*, q: str = "", category: str = "", active: bool | None = True, kind: str = "",
                 sort: str = "code") -> QuerySet[Product]:
    qs = Product.objects.select_related("category")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(specification__icontains=q))
    if category:
        qs = qs.filter(category__code=category)
    if active is not None:
        qs = qs.filter(active=active)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by(SORTS.get(sort, "code"), "id")


def product_search(q: str, limit: int = 20) -> list[Product]:
    """For the order form's product picker: active products whose code, name or specification match,
    codes that start with the query first."""
    q = (q or "").strip()
    qs = product_list(q=q, active=True)
    if not q:
        return list(qs[:limit])
    starts = list(qs.filter(code__istartswith=q)[:limit])
    seen = {p.pk for p in starts}
    rest = [p for p in qs.exclude(pk__in=seen)[:limit] if p.pk not in seen]
    return (starts + rest)[:limit]


def product_get(*, code: str) -> Product:
    product = Product.objects.select_related("category").filter(code=code).first()
    if product is None:
        raise NotFound(_("Product not found."))
    return product


def categories() -> QuerySet[Category]:
    return Category.objects.all()


def region_list(*, served: bool | None = None) -> QuerySet[Region]:
    qs = Region.objects.all()
    if served is not None:
        qs = qs.filter(served=served)
    return qs


def payment_method_list(*, active: bool | None = True) -> QuerySet[PaymentMethod]:
    qs = PaymentMethod.objects.all()
    if active is not None:
        qs = qs.filter(active=active)
    return qs


def payment_methods_for(customer: Any) -> QuerySet[PaymentMethod]:
    """P2.3.b: the payment methods a customer may use: those open to all plus those granted to it."""
    qs = PaymentMethod.objects.filter(active=True)
    if customer is None:
        return qs.filter(open_to_all=True)
    return qs.filter(Q(open_to_all=True) | Q(customers=customer)).distinct()
