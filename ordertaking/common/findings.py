"""A finding: one thing a rule found wrong with an order, citing its clause.

Completeness (P2.2.a/b), review (P2.3), credit (P5.1) all speak this one shape so
the page's findings panel and the API show them alike.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Finding:
    code: str  # stable machine code, e.g. "price_below_floor"
    clause: str  # policy clause, e.g. "P2.3.b"
    message: str  # translated, human sentence
    field: str | None = None  # e.g. "delivery_date" or "lines.2.unit_price"
    line: int | None = None  # 1-based line number when the finding is about a line
    blocking: bool = True  # blocks approval unless covered by a special approval

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# Each finding's code in words, for where only the code was kept (a special approval names the
# findings it covers; the audit trail shows them). The same sentences as the rules' messages,
# without the figures of one order.
FINDING_LABELS: dict[str, Any] = {
    # completeness (P2.2.a/b)
    "line_description_missing": _("A line names no product or service."),
    "line_quantity_missing": _("A line's quantity is missing."),
    "line_quantity_not_positive": _("A line's quantity must be more than zero."),
    "line_price_missing": _("A line's unit price is missing."),
    "line_price_negative": _("A line's unit price cannot be negative."),
    "line_unit_missing": _("A line's unit is missing."),
    "customer_missing": _("The customer is missing."),
    "delivery_date_missing": _("The delivery date is missing."),
    "delivery_date_past": _("The delivery date is in the past."),
    "delivery_region_missing": _("The delivery province is missing."),
    "delivery_address_missing": _("The delivery address is missing."),
    "payment_method_missing": _("The payment method is missing."),
    "lines_missing": _("The order has no lines."),
    # review (P2.3.a/b)
    "customer_credit_code_missing": _("The customer has no unified social credit code."),
    "customer_credit_code_invalid": _("The customer's unified social credit code is not valid."),
    "customer_name_missing": _("The customer has no company name."),
    "customer_address_missing": _("The customer has no address on file."),
    "customer_contact_missing": _("The customer has no contact with a valid phone number."),
    "product_not_in_catalog": _("A line is not a catalog product or service."),
    "product_inactive": _("A line's product is no longer sold."),
    "price_below_floor": _("A unit price is below the floor price."),
    "region_not_served": _("We do not deliver to this province."),
    "delivery_too_early": _("The delivery date is too early for production and transport."),
    "payment_method_inactive": _("The payment method is no longer offered."),
    "payment_method_not_allowed": _("The payment method is not allowed for this customer."),
    # credit (P5.1, P3.6)
    "no_credit_evaluation": _("The customer has no approved credit evaluation."),
    "customer_on_credit_stop": _("The customer is on credit stop."),
    "guarantee_missing": _("The customer's rating requires a guarantee."),
    "credit_limit_exceeded": _("Exposure plus this order exceeds the credit limit."),
    "payment_method_not_allowed_by_rating": _("The customer's rating does not allow this payment method."),
    "payment_term_too_long": _("The payment term is longer than the customer's rating allows."),
    # legal (P5.3)
    "legal_review_pending": _("Legal review pending: approval waits for the legal adviser's opinion."),
    "legal_objection": _("The legal adviser objects."),
    "legal_review_cleared": _("The legal adviser has no objection."),
}
