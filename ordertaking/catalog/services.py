"""Every write to the catalog and the price policy (P2.3.b): categories, products and services with
their list and floor prices, regions with their transit days, payment methods.

The review checks orders against these rows, so each change is a service that checks
`catalog_manage`, validates with the model (field validators and the floor-not-above-list
constraint), and writes its audit event in the same transaction: the audit trail is the one history
of the price policy, and a reviewer or auditor can see which rule was in force when an order was
checked. The Django admin saves through these services.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from ordertaking.accounts.models import User
from ordertaking.audit.services import changes, event_record
from ordertaking.common.errors import PermissionDenied, ValidationFailed

from .models import DEFAULT_TAX_RATE, Category, PaymentMethod, Product, Region, TaxRate

M = TypeVar("M", bound=models.Model)

# The fields a service may set, and the audit action's noun, per kind of record.
FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Category: ("code", "name"),
    Product: ("code", "name", "specification", "unit", "kind", "category", "list_price", "floor_price",
              "tax_rate", "needs_production", "production_lead_days", "active", "involves_ip"),
    Region: ("code", "name", "transit_days", "served"),
    PaymentMethod: ("code", "name", "kind", "term_days", "open_to_all", "active"),
}
NOUNS: dict[type[models.Model], str] = {Category: "category", Product: "product", Region: "region",
                                        PaymentMethod: "payment_method"}


def _require_manage(actor: User) -> None:
    if not actor.has_perm("accounts.catalog_manage"):
        raise PermissionDenied(_("You may not change the catalog or the price policy."))


def _snapshot(obj: models.Model) -> dict[str, Any]:
    """Plain values for the audit log: the category by its code, money as Decimal."""
    out: dict[str, Any] = {}
    for name in FIELDS[type(obj)]:
        value = getattr(obj, name)
        out[name] = value.code if isinstance(value, Category) else value
    return out


def _full_clean(obj: models.Model) -> None:
    """The model's own validation (validators, choices, unique codes, the floor-price constraint);
    the first problem becomes a ValidationFailed naming its field."""
    try:
        obj.full_clean()
    except DjangoValidationError as e:
        errors = getattr(e, "error_dict", None) or {None: e.error_list}
        field, problems = next(iter(errors.items()))
        name = None if field in (None, "__all__") else field
        if name is None and isinstance(obj, Product):
            # the one table-wide rule on a product: floor not above list (P2.3.b), in words, not by its name
            raise ValidationFailed(_("The floor price may not be above the list price."), code="floor_above_list",
                                   field="floor_price") from None
        raise ValidationFailed(" ".join(str(m) for p in problems for m in p.messages), field=name) from None


def _save(*, actor: User, obj: M, values: Mapping[str, Any], clause: str) -> M:
    """Set `values` on `obj` (new, or locked), validate, save, and record what changed."""
    unknown = set(values) - set(FIELDS[type(obj)])
    if unknown:
        raise ValidationFailed(_("This field cannot be changed."), code="read_only", field=sorted(unknown)[0])
    noun = NOUNS[type(obj)]
    creating = obj.pk is None
    before = {} if creating else _snapshot(obj)
    for name, value in values.items():
        setattr(obj, name, value)
    _full_clean(obj)
    after = _snapshot(obj)
    if not creating and before == after:
        return obj  # nothing changed: no write, no event
    obj.save()
    if creating:
        event_record(actor=actor, action=f"{noun}.created", subject=obj, clause=clause,
                     after={k: v for k, v in after.items() if v not in ("", None)})
    else:
        b, a = changes(before, after)
        event_record(actor=actor, action=f"{noun}.updated", subject=obj, clause=clause, before=b, after=a)
    return obj


def _create(model: type[M], *, actor: User, values: Mapping[str, Any], clause: str) -> M:
    _require_manage(actor)
    with transaction.atomic():
        return _save(actor=actor, obj=model(), values=values, clause=clause)


def _update(obj: M, *, actor: User, values: Mapping[str, Any], clause: str) -> M:
    _require_manage(actor)
    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        return _save(actor=actor, obj=locked, values=values, clause=clause)


# --- categories -------------------------------------------------------------------------------------

def category_create(*, actor: User, code: str, name: str) -> Category:
    return _create(Category, actor=actor, values={"code": code, "name": name}, clause="P2.3.b")


def category_update(*, category: Category, actor: User, fields: Mapping[str, Any]) -> Category:
    return _update(category, actor=actor, values=fields, clause="P2.3.b")


# --- products and services, with the price policy ----------------------------------------------------

def default_tax_rate(kind: str) -> int:
    """The rate a new item gets when none is given: 6% for a service, 13% for goods. The catalog
    maintainer sets 9% or 3% where the item's tax category says so."""
    return int(TaxRate.SERVICES if kind == Product.Kind.SERVICE else DEFAULT_TAX_RATE)


def product_create(*, actor: User, code: str, name: str, category: Category, list_price: Decimal,
                   floor_price: Decimal, specification: str = "", unit: str = "件",
                   kind: str = Product.Kind.PRODUCT, tax_rate: int | None = None,
                   needs_production: bool = False,
                   production_lead_days: int = 0, active: bool = True, involves_ip: bool = False) -> Product:
    """P2.3.b: a new catalog item with its list price and floor price (the lowest price allowed
    without special approval, P2.3.c), both tax-inclusive at its VAT rate (`tax_rate`, percent)."""
    return _create(Product, actor=actor, clause="P2.3.b", values={
        "code": code, "name": name, "category": category, "list_price": list_price, "floor_price": floor_price,
        "specification": specification, "unit": unit, "kind": kind,
        "tax_rate": default_tax_rate(kind) if tax_rate is None else tax_rate,
        "needs_production": needs_production,
        "production_lead_days": production_lead_days, "active": active, "involves_ip": involves_ip})


def product_update(*, product: Product, actor: User, fields: Mapping[str, Any]) -> Product:
    """P2.3.b: change a catalog item or its prices; retire it with active=False (orders keep their copy
    of code, name and price, so an old order never changes)."""
    return _update(product, actor=actor, values=fields, clause="P2.3.b")


# --- regions and payment methods ---------------------------------------------------------------------

def region_create(*, actor: User, code: str, name: str, transit_days: int = 3, served: bool = True) -> Region:
    return _create(Region, actor=actor, clause="P2.3.a", values={
        "code": code, "name": name, "transit_days": transit_days, "served": served})


def region_update(*, region: Region, actor: User, fields: Mapping[str, Any]) -> Region:
    """P2.3.a: delivery place and time are reasonable: which provinces are served, in how many days."""
    return _update(region, actor=actor, values=fields, clause="P2.3.a")


def payment_method_create(*, actor: User, code: str, name: str, kind: str, term_days: int = 0,
                          open_to_all: bool = False, active: bool = True) -> PaymentMethod:
    return _create(PaymentMethod, actor=actor, clause="P2.3.b", values={
        "code": code, "name": name, "kind": kind, "term_days": term_days, "open_to_all": open_to_all,
        "active": active})


def payment_method_update(*, payment_method: PaymentMethod, actor: User,
                          fields: Mapping[str, Any]) -> PaymentMethod:
    return _update(payment_method, actor=actor, values=fields, clause="P2.3.b")
