"""A row's problems in words (users read words, not codes): each stored as {"col", "code", "params"}
and rendered in the reader's language when shown. A refusal of a service whose code has no words
here keeps the service's own sentence in each language (params["text"]), captured when it was found."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ordertaking.customers import validators
from ordertaking.customers.rules import normalize_credit_code

from .kinds import Column, Kind

# Codes a service raises that we put in our own words, naming the record where it helps.
SERVICE_CODES = frozenset({"required", "too_long", "invalid_credit_code", "invalid_phone", "invalid_email",
                           "duplicate_customer", "not_sales", "invalid_text", "permission_denied"})


def _choices(column: Column | None) -> str:
    if column is None or column.choices is None:
        return ""
    return "、".join(str(label) for _value, label in column.choices()) if get_language() == "zh-hans" \
        else ", ".join(str(label) for _value, label in column.choices())


def message(kind: Kind, error: dict[str, Any], cells: dict[str, str]) -> str:
    code = error.get("code", "")
    params = error.get("params") or {}
    column = kind.column(error.get("col") or "")
    value = cells.get(error.get("col") or "", "")
    if code == "formula":
        return _("The cell starts with “%(char)s”, which a spreadsheet runs as a formula: formulas are not "
                 "imported. Type the value without it.") % {"char": params.get("char", "=")}
    if code == "required":
        return _("This column is required.")
    if code == "not_number":
        return _("Enter a number, e.g. 3200.00.")
    if code == "not_integer":
        return _("Enter a whole number.")
    if code == "not_yes_no":
        return _("Enter yes or no (是 or 否).")
    if code == "bad_choice":
        return _("Enter one of: %(choices)s.") % {"choices": _choices(column)}
    if code == "unknown_province":
        return _("No province with this name or code.")
    if code == "unknown_user":
        return _("No active user with this user name.")
    if code == "unknown_customer":
        return _("No customer you can see has this unified social credit code or name.")
    if code == "ambiguous_customer":
        return _("Several customers have this name: give the unified social credit code instead.")
    if code == "unknown_category":
        return _("No category with this code or name.")
    if code == "unknown_product":
        return _("No product or service in the catalog has this code.")
    if code == "product_exists":
        return _("A product or service with this code is already in the catalog: import its prices as a "
                 "price policy instead.")
    if code == "nothing_to_change":
        return _("Give a list price, a floor price or a VAT rate.")
    if code == "duplicate_in_file":
        return _("Row %(row)s of this file has the same value: each may appear once.") % {"row": params.get("row")}
    if code == "duplicate_customer":
        return _("A customer with this unified social credit code already exists: %(name)s.") % {
            "name": params.get("name", "")}
    if code == "invalid_credit_code":
        return validators.credit_code_error(normalize_credit_code(value)) or _("Check the code.")
    if code == "invalid_phone":
        return validators.phone_error("") or ""
    if code == "invalid_email":
        return _("Enter a valid email address.")
    if code == "too_long":
        return _("At most %(n)s characters.") % {"n": params.get("n", "")}
    if code == "not_sales":
        return _("The sales rep must hold the sales role.")
    if code == "invalid_text":
        return _("Enter text.")
    if code == "permission_denied":
        return _("You may not change this record.")
    texts = params.get("text") or {}
    return str(texts.get(get_language()) or texts.get("en") or next(iter(texts.values()), "")
               or _("This row was refused."))


def column_label(kind: Kind, key: str) -> str:
    column = kind.column(key)
    return str(column.label) if column is not None else ""


def row_messages(kind: Kind, errors: list[dict[str, Any]], cells: dict[str, str]) -> list[dict[str, str]]:
    """[{"col": key, "column": label, "message": text}] in the reader's language."""
    return [{"col": e.get("col") or "", "column": column_label(kind, e.get("col") or ""),
             "message": message(kind, e, cells)} for e in errors]
