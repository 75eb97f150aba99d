"""Telling people (P2.4.d: the rep learns early; P5.2.a: the leader learns that a plan is missing)
through the notifications app. A notification stores its kind + params and notifications renders them
in each recipient's language; the reason is a sentence of ours, so it is written once per recipient
language, in that language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.urls import reverse
from django.utils import translation

from ordertaking.notifications.selectors import user_language
from ordertaking.notifications.services import notify
from ordertaking.orders.models import Order


def notify_people(*, recipients: Iterable[Any], kind: str, order: Order, actor: Any,
                  reason: Callable[[], str], params: dict[str, Any] | None = None) -> None:
    people = [p for p in recipients if p is not None]
    url = reverse("orders:detail", args=[order.number]) + "#progress"
    by_language: dict[str, list[Any]] = {}
    for person in people:
        by_language.setdefault(user_language(person), []).append(person)
    for language, group in by_language.items():
        with translation.override(language):
            text = reason()
        notify(recipients=group, kind=kind, params={"order": order.number, "reason": text, **(params or {})},
               url=url, subject=order, actor=actor)
