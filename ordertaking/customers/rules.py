"""Pure rules for customer information (P2.1.c, P2.3.a): no database, tested alone."""

from __future__ import annotations

import re
from collections.abc import Mapping

# GB 32100-2015 统一社会信用代码: 18 characters from this alphabet (no I, O, S, V, Z).
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The 18th character for the first 17 (GB 32100-2015, modulus 31)."""
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """None when `code` is a valid unified social credit code, else why not (P2.3.a genuine customer)."""
    code = (code or "").strip().upper()
    if len(code) != 18:
        return "length"
    if any(c not in CREDIT_CODE_ALPHABET for c in code):
        return "alphabet"
    if not code[2:8].isdigit():
        return "division"
    if credit_code_check_char(code[:17]) != code[17]:
        return "check_char"
    return None


def credit_code_valid(code: str) -> bool:
    return credit_code_problem(code) is None


def normalize_credit_code(code: str) -> str:
    return (code or "").strip().upper()


# Mainland mobile: 11 digits starting 1[3-9]; landline: area code 0xx(x) + 7-8 digits, optional extension.
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def normalize_phone(phone: str) -> str:
    p = re.sub(r"[\s()]", "", phone or "")
    if p.startswith("+86"):
        p = p[3:]
    elif p.startswith("0086"):
        p = p[4:]
    return p


def phone_valid(phone: str) -> bool:
    p = normalize_phone(phone)
    return bool(MOBILE_RE.match(p) or LANDLINE_RE.match(p))


# --- invoicing details 开票信息 (issue 11) -------------------------------------------------------------

# What a special VAT invoice (增值税专用发票) must carry about the buyer, in the order a fapiao prints it.
SPECIAL_INVOICE_FIELDS = ("invoice_title", "credit_code", "invoice_address", "invoice_phone", "invoice_bank",
                          "invoice_bank_account")
BANK_ACCOUNT_RE = re.compile(r"^\d[\d -]{6,38}\d$")


def special_invoice_gaps(details: Mapping[str, str | None]) -> list[str]:
    """P3.6 (finance invoices by the contract, with the tax on it): a special VAT invoice 专用发票 lets
    the buyer deduct the input tax, so it must carry the buyer's complete invoicing details: name
    (invoice title), taxpayer number (the unified social credit code, valid), address and phone, bank
    and account. Returns the fields that are missing or invalid; empty means it may be issued."""
    gaps = [f for f in SPECIAL_INVOICE_FIELDS if not (details.get(f) or "").strip()]
    code = (details.get("credit_code") or "").strip()
    if code and not credit_code_valid(code):
        gaps.append("credit_code")
    return gaps


def bank_account_valid(account: str) -> bool:
    """8 to 40 digits, spaces and hyphens allowed between them (as banks print them)."""
    return bool(BANK_ACCOUNT_RE.match((account or "").strip()))
