"""The audit labels for the events this app writes, and the keys those events carry.

`ordertaking/audit/labels.py` lists them for the timeline (one line per action); they are
repeated here so this app's own catalogue (locale/zh_Hans) carries their translations.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Any] = {
    "customer.created": _("Customer created"),
    "customer.updated": _("Customer updated"),
    "customer.contact_added": _("Contact added"),
    "customer.contact_updated": _("Contact changed"),
    "customer.contact_removed": _("Contact removed"),
    "customer.address_added": _("Address added"),
    "customer.address_updated": _("Address changed"),
    "customer.address_removed": _("Address removed"),
    "customer.payment_methods_changed": _("Allowed payment methods changed"),
}

FIELDS: dict[str, Any] = {
    "credit_code": _("unified social credit code"),
    "industry": _("industry"),
    "size": _("size"),
    "region": _("province"),
    "city": _("city"),
    "status": _("status"),
    "sales_rep": _("sales rep"),
    "preferences": _("needs and preferences"),
    "notes": _("notes"),
    "title": _("title"),
    "phone": _("phone"),
    "email": _("email"),
    "is_primary": _("primary"),
    "label": _("label"),
    "detail": _("street address"),
    "is_default": _("default"),
    "allowed_payment_methods": _("allowed payment methods"),
}
