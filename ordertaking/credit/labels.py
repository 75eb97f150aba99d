"""Labels for the audit actions and figures the credit and finance apps write; merged into
`ordertaking/audit/labels.py` so every timeline reads them, translated in this app's catalogue."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Any] = {
    "credit.policy_changed": _("Credit scorecard changed"),
    "credit.evaluation_proposed": _("Credit evaluation proposed"),
    "credit.evaluation_approved": _("Credit evaluation approved"),
    "credit.evaluation_rejected": _("Credit evaluation rejected"),
    "credit.evaluation_superseded": _("Credit evaluation superseded"),
    "credit.guarantee_recorded": _("Guarantee recorded"),
    "credit.checked": _("Credit checked at approval"),
    "order.credit_held": _("Order put on credit hold"),
    "order.credit_released": _("Released from credit hold"),
    "credit.hold_closed": _("Credit hold closed (the order left it)"),
    "credit.alerts_read": _("Credit alerts marked read"),
    "credit.exposure_reconciled": _("Credit exposure reconciled"),
    "credit.measures_applied": _("Credit measures applied (lower limit, shorter terms)"),
    "credit.stopped": _("Customer put on credit stop"),
    "credit.rating_lowered": _("Credit rating lowered"),
    "invoice.issued": _("Invoice issued"),
    "payment.received": _("Payment received"),
    "payment.recorded": _("Payment recorded"),
    "credit_note.issued": _("Credit note issued"),
    "credit_note.applied": _("Credit note applied"),
    "dunning.done": _("Dunning task done"),
}

FIELD_LABELS: dict[str, Any] = {
    "rating": _("credit rating"),
    "score": _("score"),
    "credit_limit": _("credit limit"),
    "exposure": _("exposure"),
    "excess": _("excess over limit"),
    "accepted_excess": _("accepted excess"),
    "order_amount": _("order amount"),
    "max_term_days": _("longest payment term (days)"),
    "payment_kinds": _("payment methods allowed"),
    "guarantee_required": _("guarantee required"),
    "stage": _("stage"),
    "authority": _("finance release authority"),
    "special_approval_release": _("released by leadership"),
    "worst_days_overdue": _("worst days overdue"),
    "threshold": _("threshold (days)"),
    "invoice": _("invoice"),
    "amount": _("amount"),
    "due_date": _("due date"),
    "open": _("still open"),
    "received_on": _("received on"),
    "allocated": _("allocated"),
    "credit_note": _("credit note"),
    "kind": _("kind"),
    "valid_until": _("valid until"),
    "evaluation": _("evaluation"),
    "policy_version": _("scorecard version"),
    "factors": _("factor scores"),
    "on_stop": _("on credit stop"),
    "alerts_read": _("alerts marked read"),
}

VALUE_LABELS: dict[tuple[str, str], Any] = {
    ("stage", "submission"): _("At submission"),
    ("stage", "approval"): _("At approval"),
    ("kind", "deposit"): _("Deposit / prepayment received"),
    ("kind", "guarantor"): _("Guarantor"),
    ("kind", "lc"): _("Letter of credit"),
    ("guarantee_required", "True"): _("yes"),
    ("guarantee_required", "False"): _("no"),
    ("on_stop", "True"): _("yes"),
    ("on_stop", "False"): _("no"),
    ("special_approval", "True"): _("yes"),
    ("special_approval", "False"): _("no"),
}
