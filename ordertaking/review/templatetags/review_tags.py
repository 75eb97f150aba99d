"""Links for the review pages: an order number always links to the one order page (orders:detail)."""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()


@register.filter
def order_href(number: str) -> str:
    return reverse("orders:detail", args=[number])
