"""The audit labels for the events this app writes (repeated from audit/labels.py so this app's
catalogue carries their translations)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Any] = {
    "inquiry.recorded": _("Inquiry recorded"),
    "inquiry.updated": _("Inquiry updated"),
    "inquiry.handed_over": _("Inquiry handed over to sales"),
    "inquiry.converted": _("Inquiry converted to a draft order"),
    "inquiry.closed": _("Inquiry closed"),
}

FIELDS: dict[str, Any] = {
    "assigned_to": _("sales rep"),
    "special_needs": _("special or complex needs"),
    "channel": _("channel"),
    "company_name": _("company name"),
    "contact_name": _("contact name"),
    "contact_phone": _("contact phone"),
    "contact_email": _("contact email"),
    "specification": _("specification"),
    "quantity": _("quantity"),
    "service_requirements": _("service requirements"),
    "wanted_delivery_date": _("wanted delivery date"),
    "needs_analysis": _("preliminary needs analysis"),
    "order": _("order"),
    "address": _("address"),
    "product": _("product or service"),
    "notes": _("notes"),
}
