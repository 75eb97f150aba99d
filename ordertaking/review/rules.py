"""The automatic review checks of P2.3.a/b as pure functions over plain values.

No database here: `checks.py` turns an order into the dataclasses below, the rules
return `Finding`s, each citing the clause it enforces. Tested without a database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ordertaking.common.findings import Finding, FindingText
from ordertaking.customers.rules import credit_code_problem, phone_valid
from ordertaking.legal.rules import LEGAL_FINDING_CODES


@dataclass(frozen=True)
class CustomerFacts:
    name: str
    credit_code: str
    has_address: bool
    contact_phones: tuple[str, ...]
    individual: bool = False  # a consumer (P5.3) has no unified social credit code


@dataclass(frozen=True)
class ProductFacts:
    code: str
    active: bool
    floor_price: Decimal
    needs_production: bool
    production_lead_days: int


@dataclass(frozen=True)
class LineFacts:
    position: int
    name: str
    unit_price: Decimal | None
    product: ProductFacts | None  # None: not a catalog item (P2.3.b)


@dataclass(frozen=True)
class RegionFacts:
    name: str
    served: bool
    transit_days: int


@dataclass(frozen=True)
class PaymentFacts:
    code: str
    name: str
    active: bool
    open_to_all: bool


@dataclass(frozen=True)
class OrderFacts:
    customer: CustomerFacts
    lines: tuple[LineFacts, ...]
    delivery_date: date | None
    region: RegionFacts | None
    payment: PaymentFacts | None
    allowed_payment_codes: frozenset[str] = field(default_factory=frozenset)


# The words of the review findings, rendered when a finding is read (common/findings.py); `label` is the
# sentence without one order's figures. The price finding names the price, never the floor figure.
FINDING_TEXTS: dict[str, FindingText] = {
    "customer_credit_code_missing": FindingText(_("The customer has no unified social credit code.")),
    "customer_credit_code_invalid": FindingText(
        _("The customer's unified social credit code %(code)s is not valid."),
        label=_("The customer's unified social credit code is not valid.")),
    "customer_name_missing": FindingText(_("The customer has no company name.")),
    "customer_address_missing": FindingText(_("The customer has no address on file.")),
    "customer_contact_missing": FindingText(_("The customer has no contact with a valid phone number.")),
    "product_not_in_catalog": FindingText(_("Line %(line)s (%(name)s) is not a catalog product or service."),
                                          label=_("A line is not a catalog product or service.")),
    "product_inactive": FindingText(_("Line %(line)s: %(code)s is no longer sold."),
                                    label=_("A line's product is no longer sold.")),
    "price_below_floor": FindingText(_("Line %(line)s: unit price ¥%(price)s is below the floor price."),
                                     label=_("A unit price is below the floor price."), money=("price",)),
    "region_not_served": FindingText(_("We do not deliver to %(region)s."),
                                     label=_("We do not deliver to this province.")),
    "delivery_too_early": FindingText(_("Delivery date %(date)s is too early: production and transport need "
                                        "until %(earliest)s at the soonest."),
                                      label=_("The delivery date is too early for production and transport.")),
    "payment_method_inactive": FindingText(_("Payment method %(name)s is no longer offered."),
                                           label=_("The payment method is no longer offered.")),
    "payment_method_not_allowed": FindingText(_("Payment method %(name)s is not allowed for this customer."),
                                              label=_("The payment method is not allowed for this customer.")),
}


# --- P2.3.a customer information genuine and complete -------------------------------------

def customer_findings(c: CustomerFacts) -> list[Finding]:
    out: list[Finding] = []
    # P2.3.a genuine customer: a valid unified social credit code (GB 32100-2015)
    # (an individual buyer, P5.3, is genuine by name and contact: a person has no credit code)
    if not (c.credit_code or "").strip():
        if not c.individual:
            out.append(Finding("customer_credit_code_missing", "P2.3.a", field="customer"))
    elif credit_code_problem(c.credit_code) is not None:
        out.append(Finding("customer_credit_code_invalid", "P2.3.a", {"code": c.credit_code}, field="customer"))
    # P2.3.a / P2.1.c complete: company name, address, a contact with a reachable phone
    if not (c.name or "").strip():
        out.append(Finding("customer_name_missing", "P2.3.a", field="customer"))
    if not c.has_address:
        out.append(Finding("customer_address_missing", "P2.3.a", field="customer"))
    if not any(phone_valid(p) for p in c.contact_phones):
        out.append(Finding("customer_contact_missing", "P2.3.a", field="customer"))
    return out


# --- P2.3.b product catalog and price policy ---------------------------------------------

def catalog_findings(lines: Iterable[LineFacts]) -> list[Finding]:
    out: list[Finding] = []
    for ln in lines:
        # P2.3.b every item comes from the product catalog ...
        if ln.product is None:
            out.append(Finding("product_not_in_catalog", "P2.3.b", {"line": ln.position, "name": ln.name or "—"},
                               field=f"lines.{ln.position}.product", line=ln.position))
        # ... and is still sold
        elif not ln.product.active:
            out.append(Finding("product_inactive", "P2.3.b", {"line": ln.position, "code": ln.product.code},
                               field=f"lines.{ln.position}.product", line=ln.position))
    return out


def price_findings(lines: Iterable[LineFacts]) -> list[Finding]:
    out: list[Finding] = []
    for ln in lines:
        # P2.3.b price not below the product's current floor price
        if ln.product is None or ln.unit_price is None:
            continue
        if ln.unit_price < ln.product.floor_price:
            # The message names the price, never the floor figure: the finding is read by the sales
            # rep, and the floor is the company's bottom line that sales do not see (docs/conventions.md):
            # the parameters carry the price only.
            out.append(Finding("price_below_floor", "P2.3.b", {"line": ln.position, "price": str(ln.unit_price)},
                               field=f"lines.{ln.position}.unit_price", line=ln.position))
    return out


# --- P2.3.a/b delivery time and place reasonable -----------------------------------------

def production_lead_days(lines: Iterable[LineFacts]) -> int:
    """The longest production lead time over lines whose product needs production (P2.4.b)."""
    return max((ln.product.production_lead_days for ln in lines
                if ln.product is not None and ln.product.needs_production), default=0)


def earliest_delivery_date(*, today: date, lines: Iterable[LineFacts], region: RegionFacts | None) -> date:
    """Today (Asia/Shanghai) + production lead days + transit days to the region (P2.3.a/b)."""
    transit = region.transit_days if region is not None else 0
    return today + timedelta(days=production_lead_days(lines) + transit)


def delivery_findings(o: OrderFacts, *, today: date) -> list[Finding]:
    out: list[Finding] = []
    # P2.3.a delivery place reasonable: the region is one we serve
    if o.region is not None and not o.region.served:
        out.append(Finding("region_not_served", "P2.3.a", {"region": o.region.name}, field="delivery_region"))
    # P2.3.a/b delivery time reasonable: production and transport fit before the date
    if o.delivery_date is not None:
        earliest = earliest_delivery_date(today=today, lines=o.lines, region=o.region)
        if o.delivery_date < earliest:
            out.append(Finding("delivery_too_early", "P2.3.b",
                               {"date": o.delivery_date.isoformat(), "earliest": earliest.isoformat()},
                               field="delivery_date"))
    return out


# --- P2.3.a/b payment method clear and allowed -------------------------------------------

def payment_findings(o: OrderFacts) -> list[Finding]:
    p = o.payment
    if p is None:
        return []  # missing payment method is a completeness finding (P2.2.a), caught at submit
    # P2.3.b financial rules: the method is still in use ...
    if not p.active:
        return [Finding("payment_method_inactive", "P2.3.b", {"name": p.name}, field="payment_method")]
    # P2.3.a ... and this customer may use it (open to all, or granted to the customer)
    if not p.open_to_all and p.code not in o.allowed_payment_codes:
        return [Finding("payment_method_not_allowed", "P2.3.a", {"name": p.name}, field="payment_method")]
    return []


def review_findings(o: OrderFacts, *, today: date) -> list[Finding]:
    """Every automatic review check of P2.3.a/b, in the order a reviewer reads the order."""
    return [
        *customer_findings(o.customer),
        *catalog_findings(o.lines),
        *price_findings(o.lines),
        *delivery_findings(o, today=today),
        *payment_findings(o),
    ]


# Findings a special approval (特批) never covers: approval waits for the legal opinion (P5.3).
NOT_COVERABLE = LEGAL_FINDING_CODES


def uncovered_blocking(findings: Iterable[Finding], covered_codes: Iterable[str]) -> list[Finding]:
    """Blocking findings that no granted special approval covers (P2.3.c); the legal ones always (P5.3)."""
    covered = set(covered_codes) - NOT_COVERABLE
    return [f for f in findings if f.blocking and f.code not in covered]


def coverable(findings: Iterable[Finding]) -> list[Finding]:
    """Those a special approval may be asked for (P2.3.c): all but the legal ones (P5.3)."""
    return [f for f in findings if f.code not in NOT_COVERABLE]


def review_hours() -> int:
    """P2.3 time node 时间节点: hours the order processing center has to approve or return a submitted order
    (`ORDERTAKING_REVIEW_HOURS`). One figure for the supervision checks (P6.1.a) and the KPIs (P6.2)."""
    return int(settings.ORDERTAKING_REVIEW_HOURS)


def review_due(start: datetime) -> datetime:
    """When a review started at `start` (the submission, or the release from credit hold) is due."""
    return start + timedelta(hours=review_hours())
