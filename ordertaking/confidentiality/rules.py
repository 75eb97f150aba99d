"""The one masking rule of confidential customer data (P4.1.c 保密) as plain functions: what each
confidential field looks like masked, how long a grant lasts, and who may decide a request."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from ordertaking.common.errors import ValidationFailed
from ordertaking.common.masking import mask_account, mask_address, mask_code, mask_email, mask_name, mask_phone

from .models import Field

DEFAULT_DAYS = 7
MAX_DAYS = 90


def mask(field: str, value: Any, *, key: str = "") -> Any:
    """P4.1.c: the masked form of `value`, a customer's `field`. Invoicing details name their part in
    `key` (``invoice_address``, ``invoice_phone``, ``invoice_bank_account``; title and bank stay)."""
    if not isinstance(value, str) or not value:
        return value
    if field == Field.CONTACT_NAME:
        return mask_name(value)
    if field == Field.PHONE:
        return mask_phone(value)
    if field == Field.EMAIL:
        return mask_email(value)
    if field == Field.ADDRESS:
        return mask_address(value)
    if field == Field.CREDIT_CODE:
        return mask_code(value)
    if field == Field.INVOICING:
        if "account" in key:
            return mask_account(value)
        if "address" in key:
            return mask_address(value)
        if "phone" in key:
            return mask_phone(value)
        if key in ("taxpayer_number", "credit_code"):
            return mask_code(value)
        return value
    return mask_phone(value)


def grant_days(days: Any) -> int:
    """P4.1.c: a grant is time-limited: 7 days unless asked otherwise, never more than 90."""
    if days in (None, ""):
        return DEFAULT_DAYS
    try:
        n = int(days)
    except (TypeError, ValueError):
        n = 0
    if not 1 <= n <= MAX_DAYS:
        raise ValidationFailed(_("Between 1 and %(max)s days.") % {"max": MAX_DAYS}, field="days")
    return n


def grant_expiry(now: datetime, days: int) -> datetime:
    return now + timedelta(days=days)


def decide_permission_refusal(*, decider_id: int | None, may_decide_all: bool, rep_leader_id: int | None) -> str | None:
    """P4.1.c: the customer's sales rep's leader (`User.leader`) or leadership decides."""
    if may_decide_all or (decider_id is not None and decider_id == rep_leader_id):
        return None
    return _("The customer's sales rep's leader or leadership decides access to confidential data.")


def decide_sod_refusal(*, decider_id: int | None, requester_id: int) -> str | None:
    """Segregation of duties: nobody approves their own request."""
    if decider_id == requester_id:
        return _("You asked for this access: another person must decide it.")
    return None
