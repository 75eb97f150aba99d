"""`{% confidential value customer "phone" source="contact" ref=c.pk %}`: a customer's confidential value
as the page's user may see it (P4.1.c, the one rule of `confidentiality.selectors`): in full by duty;
masked with a "reveal" button (HTMX, logged) under a grant; masked otherwise."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ordertaking.confidentiality import rules
from ordertaking.confidentiality.selectors import lens_for

register = template.Library()


@register.simple_tag(takes_context=True)
def confidential(context: Any, value: Any, customer: Any, field: str, source: str = "", ref: Any = "",
                 key: str = "") -> str:
    request = context.get("request")
    if request is None or customer is None:
        return format_html("{}", rules.mask(field, value, key=key) if value else "")
    if not value:
        return ""
    lens = lens_for(request)
    if lens.sees(customer, field):
        return format_html("{}", value)
    masked = rules.mask(field, value, key=key)
    if source and lens.may_reveal(customer, field):
        return reveal_html(field, masked, source=source, ref=ref, key=key or field)
    return masked_html(masked)


def masked_html(masked: Any) -> str:
    return format_html('<span class="conf-masked" title="{}">{}</span>',
                       _("Masked: confidential customer data (P4.1.c)"), masked)


def reveal_html(field: str, masked: Any, *, source: str, ref: Any, key: str) -> str:
    """A masked value with its "reveal" button (HTMX; the reveal is logged with its grant)."""
    vals = json.dumps({"source": source, "ref": str(ref), "key": key})
    return format_html(
        '<span class="conf-value" data-field="{}"><span class="conf-masked">{}</span> '
        '<button type="button" class="btn btn-link btn-sm p-0 align-baseline conf-reveal" hx-post="{}" '
        "hx-vals='{}' hx-target=\"closest .conf-value\" hx-swap=\"outerHTML\" title=\"{}\">"
        '<i class="bi bi-eye"></i> {}</button></span>',
        field, masked, reverse("confidentiality:reveal"), vals,
        _("Show in full; the reveal is logged"), _("Reveal"))


@register.simple_tag(takes_context=True)
def confidential_sees(context: Any, customer: Any, field: str) -> bool:
    request = context.get("request")
    return bool(request is not None and customer is not None and lens_for(request).sees(customer, field))
