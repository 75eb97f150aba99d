"""What each audit action means, in the reader's language (P6.1.a: the trail must be readable).

ACTION_LABELS maps a dotted action to its label. Every app that writes an event adds
one line here for each action it writes (small insertions; several engineers edit this file).
FIELD_LABELS names the JSON keys that appear in `before`/`after`, for the change lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ACTION_LABELS: dict[str, Any] = {
    # accounts (P3)
    "user.created": _("User created"),
    "api_token.issued": _("API token issued"),
    "api_token.revoked": _("API token revoked"),
    # customers (P2.1.c, P4.1)
    "customer.created": _("Customer created"),
    "customer.updated": _("Customer updated"),
    "customer.contact_added": _("Contact added"),
    "customer.contact_updated": _("Contact changed"),
    "customer.contact_removed": _("Contact removed"),
    "customer.address_added": _("Address added"),
    "customer.address_updated": _("Address changed"),
    "customer.address_removed": _("Address removed"),
    "customer.payment_methods_changed": _("Allowed payment methods changed"),
    # inquiries (P2.1)
    "inquiry.created": _("Inquiry recorded"),
    "inquiry.handed_over": _("Inquiry handed over to sales"),
    "inquiry.recorded": _("Inquiry recorded"),
    "inquiry.updated": _("Inquiry updated"),
    "inquiry.converted": _("Inquiry converted to a draft order"),
    "inquiry.closed": _("Inquiry closed"),
    # orders (P2.2)
    "order.created": _("Order entered"),
    "order.updated": _("Order updated"),
    "order.submitted": _("Order submitted for review"),
    "order.cancelled": _("Order cancelled"),
    # review (P2.3)
    "order.approved": _("Order approved"),
    "order.returned": _("Order returned to sales"),
    "special_approval.requested": _("Special approval requested"),
    "special_approval.granted": _("Special approval granted"),
    "special_approval.refused": _("Special approval refused"),
    "special_approval.withdrawn": _("Special approval withdrawn"),
}

FIELD_LABELS: dict[str, Any] = {
    "state": _("state"),
    "username": _("username"),
    "roles": _("roles"),
    "name": _("name"),
    "token": _("token"),
    "number": _("order number"),
    "customer": _("customer"),
    "total_amount": _("total amount"),
    "delivery_date": _("delivery date"),
    "delivery_region": _("delivery province"),
    "delivery_city": _("delivery city"),
    "delivery_address": _("delivery address"),
    "payment_method": _("payment method"),
    "opinion": _("review opinion"),
    "revision": _("revision"),
    "special_approval": _("special approval"),
    "findings": _("findings"),
    # customers and inquiries (P2.1.c, P4.1)
    "credit_code": _("unified social credit code"),
    "industry": _("industry"),
    "size": _("size"),
    "region": _("province"),
    "city": _("city"),
    "status": _("status"),
    "sales_rep": _("sales rep"),
    "phone": _("phone"),
    "email": _("email"),
    "detail": _("street address"),
    "allowed_payment_methods": _("allowed payment methods"),
    "assigned_to": _("sales rep"),
    "special_needs": _("special or complex needs"),
    "contact_name": _("contact name"),
    "contact_phone": _("contact phone"),
    "specification": _("specification"),
    "quantity": _("quantity"),
    "wanted_delivery_date": _("wanted delivery date"),
    "lines": _("lines"),
    "channel": _("channel"),
    "company_name": _("company name"),
    "contact_email": _("contact email"),
    "address": _("address"),
    "product": _("product or service"),
    "service_requirements": _("service requirements"),
    "needs_analysis": _("preliminary needs analysis"),
    "preferences": _("needs and preferences"),
    "notes": _("notes"),
    "title": _("title"),
    "label": _("label"),
    "is_primary": _("primary"),
    "is_default": _("default"),
}

# Stored codes shown as words: (field, value) -> label. The same words as the state badges.
VALUE_LABELS: dict[tuple[str, str], Any] = {
    ("state", "draft"): _("Draft"),
    ("state", "submitted"): _("Pending review"),
    ("state", "returned"): _("Returned"),
    ("state", "credit_hold"): _("Credit hold"),
    ("state", "approved"): _("Approved"),
    ("state", "cancelled"): _("Cancelled"),
    ("state", "requested"): _("Awaiting decision"),
    ("state", "granted"): _("Granted"),
    ("state", "refused"): _("Refused"),
    ("state", "withdrawn"): _("Withdrawn"),
    # inquiries (P2.1) and customers (P4.1.b)
    ("state", "open"): _("Open"),
    ("state", "handed_over"): _("Handed over"),
    ("state", "converted"): _("Converted to order"),
    ("state", "closed"): _("Closed"),
    ("channel", "phone"): _("Phone"),
    ("channel", "email"): pgettext_lazy("inquiry channel", "Email"),
    ("channel", "online"): _("Online customer service"),
    ("channel", "visit"): _("On-site visit"),
    ("size", "micro"): _("Micro"),
    ("size", "small"): _("Small"),
    ("size", "medium"): _("Medium"),
    ("size", "large"): _("Large"),
    ("status", "prospect"): _("Prospect"),
}

# Credit and finance (P5.1, P3.6): their labels live in ordertaking/credit/labels.py (and its catalogue).
from ordertaking.credit.labels import ACTION_LABELS as _CREDIT_ACTIONS  # noqa: E402
from ordertaking.credit.labels import FIELD_LABELS as _CREDIT_FIELDS  # noqa: E402
from ordertaking.credit.labels import VALUE_LABELS as _CREDIT_VALUES  # noqa: E402

ACTION_LABELS.update(_CREDIT_ACTIONS)
FIELD_LABELS.update({k: v for k, v in _CREDIT_FIELDS.items() if k not in FIELD_LABELS})
VALUE_LABELS.update(_CREDIT_VALUES)


def action_label(action: str) -> str:
    """The translated label, or the dotted action itself when nobody has named it yet."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def field_label(key: str) -> str:
    label = FIELD_LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ")


