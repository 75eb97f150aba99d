"""Reads of the customer archive scoped to the user (P4.1.c: staff see customers for their work).

A sales rep sees the customers they own plus those without a rep (P3.1); every other
role holding `customer_view` sees all. Anything else is 404, never a hint that it exists.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, F, Q, QuerySet, Value
from django.utils.translation import gettext as _

from ordertaking.audit.selectors import timeline
from ordertaking.common.errors import NotFound, ValidationFailed
from ordertaking.common.prepared import Prepared
from ordertaking.confidentiality.events import events_read
from ordertaking.confidentiality.models import Field
from ordertaking.confidentiality.rules import mask
from ordertaking.confidentiality.selectors import Lens
from ordertaking.confidentiality.selectors import sees as confidential_sees

from .models import Contact, Customer, CustomerAddress

SORTS: dict[str, tuple[str, ...]] = {
    # names by pinyin, like the dropdowns (common.pinyin): 安徽 < 北京 < 上海 < 浙江, not by code point
    "name": ("name_pinyin", "name"), "-name": ("-name_pinyin", "-name"),
    "credit_code": ("credit_code",), "-credit_code": ("-credit_code",),
    "region": ("region__code",), "-region": ("-region__code",),
    "industry": ("industry",), "-industry": ("-industry",),
    "size": ("size",), "-size": ("-size",),
    "tier": ("value_tier",), "-tier": ("-value_tier",),
    "frequency": ("-orders_in_period",), "-frequency": ("orders_in_period",),
    "created": ("created_at",), "-created": ("-created_at",),
}


def sees_all_customers(user: Any) -> bool:
    """P4.1.c: the whole archive for the roles holding `customer_view_all` (accounts/roles.py)."""
    return bool(user.is_authenticated and user.has_perm("accounts.customer_view_all"))


def sees_customer_contacts(user: Any, customer: Customer, field: str = Field.PHONE) -> bool:
    """P4.1.c: whether `user` sees the customer's contacts unmasked — the one rule of
    `confidentiality.selectors` (by duty: the customer's sales rep, and the duties the chapters above
    hand down). Everyone else sees them masked; a grant in force lets them reveal values one by one."""
    return confidential_sees(user, customer, field)


def _own(qs: QuerySet[Customer], user_id: int) -> QuerySet[Customer]:
    return qs.filter(Q(sales_rep_id=user_id) | Q(sales_rep__isnull=True))


def _may_see_customers(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("accounts.customer_view"))


def customers_scope(user: Any) -> str:
    """How much of the archive `user` sees (P4.1.c): "all", their "own" (and those without a rep), or "none"."""
    if not _may_see_customers(user):
        return "none"
    return "all" if sees_all_customers(user) else "own"


def customers_in_scope(scope: str, user_id: int) -> QuerySet[Customer]:
    """The customers of a scope `customers_scope` decided, for the user `user_id`: what a read compiled before
    its user is known builds from (a prepared read, common/prepared.py, with the user's id as a slot)."""
    if scope == "all":
        return Customer.objects.all()
    if scope == "own":
        return _own(Customer.objects.all(), user_id)
    return Customer.objects.none()


def customers_visible(*, user: Any) -> QuerySet[Customer]:
    return customers_in_scope(customers_scope(user), user.pk)


def _any_customer(pk: int) -> QuerySet[Customer]:
    return Customer.objects.select_related("sales_rep").filter(pk=pk)


def _own_customer(pk: int, user_id: int) -> QuerySet[Customer]:
    return _own(_any_customer(pk), user_id)


# One customer as `customers_visible` scopes it, compiled once per process (common/prepared.py): read by
# every order entered through the API.
_CUSTOMER_ANY: Prepared[Customer] = Prepared(_any_customer)
_CUSTOMER_OWN: Prepared[Customer] = Prepared(_own_customer)


def customer_visible_get(*, user: Any, pk: Any) -> Customer | None:
    """The customer `pk` with its sales rep, when `user` may see it (`customers_visible`); else None."""
    if not str(pk).isdigit() or not _may_see_customers(user):
        return None
    return (_CUSTOMER_ANY.first(pk=int(pk)) if sees_all_customers(user) else
            _CUSTOMER_OWN.first(pk=int(pk), user_id=user.pk))


def customer_visible(*, user: Any, customer: Customer) -> bool:
    if not user.has_perm("accounts.customer_view"):
        return False
    return sees_all_customers(user) or customer.sales_rep_id in (None, user.pk)


# The tier filter's value for customers without a tier (never ordered, or not classified yet).
UNCLASSIFIED = "unclassified"


def customer_list(*, user: Any, q: str = "", region: str = "", industry: str = "", size: str = "",
                  sort: str = "name", tier: str = "", frequency: str = "") -> QuerySet[Customer]:
    qs = customers_visible(user=user).select_related("region", "sales_rep")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q.upper()))
    if region:
        qs = qs.filter(region__code=region)
    if industry:
        qs = qs.filter(industry=industry)
    if size:
        qs = qs.filter(size=size)
    # P4.1.b classes and tiers (computed by archive.services.classification_refresh)
    if tier:
        if tier != UNCLASSIFIED and tier not in Customer.Tier.values:
            raise ValidationFailed(_("Unknown value tier."), code="invalid_choice", field="tier")
        qs = qs.filter(value_tier="" if tier == UNCLASSIFIED else tier)
    if frequency:
        if frequency not in Customer.Frequency.values:
            raise ValidationFailed(_("Unknown purchase frequency."), code="invalid_choice", field="frequency")
        qs = qs.filter(purchase_frequency=frequency)
    return qs.order_by(*SORTS.get(sort, SORTS["name"]), "id")


