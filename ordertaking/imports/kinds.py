"""The four kinds of import and their columns (issue 12, "Excel in and out").

Each kind names its columns (key, label, help text for the template's notes sheet, an example), turns
a row's cells into the values its service takes, and writes the row through that service: customers
through `customers.services.customer_create`, contacts through `contact_add`, products through
`catalog.services.product_create`, the price policy through `product_update`. The services keep the
one set of rules (credit code check digit, phone, e-mail, duplicates, floor not above list price);
this module only reads the cells and finds the records they name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.accounts.models import User
from ordertaking.catalog import services as catalog_services
from ordertaking.catalog.models import Category, Product, Region, TaxRate
from ordertaking.customers import services as customer_services
from ordertaking.customers.models import Customer
from ordertaking.customers.rules import normalize_credit_code, normalize_phone
from ordertaking.customers.selectors import customers_visible

from .models import ImportBatch


class CellError(Exception):
    """One cell that cannot be read as its column's value: a code and its parameters (imports.errors)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


YES = {"是", "y", "yes", "true", "1", "√", "✓", "x"}
NO = {"否", "n", "no", "false", "0", ""}


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    help: Any
    example: str
    required: bool = False
    type: str = "text"  # text, decimal, int, bool, choice
    choices: Callable[[], list[tuple[Any, Any]]] | None = None
    lookup: Callable[[str, Any], Any] | None = None  # (text, context) -> record, or CellError
    confidential: str = ""  # the masking shape for those who did not upload the file (P4.1.c)


@dataclass
class Context:
    """What the rows of one run share: the acting user and the records already looked up."""

    actor: User
    cache: dict[tuple[str, str], Any] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)  # a row's key within the file -> first row number

    def cached(self, kind: str, text: str, find: Callable[[], Any]) -> Any:
        key = (kind, text)
        if key not in self.cache:
            self.cache[key] = find()
        return self.cache[key]


@dataclass(frozen=True)
class Kind:
    key: str
    capability: str
    clause: str
    columns: tuple[Column, ...]
    apply: Callable[[User, dict[str, Any]], tuple[str, str]]  # -> (outcome, record label)
    row_key: Callable[[dict[str, Any]], tuple[str, str] | None]  # (column, key) a file may not repeat
    field_columns: Mapping[str, str] = field(default_factory=dict)  # a service's field -> our column
    check: Callable[[dict[str, Any]], CellError | None] | None = None

    @property
    def label(self) -> Any:
        return ImportBatch.Kind(self.key).label

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def column_for(self, service_field: str | None) -> str:
        if not service_field:
            return ""
        key = self.field_columns.get(service_field, service_field)
        return key if self.column(key) else ""


# --- reading cells -----------------------------------------------------------------------------------

