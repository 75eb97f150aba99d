"""Links for the review pages: an order number always links to the one order page (orders:detail)."""

from __future__ import annotations

from django import template

from ordertaking.common.links import order_url

register = template.Library()


@register.filter
def order_href(number: str) -> str:
    return order_url(number)
