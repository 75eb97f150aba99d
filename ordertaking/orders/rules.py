"""Pure rules about orders: completeness (P2.2.a/b) and the diff between revisions.

No database here: the functions take plain values (`OrderFacts`, `LineFacts`, the
snapshot dicts of `OrderRevision`) so they are tested alone, and every finding
cites the clause it enforces. Like SAP's incompletion log, the completeness check
lists every gap at once, field by field and line by line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from ordertaking.common.findings import Finding, FindingText
from ordertaking.common.money import line_amount  # noqa: F401  (the one rounding rule; re-exported for callers)


@dataclass(frozen=True)
class LineFacts:
    position: int  # 1-based, as shown on the page
    product_id: int | None = None
    name: str = ""
    description: str = ""
    unit: str = ""
    quantity: Decimal | None = None
    unit_price: Decimal | None = None


@dataclass(frozen=True)
class OrderFacts:
    customer_id: int | None = None
    delivery_date: date | None = None
    delivery_region_id: int | None = None
    delivery_address: str = ""
    payment_method_id: int | None = None
    lines: list[LineFacts] = field(default_factory=list)


# The words of the completeness findings, rendered when a finding is read (common/findings.py). The
# line findings carry {"line": n}; `label` is the sentence without one order's figures.
FINDING_TEXTS: dict[str, FindingText] = {
    "line_description_missing": FindingText(_("Line %(line)s: choose a product or service or describe it."),
                                            label=_("A line names no product or service.")),
    "line_quantity_missing": FindingText(_("Line %(line)s: the quantity is missing."),
                                         label=_("A line's quantity is missing.")),
    "line_quantity_not_positive": FindingText(_("Line %(line)s: the quantity must be more than zero."),
                                              label=_("A line's quantity must be more than zero.")),
    "line_price_missing": FindingText(_("Line %(line)s: the unit price is missing."),
                                      label=_("A line's unit price is missing.")),
    "line_price_negative": FindingText(_("Line %(line)s: the unit price cannot be negative."),
                                       label=_("A line's unit price cannot be negative.")),
    "line_unit_missing": FindingText(_("Line %(line)s: the unit is missing."),
                                     label=_("A line's unit is missing.")),
    "customer_missing": FindingText(_("The customer is missing.")),
    "delivery_date_missing": FindingText(_("The delivery date is missing.")),
    "delivery_date_past": FindingText(_("The delivery date is in the past.")),
    "delivery_region_missing": FindingText(_("The delivery province is missing.")),
    "delivery_address_missing": FindingText(_("The delivery address is missing.")),
    "payment_method_missing": FindingText(_("The payment method is missing.")),
    "lines_missing": FindingText(_("The order has no lines.")),
}


def _line_field(position: int, name: str) -> str:
    return f"lines.{position}.{name}"


def line_findings(line: LineFacts) -> list[Finding]:
    """What is missing or wrong on one line (P2.2.a: description, quantity, price of each item)."""
    found: list[Finding] = []
    pos = line.position
    where = {"line": pos}
    # P2.2.a detailed description of each product or service: a catalog item or a written description.
    if line.product_id is None and not (line.name.strip() or line.description.strip()):
        found.append(Finding("line_description_missing", "P2.2.a", where, _line_field(pos, "description"), pos))
    # P2.2.a quantity.
    if line.quantity is None:
        found.append(Finding("line_quantity_missing", "P2.2.a", where, _line_field(pos, "quantity"), pos))
    elif line.quantity <= 0:
        # P2.2.b accurate entry: a quantity must be more than zero.
        found.append(Finding("line_quantity_not_positive", "P2.2.b", where, _line_field(pos, "quantity"), pos))
    # P2.2.a price.
    if line.unit_price is None:
        found.append(Finding("line_price_missing", "P2.2.a", where, _line_field(pos, "unit_price"), pos))
    elif line.unit_price < 0:
        found.append(Finding("line_price_negative", "P2.2.b", where, _line_field(pos, "unit_price"), pos))
    # P2.2.b a quantity means nothing without its unit.
    if not line.unit.strip():
        found.append(Finding("line_unit_missing", "P2.2.b", where, _line_field(pos, "unit"), pos))
    return found


def completeness_findings(facts: OrderFacts, *, today: date) -> list[Finding]:
    """Everything that keeps the order from being accepted (P2.2.a), in page order.

    An empty list means the order may be submitted for review.
    """
    found: list[Finding] = []
    # P2.2.a the customer clearly intends to buy: who is the customer?
    if facts.customer_id is None:
        found.append(Finding("customer_missing", "P2.2.a", field="customer"))
    # P2.2.a delivery time.
    if facts.delivery_date is None:
        found.append(Finding("delivery_date_missing", "P2.2.a", field="delivery_date"))
    elif facts.delivery_date < today:
        # P2.2.b accurate information: a delivery date already past is an entry error.
        found.append(Finding("delivery_date_past", "P2.2.b", field="delivery_date"))
    # P2.2.a delivery place: the province and the street address.
    if facts.delivery_region_id is None:
        found.append(Finding("delivery_region_missing", "P2.2.a", field="delivery_region"))
    if not facts.delivery_address.strip():
        found.append(Finding("delivery_address_missing", "P2.2.a", field="delivery_address"))
    # P2.2.a payment method.
    if facts.payment_method_id is None:
        found.append(Finding("payment_method_missing", "P2.2.a", field="payment_method"))
    # P2.2.a at least one product or service.
    if not facts.lines:
        found.append(Finding("lines_missing", "P2.2.a", field="lines"))
    for line in facts.lines:
        found.extend(line_findings(line))
    return found


# --- revisions -------------------------------------------------------------

HEADER_DIFF_FIELDS = (
    "customer", "sales_rep", "delivery_date", "delivery_region", "delivery_city", "delivery_address",
    "payment_method", "customer_reference", "contact_name", "contact_phone", "notes", "total_amount",
)
LINE_DIFF_FIELDS = ("product_code", "name", "specification", "description", "unit", "quantity", "unit_price",
                    "amount", "tax_rate")


@dataclass(frozen=True)
class Change:
    """One difference between two revisions: `field` is a header field or `lines.<n>[.<field>]`."""

    field: str
    before: Any
    after: Any
    kind: str = "changed"  # changed | added | removed


def _norm(value: Any) -> Any:
    # Snapshots hold Decimals as strings ("3200.00"); compare numbers as numbers, so "5" == "5.000".
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        # A browser's textarea sends \r\n where the stored text has \n: the same note, not a change.
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, int | float | Decimal | str):
        try:
            d = Decimal(str(value).strip())
        except ArithmeticError:
            return value
        return d.normalize() if d.is_finite() else value
    return value


def _label(line: dict[str, Any]) -> str:
    return " ".join(str(p) for p in (line.get("product_code"), line.get("name") or line.get("description"))
                    if p)


def revision_diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """What changed between two revision snapshots: header fields, then lines added/removed/changed.

    Lines are matched by their position (line number), as the customer and the reviewer read them.
    """
    changes: list[Change] = []
    old_h, new_h = old.get("header", {}), new.get("header", {})
    for name in HEADER_DIFF_FIELDS:
        if _norm(old_h.get(name)) != _norm(new_h.get(name)):
            changes.append(Change(name, old_h.get(name), new_h.get(name)))
    old_lines = {int(ln["position"]): ln for ln in old.get("lines", [])}
    new_lines = {int(ln["position"]): ln for ln in new.get("lines", [])}
    for pos in sorted(old_lines.keys() | new_lines.keys()):
        before, after = old_lines.get(pos), new_lines.get(pos)
        if before is None and after is not None:
            changes.append(Change(f"lines.{pos}", None, _label(after), "added"))
        elif after is None and before is not None:
            changes.append(Change(f"lines.{pos}", _label(before), None, "removed"))
        elif before is not None and after is not None:
            for name in LINE_DIFF_FIELDS:
                if _norm(before.get(name)) != _norm(after.get(name)):
                    changes.append(Change(f"lines.{pos}.{name}", before.get(name), after.get(name)))
    return changes
