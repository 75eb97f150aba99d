"""Telling people (P2.4.d: the rep learns early; P5.2.a: the leader learns that a plan is missing)
through the notifications app. A notification stores its kind + params and notifications renders them
in each reader's language; the reason is a sentence of ours, so it goes as a text in each language
({"zh-hans": …, "en": …}) and every reader sees theirs, even after switching language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.utils import translation

from ordertaking.common.links import order_url
from ordertaking.notifications.services import notify
from ordertaking.orders.models import Order


def in_each_language(text: Callable[[], str]) -> dict[str, str]:
    result = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            result[code] = text()
    return result


def notify_people(*, recipients: Iterable[Any], kind: str, order: Order, actor: Any,
                  reason: Callable[[], str], params: dict[str, Any] | None = None) -> None:
    url = order_url(order.number, "progress")
    notify(recipients=[p for p in recipients if p is not None], kind=kind,
           params={"order": order.number, "reason": in_each_language(reason), **(params or {})},
           url=url, subject=order, actor=actor)
