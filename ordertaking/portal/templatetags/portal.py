from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def company_name() -> str:
    """The company the customer deals with (the documents' issuer, settings)."""
    return str(settings.ORDERTAKING_COMPANY_NAME)
