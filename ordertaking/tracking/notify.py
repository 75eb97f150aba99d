"""Telling people (P2.4.d: the rep learns early; P5.2.a: the leader learns of a plan missing) through the
notifications app: stored as kind + params, rendered in each recipient's language by notifications."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from ordertaking.orders.models import Order


def notify_people(*, recipients: Iterable[Any], kind: str, order: Order, actor: Any,
                  params: dict[str, Any]) -> None:
    people = [p for p in recipients if p is not None]
    if not people:
        return
    _url = reverse("orders:detail", args=[order.number]) + "#progress"
    # notifications.services.notify(...) once it has landed
