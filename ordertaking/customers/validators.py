"""The one check and the one message for each field of customer information that more than one
record carries (P2.1.c accurate information, P2.3.a genuine customer).

The model fields carry these as `validators`, and the services (customers, inquiries) raise the
same message with the field's name, so the page, the API and the admin say one thing. Forms do not
check these fields themselves: they show the service's error beside the field.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import rules


def credit_code_error(code: str) -> str | None:
    """None when `code` is a valid unified social credit code (GB 32100-2015), else what is wrong."""
    problem = rules.credit_code_problem(code)
    if problem is None:
        return None
    return {
        "length": _("A unified social credit code has 18 characters."),
        "alphabet": _("A unified social credit code uses digits and capital letters except I, O, S, V, Z."),
        "division": _("Characters 3 to 8 of a unified social credit code are the region code (digits)."),
        "check_char": _("The check character does not match: please check the code for a typo."),
    }[problem]


def phone_error(phone: str) -> str | None:
    """None when `phone` is a mainland mobile or a landline with area code, else how to write one."""
    if rules.phone_valid(phone):
        return None
    return _("Enter a mainland mobile (11 digits, e.g. 13812345678) or a landline with area code "
             "(e.g. 021-12345678).")


def validate_credit_code(value: str) -> None:
    message = credit_code_error(value)
    if message is not None:
        raise ValidationError(message, code="invalid_credit_code")


def validate_phone(value: str) -> None:
    message = phone_error(value)
    if message is not None:
        raise ValidationError(message, code="invalid_phone")
