"""Formatting used on every page: money as ¥1,234.50, dates as 2026-11-26, state badges."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html

from ordertaking.common.money import money as to_money

register = template.Library()


@register.filter
def money(value: Any, symbol: str = "¥") -> str:
    if value is None or value == "":
        return ""
    amount = to_money(Decimal(str(value)))
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(amount):,.2f}"


@register.filter
def qty(value: Any) -> str:
    if value is None or value == "":
        return ""
    d = Decimal(str(value))
    text = f"{d:,.3f}".rstrip("0").rstrip(".")
    return text


@register.filter
def ymd(value: Any) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)


@register.filter
def ymdhm(value: Any) -> str:
    if not value:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


@register.simple_tag
def state_badge(state: Any, label: Any = None) -> str:
    """The same colour for the same state everywhere (CONVENTIONS.md, Pages)."""
    from ordertaking.common.states import badge_class

    css = badge_class(str(state))
    return format_html('<span class="badge {} state-{}">{}</span>', css, state, label or state)


@register.filter
def phone_for(value: Any, visible: Any) -> str:
    """P4.1.c: the phone number as is for those who may see it, else masked (common/masking.py)."""
    from ordertaking.common.masking import mask_phone

    return str(value or "") if visible else mask_phone(value)


@register.filter
def email_for(value: Any, visible: Any) -> str:
    """P4.1.c: the e-mail as is for those who may see it, else masked (common/masking.py)."""
    from ordertaking.common.masking import mask_email

    return str(value or "") if visible else mask_email(value)


@register.filter
def name_for(value: Any, visible: Any) -> str:
    """P4.1.c: a contact's name as is for those who may see it, else masked (common/masking.py)."""
    from ordertaking.common.masking import mask_name

    return str(value or "") if visible else mask_name(value)


@register.filter
def address_for(value: Any, visible: Any) -> str:
    """P4.1.c: a street address as is for those who may see it, else masked (common/masking.py)."""
    from ordertaking.common.masking import mask_address

    return str(value or "") if visible else mask_address(value)
