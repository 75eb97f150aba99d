"""What a masked confidential value looks like (P4.1.c confidentiality), the same on every page, API
answer, export, PDF and timeline: `13812345678` → `138****5678`, `liu@pujiang.example.cn` →
`l***@pujiang.example.cn`, `刘晓明` → `刘**`, `文三路 90 号 3 幢` → `文三路****`.

Who sees the full value is decided elsewhere (`confidentiality/selectors.py`, the one rule); this
module only gives the shapes, low enough for every app and template tag to use.
"""

from __future__ import annotations

from typing import Any

STARS = "****"

# Keys of a record (API answer, audit change) whose values are contact details.
CONTACT_KEYS = frozenset({"phone", "email", "contact_phone", "contact_email",
                          # a customer's invoicing details (开票信息): masked like a phone
                          "invoice_phone", "invoice_bank_account",
                          # names, addresses and the credit code (P4.1.c, issue 12)
                          "contact_name", "address", "detail", "delivery_address", "invoice_address",
                          "credit_code", "taxpayer_number"})
NAME_KEYS = frozenset({"contact_name"})
ADDRESS_KEYS = frozenset({"address", "detail", "delivery_address", "invoice_address"})


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


def mask_name(value: str | None) -> str:
    """A person's name: its first character (the family name in Chinese), then stars."""
    value = (value or "").strip()
    if not value:
        return ""
    return value[:1] + "**"


def mask_address(value: str | None) -> str:
    """A street address: its first third (at most six characters, the street without its number), then stars."""
    value = (value or "").strip()
    if not value:
        return ""
    return value[:min(6, len(value) // 3)] + STARS


def mask_code(value: str | None) -> str:
    """A unified social credit code (taxpayer number): the first two and the last four characters."""
    value = (value or "").strip()
    if not value:
        return ""
    return value[:2] + STARS + value[-4:] if len(value) >= 10 else mask_phone(value)


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
    if key in NAME_KEYS:
        return mask_name(value)
    if key in ADDRESS_KEYS:
        return mask_address(value)
    if key in ("credit_code", "taxpayer_number"):
        return mask_code(value)
    if "email" in key:
        return mask_email(value)
    return mask_account(value) if "account" in key else mask_phone(value)


def mask_record(record: dict[str, Any]) -> dict[str, Any]:
    """A copy of `record` with its contact details masked (top level only)."""
    return {k: mask_contact(k, v) for k, v in record.items()}
