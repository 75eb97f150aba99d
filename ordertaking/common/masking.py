"""The one masking rule for a contact's phone number and e-mail (P4.1.c confidentiality).

Who sees the full value is decided elsewhere (`customers/selectors.py:sees_contact_details`);
this module only says what a masked value looks like, the same on every page, API answer and
timeline: `13812345678` → `138****5678`, `liu@pujiang.example.cn` → `l***@pujiang.example.cn`.
"""

from __future__ import annotations

from typing import Any

STARS = "****"

# Keys of a record (API answer, audit change) whose values are contact details.
CONTACT_KEYS = frozenset({"phone", "email", "contact_phone", "contact_email",
                          # a customer's invoicing details (开票信息): masked like a phone
                          "invoice_phone", "invoice_bank_account"})


def mask_phone(value: str | None) -> str:
    """Keep the first three and the last four characters; hide the rest behind four stars."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) >= 8:
        return value[:3] + STARS + value[-4:]
    return STARS + value[-2:] if len(value) > 2 else STARS


def mask_email(value: str | None) -> str:
    """Keep the first character of the mailbox and the whole domain."""
    value = (value or "").strip()
    if not value:
        return ""
    local, at, domain = value.rpartition("@")
    if not at:
        return mask_phone(value)
    return (local[:1] or "") + "***@" + domain


def mask_account(value: str | None) -> str:
    """A bank account number: its first and last four digits (6222****3456), spaces and hyphens dropped."""
    digits = "".join(c for c in (value or "") if c not in " -")
    if not digits:
        return ""
    if len(digits) >= 10:
        return digits[:4] + STARS + digits[-4:]
    return mask_phone(digits)


def mask_contact(key: str, value: Any) -> Any:
    """Mask `value` when `key` names a contact detail (e-mail and bank account by their key, everything
    else as a phone)."""
    if key not in CONTACT_KEYS or not isinstance(value, str):
        return value
    if "email" in key:
        return mask_email(value)
    return mask_account(value) if "account" in key else mask_phone(value)


def mask_record(record: dict[str, Any]) -> dict[str, Any]:
    """A copy of `record` with its contact details masked (top level only)."""
    return {k: mask_contact(k, v) for k, v in record.items()}