def _decimal(text: str) -> Decimal:
    cleaned = text.replace("¥", "").replace("￥", "").replace(",", "").replace("，", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise CellError("not_number") from None
    if not value.is_finite():
        raise CellError("not_number")
    return value


def _labels(choices: list[tuple[Any, Any]]) -> dict[str, Any]:
    """Each choice by its stored value and by its label in every language, lower case."""
    out: dict[str, Any] = {}
    for value, label in choices:
        out[str(value).lower()] = value
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                out[str(label).strip().lower()] = value
    return out


def convert(column: Column, text: str, ctx: Context) -> Any:
    """The value of one cell for its column's service, or CellError."""
    text = (text or "").strip()
    if not text:
        if column.required:
            raise CellError("required")
        return None
    if column.lookup is not None:
        return column.lookup(text, ctx)
    if column.type == "decimal":
        return _decimal(text)
    if column.type == "int":
        value = _decimal(text)
        if value != value.to_integral_value():
            raise CellError("not_integer")
        return int(value)
    if column.type == "bool":
        low = text.lower()
        if low in YES:
            return True
        if low in NO:
            return False
        raise CellError("not_yes_no")
    if column.type == "choice" and column.choices is not None:
        low = text.lower().rstrip("%")
        found = _labels(column.choices()).get(low)
        if found is None:
            raise CellError("bad_choice")
        return found
    return text


# --- looking up the records a row names --------------------------------------------------------------

def _province(text: str, ctx: Context) -> Region:
    def find() -> Region | None:
        return Region.objects.filter(Q(code__iexact=text) | Q(name=text)).first()
    region = ctx.cached("region", text, find)
    if region is None:
        raise CellError("unknown_province")
    return region


def _sales_rep(text: str, ctx: Context) -> User:
    def find() -> User | None:
        return User.objects.filter(username=text, is_active=True).first()
    user = ctx.cached("user", text, find)
    if user is None:
        raise CellError("unknown_user")
    return user


def _customer(text: str, ctx: Context) -> Customer:
    """By its unified social credit code, or by its name when the name is unique among the customers
    the importer sees (never a customer they may not see: its existence is not told)."""
    def find() -> Customer | str:
        visible = customers_visible(user=ctx.actor)
        by_code = visible.filter(credit_code=normalize_credit_code(text)).first()
        if by_code is not None:
            return by_code
        named = list(visible.filter(name=text)[:2])
        if len(named) > 1:
            return "ambiguous_customer"
        return named[0] if named else "unknown_customer"
    found = ctx.cached("customer", text, find)
    if isinstance(found, str):
        raise CellError(found)
    return found


def _category(text: str, ctx: Context) -> Category:
    def find() -> Category | None:
        return Category.objects.filter(Q(code__iexact=text) | Q(name=text)).first()
    category = ctx.cached("category", text, find)
    if category is None:
        raise CellError("unknown_category")
    return category


def _product(text: str, ctx: Context) -> Product:
    product = Product.objects.filter(code=text).first()  # not cached: each row updates its product
    if product is None:
        raise CellError("unknown_product")
    return product


def _sizes() -> list[tuple[Any, Any]]:
    return list(Customer.Size.choices)


def _statuses() -> list[tuple[Any, Any]]:
    return list(Customer.Status.choices)


def _product_kinds() -> list[tuple[Any, Any]]:
    return list(Product.Kind.choices)


def _tax_rates() -> list[tuple[Any, Any]]:
    return list(TaxRate.choices)


# --- customers ---------------------------------------------------------------------------------------

def _customer_apply(actor: User, v: dict[str, Any]) -> tuple[str, str]:
    contact = {k: v.get(f"contact_{k}") or "" for k in ("name", "title", "phone", "email")}
    contacts = [contact] if any(contact.values()) else []
    addresses = ([{"region": v.get("province"), "city": v.get("city") or "", "detail": v["address"]}]
                 if v.get("address") else [])
    customer = customer_services.customer_create(
        actor=actor, name=v["name"], credit_code=v.get("credit_code"), industry=v.get("industry") or "",
        size=v.get("size") or "", region=v.get("province"), city=v.get("city") or "",
        status=v.get("status") or Customer.Status.PROSPECT, sales_rep=v.get("sales_rep"),
        notes=v.get("notes") or "", contacts=contacts, addresses=addresses)
    return "created", customer.name


def _customer_key(v: dict[str, Any]) -> tuple[str, str] | None:
    code = normalize_credit_code(v.get("credit_code") or "")
    return ("credit_code", code) if code else None


CUSTOMERS = Kind(
    key="customers", capability="customer_manage", clause="P4.1.a",
    columns=(
        Column("name", _("Company name"), _("The customer's registered name."), "杭州示例机械有限公司",
               required=True),
        Column("credit_code", _("Unified social credit code"),
               _("统一社会信用代码, 18 characters with its check character; one customer per code."),
               "91330100MA2XXXXX0Y", confidential="code"),
        Column("industry", _("Industry"), _("Free text, e.g. machinery."), "机械制造"),
        Column("size", pgettext_lazy("company size", "Size"),
               _("One of: micro, small, medium, large (in either language)."), "中型",
               type="choice", choices=_sizes),
        Column("province", _("Province"), _("The province's name or code, e.g. 浙江省 or ZJ."), "浙江省",
               lookup=_province),
        Column("city", _("City"), _("The city."), "杭州市"),
        Column("address", _("Street address"), _("With a province and a city, it becomes the default address."),
               "文三路 90 号", confidential="address"),
        Column("status", _("Status"), _("Prospect, active or inactive; prospect when empty."), "潜在客户",
               type="choice", choices=_statuses),
        Column("sales_rep", _("Sales rep (user name)"),
               _("The user name of a sales rep; a sales rep who imports becomes the rep when empty."), "sales1",
               lookup=_sales_rep),
        Column("contact_name", _("Contact name"), _("The primary contact, optional."), "刘晓明",
               confidential="name"),
        Column("contact_title", _("Contact title"), _("Optional."), "采购经理"),
        Column("contact_phone", _("Contact phone"),
               _("Mainland mobile (11 digits) or landline with area code, without a leading +."), "13812345678",
               confidential="phone"),
        Column("contact_email", _("Contact email"), _("Optional."), "liu@example.cn", confidential="email"),
        Column("notes", _("Notes"), _("Optional."), ""),
    ),
    apply=_customer_apply, row_key=_customer_key,
    field_columns={"region": "province", "contacts.0.name": "contact_name", "contacts.0.title": "contact_title",
                   "contacts.0.phone": "contact_phone", "contacts.0.email": "contact_email",
                   "addresses.0.detail": "address", "addresses.0.city": "city", "addresses.0.region": "province"},
)


# --- contacts of existing customers ------------------------------------------------------------------

def _contact_apply(actor: User, v: dict[str, Any]) -> tuple[str, str]:
    contact = customer_services.contact_add(
        customer=v["customer"], actor=actor, name=v["name"], phone=v["phone"], title=v.get("title") or "",
        email=v.get("email") or "", is_primary=bool(v.get("is_primary")))
    return "created", f"{v['customer'].name} · {contact.name}"


def _contact_key(v: dict[str, Any]) -> tuple[str, str] | None:
    return ("phone", f"{v['customer'].pk}:{normalize_phone(v['phone'])}")


CONTACTS = Kind(
    key="contacts", capability="customer_manage", clause="P4.1.a",
    columns=(
        Column("customer", _("Customer"),
               _("The customer's unified social credit code, or its name when no other customer has it."),
               "杭州示例机械有限公司", required=True, lookup=_customer),
        Column("name", _("Contact name"), _("The person's name."), "刘晓明", required=True, confidential="name"),
        Column("title", _("Title"), _("Optional."), "采购经理"),
        Column("phone", _("Phone"),
               _("Mainland mobile (11 digits) or landline with area code, without a leading +."), "13812345678",
               required=True, confidential="phone"),
        Column("email", _("Email"), _("Optional."), "liu@example.cn", confidential="email"),
        Column("is_primary", _("Primary contact"), _("Yes or no (是 or 否); no when empty."), "否", type="bool"),
    ),
    apply=_contact_apply, row_key=_contact_key,
)


# --- products and services ---------------------------------------------------------------------------

def _product_apply(actor: User, v: dict[str, Any]) -> tuple[str, str]:
    kind = v.get("kind") or Product.Kind.PRODUCT
    product = catalog_services.product_create(
        actor=actor, code=v["code"], name=v["name"], category=v["category"], list_price=v["list_price"],
        floor_price=v["floor_price"], specification=v.get("specification") or "", unit=v.get("unit") or "件",
        kind=kind, tax_rate=v.get("tax_rate"), needs_production=bool(v.get("needs_production")),
        production_lead_days=v.get("production_lead_days") or 0)
    return "created", str(product)


def _product_key(v: dict[str, Any]) -> tuple[str, str] | None:
    return ("code", v["code"])


def _product_check(v: dict[str, Any]) -> CellError | None:
    if Product.objects.filter(code=v["code"]).exists():
        return CellError("product_exists")
    return None


PRODUCTS = Kind(
    key="products", capability="catalog_manage", clause="P2.3.b",
    columns=(
        Column("code", _("Product code"), _("Unique; a code already in the catalog is refused."), "MOT-101",
               required=True),
        Column("name", _("Product name"), _("The name on orders."), "三相异步电机", required=True),
        Column("category", _("Category"), _("The category's code or name."), "MOT", required=True,
               lookup=_category),
        Column("specification", _("Specification"), _("Optional."), "Y2-132M-4 7.5kW"),
        Column("unit", _("Unit"), _("件 when empty."), "台"),
        Column("kind", _("Product or service"), _("Product or service; product when empty."), "产品",
               type="choice", choices=_product_kinds),
        Column("list_price", _("List price"), _("Tax-inclusive unit price in yuan, e.g. 3200.00."), "3200.00",
               required=True, type="decimal"),
        Column("floor_price", _("Floor price"),
               _("The lowest tax-inclusive unit price without special approval (P2.3.b); not above the list "
                 "price."), "2800.00", required=True, type="decimal"),
        Column("tax_rate", _("VAT rate (%)"), _("13, 9, 6, 3 or 0; 13 for goods and 6 for services when empty."),
               "13", type="choice", choices=_tax_rates),
        Column("needs_production", _("Needs production"), _("Yes or no (是 or 否); no when empty."), "是",
               type="bool"),
        Column("production_lead_days", _("Production lead days"), _("Whole days; 0 when empty."), "10",
               type="int"),
    ),
    apply=_product_apply, row_key=_product_key, check=_product_check,
)


# --- the price policy: list and floor prices of existing products ------------------------------------

def _price_apply(actor: User, v: dict[str, Any]) -> tuple[str, str]:
    product: Product = v["product"]
    fields = {k: v[k] for k in ("list_price", "floor_price", "tax_rate") if v.get(k) is not None}
    before = tuple(getattr(product, k) for k in fields)
    updated = catalog_services.product_update(product=product, actor=actor, fields=fields)
    after = tuple(getattr(updated, k) for k in fields)
    return ("unchanged" if before == after else "updated"), str(updated)


def _price_key(v: dict[str, Any]) -> tuple[str, str] | None:
    return ("product", v["product"].code)


def _price_check(v: dict[str, Any]) -> CellError | None:
    if all(v.get(k) is None for k in ("list_price", "floor_price", "tax_rate")):
        return CellError("nothing_to_change")
    return None


PRICES = Kind(
    key="prices", capability="catalog_manage", clause="P2.3.b",
    columns=(
        Column("product", _("Product code"), _("The code of a product or service in the catalog."), "MOT-001",
               required=True, lookup=_product),
        Column("list_price", _("List price"), _("Tax-inclusive unit price in yuan; unchanged when empty."),
               "3300.00", type="decimal"),
        Column("floor_price", _("Floor price"),
               _("Tax-inclusive, not above the list price; unchanged when empty."), "2900.00", type="decimal"),
        Column("tax_rate", _("VAT rate (%)"), _("13, 9, 6, 3 or 0; unchanged when empty."), "13", type="choice",
               choices=_tax_rates),
    ),
    apply=_price_apply, row_key=_price_key, check=_price_check,
    field_columns={"code": "product"},
)

KINDS: dict[str, Kind] = {k.key: k for k in (CUSTOMERS, CONTACTS, PRODUCTS, PRICES)}