# --- what the reveal action finds (P4.1.c), handed down to confidentiality in CustomersConfig.ready --------

CONTACT_KEYS = {"name": Field.CONTACT_NAME, "phone": Field.PHONE, "email": Field.EMAIL}
CUSTOMER_KEYS = {"credit_code": Field.CREDIT_CODE, "taxpayer_number": Field.INVOICING,
                 "invoice_address": Field.INVOICING, "invoice_phone": Field.INVOICING,
                 "invoice_bank_account": Field.INVOICING}


def _visible_customer(user: Any, pk: Any) -> Customer:
    customer = customer_visible_get(user=user, pk=pk)
    if customer is None:
        raise NotFound(_("Customer not found."))
    return customer


def contacts_known(customer_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """P4.1.c: what a note typed about these customers may name — each contact's name, phone and e-mail — for
    the audit log to mask where a note names them (confidentiality.duties.known_values), one query."""
    known: dict[int, list[tuple[str, str]]] = {}
    for customer_id, name, phone, email in Contact.objects.filter(customer_id__in=customer_ids).values_list(
            "customer_id", "name", "phone", "email"):
        known.setdefault(customer_id, []).extend(
            [(Field.CONTACT_NAME, name), (Field.PHONE, phone), (Field.EMAIL, email)])
    return known


def contact_value_named(text: str) -> bool:
    """P4.1.c: whether a search text names a contact's name, phone or e-mail — a part of one (two characters
    or more), or the whole of one inside it — of any customer (confidentiality.duties.known_value_named)."""
    text = text.strip()
    if len(text) < 2:
        return False
    part = Q(name__icontains=text) | Q(phone__icontains=text) | Q(email__icontains=text)
    whole = ((Q(text__contains=F("name")) & ~Q(name="")) | (Q(text__contains=F("phone")) & ~Q(phone=""))
             | (Q(text__icontains=F("email")) & ~Q(email="")))
    return Contact.objects.alias(text=Value(text, output_field=CharField())).filter(part | whole).exists()


def reveal_contact(user: Any, ref: str, key: str) -> tuple[Customer, str, Any]:
    contact = Contact.objects.select_related("customer", "customer__sales_rep").filter(pk=ref).first() if str(
        ref).isdigit() else None
    if contact is None or key not in CONTACT_KEYS or not customer_visible(user=user, customer=contact.customer):
        raise NotFound(_("Contact not found."))
    return contact.customer, CONTACT_KEYS[key], getattr(contact, key)


def reveal_address(user: Any, ref: str, key: str) -> tuple[Customer, str, Any]:
    address = CustomerAddress.objects.select_related("customer", "customer__sales_rep").filter(pk=ref).first() if str(
        ref).isdigit() else None
    if address is None or not customer_visible(user=user, customer=address.customer):
        raise NotFound(_("Address not found."))
    return address.customer, Field.ADDRESS, address.detail


def reveal_customer(user: Any, ref: str, key: str) -> tuple[Customer, str, Any]:
    customer = _visible_customer(user, ref)
    if key not in CUSTOMER_KEYS:
        raise NotFound(_("Nothing to reveal here."))
    value = customer.credit_code if key in ("credit_code", "taxpayer_number") else getattr(customer, key)
    return customer, CUSTOMER_KEYS[key], value


def customer_get(*, user: Any, pk: Any) -> Customer:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Customer not found.")) from None
    customer = customers_visible(user=user).select_related("region", "sales_rep", "created_by").filter(
        pk=pk).first()
    if customer is None:
        raise NotFound(_("Customer not found."))
    return customer


def contact_get(*, user: Any, customer: Customer, pk: Any) -> Contact:
    contact = Contact.objects.filter(customer=customer, pk=pk).select_related("customer").first() if str(
        pk).isdigit() else None
    if contact is None:
        raise NotFound(_("Contact not found."))
    return contact


def address_get(*, user: Any, customer: Customer, pk: Any) -> CustomerAddress:
    address = CustomerAddress.objects.filter(customer=customer, pk=pk).select_related(
        "customer", "region").first() if str(pk).isdigit() else None
    if address is None:
        raise NotFound(_("Address not found."))
    return address


def industries(*, user: Any) -> list[str]:
    return list(customers_visible(user=user).exclude(industry="").order_by("industry").values_list(
        "industry", flat=True).distinct())


def customer_timeline(customer: Customer, *, user: Any, lens: Lens | None = None) -> list[Any]:
    """The customer's timeline as `user` may read it (P4.1.c): for whoever holds no duty for the customer,
    the contacts' names, phones and e-mails, the addresses, the credit code and the invoicing details in
    the changes are masked, and so is a contact's name given as an event's note."""
    events: list[Any] = timeline(customer)
    events_read(user, events, lens=lens or Lens(user))  # the audit log's reading: one rule, field by field
    return events


def invoicing_details(customer: Customer, *, user: Any, lens: Lens | None = None) -> dict[str, Any]:
    """The customer's 开票信息 as shown to `user` (page, API, invoice page, PDFs): the taxpayer number,
    registered address, phone and bank account masked for whoever holds no duty for invoicing details
    (P4.1.c: finance by duty, the customer's sales rep). The title falls back to the company name; the
    taxpayer number is the unified social credit code."""
    lens = lens or Lens(user)
    masked = not lens.sees(customer, Field.INVOICING)

    def shown(key: str, value: str | None) -> str:
        return (mask(Field.INVOICING, value, key=key) if masked else value) or ""

    return {
        "invoice_title": customer.invoice_title or customer.name,
        "taxpayer_number": shown("taxpayer_number", customer.credit_code),
        "invoice_address": shown("invoice_address", customer.invoice_address),
        "invoice_phone": shown("invoice_phone", customer.invoice_phone),
        "invoice_bank": customer.invoice_bank,
        "invoice_bank_account": shown("invoice_bank_account", customer.invoice_bank_account),
        "invoice_type": customer.invoice_type,
        "invoice_type_label": str(customer.get_invoice_type_display()),
        "masked": masked,
    }


def special_invoice_facts(customer: Customer) -> dict[str, str | None]:
    """The values `rules.special_invoice_gaps` checks (unmasked: a rule, not a display)."""
    return {"invoice_title": customer.invoice_title or customer.name, "credit_code": customer.credit_code,
            "invoice_address": customer.invoice_address, "invoice_phone": customer.invoice_phone,
            "invoice_bank": customer.invoice_bank, "invoice_bank_account": customer.invoice_bank_account}
