"""Reads of the customer archive scoped to the user (P4.1.c: staff see customers for their work).

A sales rep sees the customers they own plus those without a rep (P3.1); every other
role holding `customer_view` sees all. Anything else is 404, never a hint that it exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ordertaking.accounts.roles import Role
from ordertaking.common.errors import NotFound, ValidationFailed
from ordertaking.common.masking import mask_account, mask_phone

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


def sees_contact_details(user: Any, *, responsible: Iterable[int | None] = ()) -> bool:
    """P4.1.c: who sees a contact's phone number and e-mail unmasked (else common/masking.py).

    Those whose work is with customers, the roles that see the whole archive today (customer
    service, order center, finance, leadership, auditors, and the administrator who maintains the
    archive), and the sales rep responsible: the customer's, or the order's (`responsible`, user ids).
    Production and logistics, and any other sales rep, see masked values.
    """
    if not user or not user.is_authenticated:
        return False
    if sees_all_customers(user):
        return True
    return user.has_role(Role.SALES) and user.pk in set(responsible)


def sees_customer_contacts(user: Any, customer: Customer) -> bool:
    """`sees_contact_details` for a customer: its rep, and any sales rep for a customer nobody owns yet
    (P3.1: they may take it on; the archive shows it to them today)."""
    if customer.sales_rep_id is None and user.is_authenticated and user.has_role(Role.SALES):
        return True
    return sees_contact_details(user, responsible=(customer.sales_rep_id,))


def customers_visible(*, user: Any) -> QuerySet[Customer]:
    if not user.is_authenticated or not user.has_perm("accounts.customer_view"):
        return Customer.objects.none()
    qs = Customer.objects.all()
    if not sees_all_customers(user):
        qs = qs.filter(Q(sales_rep=user) | Q(sales_rep__isnull=True))
    return qs


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


def invoicing_details(customer: Customer, *, user: Any) -> dict[str, Any]:
    """The customer's 开票信息 as shown to `user` (page, API, invoice page): the phone and the bank
    account masked like a contact's phone for whoever does not see contact details (P4.1.c,
    `sees_customer_contacts`). The title falls back to the company name; the taxpayer number is the
    unified social credit code."""
    masked = not sees_customer_contacts(user, customer)
    return {
        "invoice_title": customer.invoice_title or customer.name,
        "taxpayer_number": customer.credit_code or "",
        "invoice_address": customer.invoice_address,
        "invoice_phone": mask_phone(customer.invoice_phone) if masked else customer.invoice_phone,
        "invoice_bank": customer.invoice_bank,
        "invoice_bank_account": (mask_account(customer.invoice_bank_account) if masked
                                 else customer.invoice_bank_account),
        "invoice_type": customer.invoice_type,
        "invoice_type_label": str(customer.get_invoice_type_display()),
        "masked": masked,
    }


def special_invoice_facts(customer: Customer) -> dict[str, str | None]:
    """The values `rules.special_invoice_gaps` checks (unmasked: a rule, not a display)."""
    return {"invoice_title": customer.invoice_title or customer.name, "credit_code": customer.credit_code,
            "invoice_address": customer.invoice_address, "invoice_phone": customer.invoice_phone,
            "invoice_bank": customer.invoice_bank, "invoice_bank_account": customer.invoice_bank_account}