# Keys whose values are amounts of money: shown as ¥1,234.50 like every other amount on the pages.
MONEY_KEYS = frozenset({"total_amount", "amount", "order_amount", "exposure", "credit_limit", "accepted_excess",
                        "excess", "allowed_excess", "unit_price", "paid_amount", "outstanding"})


def _show(value: Any, key: str = "") -> str:
    if value is None or value == "":
        return ""
    if key in MONEY_KEYS and not isinstance(value, list | tuple | dict | bool):
        from ordertaking.common.templatetags.ot import money

        try:
            return money(value)
        except (ArithmeticError, ValueError):  # not a number after all: show it as stored
            return str(value)
    if isinstance(value, list | tuple):
        return ", ".join(_show(v, key) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_show(v, k)}" for k, v in value.items())
    label = VALUE_LABELS.get((key, str(value)))
    return str(label) if label is not None else str(value)


def event_changes(before: Any, after: Any) -> list[dict[str, str]]:
    """The fields an event touched, as {field, before, after}, in the order `after` lists them.

    An event may carry only `after` (a creation) or only `before`; non-dict payloads are ignored.
    """
    b = before if isinstance(before, dict) else {}
    a = after if isinstance(after, dict) else {}
    keys = list(a) + [k for k in b if k not in a]
    rows = []
    for key in keys:
        if key in a and key in b and a[key] == b[key]:
            continue
        rows.append({"key": key, "field": field_label(key), "before": _show(b.get(key), key),
                     "after": _show(a.get(key), key)})
    return rows


def describe_events(events: Iterable[Any]) -> list[Any]:
    """Annotate each event with `description` (translated label) and `changes` for the timeline."""
    result = []
    for ev in events:
        ev.description = action_label(ev.action)
        ev.changes = event_changes(ev.before, ev.after)
        result.append(ev)
    return result
