"""The records files can be attached to, handed down by the apps above at start-up (docs/conventions.md:
attachments sits low and imports none of them). Each app registers its record once in its
`AppConfig.ready`:

    attachment_target_add(AttachmentTarget(
        key="order", model=Order,
        get=lambda user, ref: order_get(user=user, number=ref),    # NotFound when the user may not see it
        ref=lambda order: order.number,
        may_view=lambda user, order: ...,                          # who reads and downloads its files
        may_add=lambda user, order: ...,                           # who attaches (and may remove their own)
        order_of=lambda order: order))                             # the order whose timeline shows the upload

The card (`attachments:card` key ref), the upload, the download and the API then work for that record.
`attachment_remove_check_add(fn)` hands down a rule that may refuse a removal (deliveries: the scan of a
voucher that counts as signed stays). `attachment_view_check_add(fn, kinds=)` hands down a rule that may keep
one file of those kinds from one reader, beyond who sees its record (deliveries: the scan of a signed paper
voucher carries the signer's name and hand, P4.1.c); files of other kinds never pass through it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models


def _no_order(obj: Any) -> Any:
    return None


@dataclass(frozen=True)
class AttachmentTarget:
    key: str
    model: type[models.Model]
    get: Callable[[Any, str], Any]
    ref: Callable[[Any], str]
    may_view: Callable[[Any, Any], bool]
    may_add: Callable[[Any, Any], bool]
    order_of: Callable[[Any], Any] = _no_order
    kinds: tuple[str, ...] = field(default=())  # the kinds offered on its card; () = all


TARGETS: dict[str, AttachmentTarget] = {}
REMOVE_CHECKS: list[Callable[[Any], str | None]] = []
VIEW_CHECKS: list[tuple[tuple[str, ...], Callable[[Any, Any], bool]]] = []


def attachment_target_add(target: AttachmentTarget) -> None:
    """Register a record files can be attached to (a second registration of the key replaces the first)."""
    TARGETS[target.key] = target


def target_by_key(key: str) -> AttachmentTarget | None:
    return TARGETS.get(key)


def target_of(obj: models.Model | type[models.Model]) -> AttachmentTarget | None:
    model = obj if isinstance(obj, type) else type(obj)
    for t in TARGETS.values():
        if t.model._meta.label_lower == model._meta.label_lower:
            return t
    return None


def attachment_remove_check_add(check: Callable[[Any], str | None]) -> None:
    """A rule every removal passes: `fn(attachment) -> reason it must stay | None`."""
    if check not in REMOVE_CHECKS:
        REMOVE_CHECKS.append(check)


def attachment_view_check_add(check: Callable[[Any, Any], bool], *, kinds: tuple[str, ...]) -> None:
    """A rule every read of a file of `kinds` passes: `fn(user, attachment) -> may this reader have it`. A file
    it refuses is left out of the lists and its download answers 404, as if it were not there."""
    if all(c is not check for _, c in VIEW_CHECKS):
        VIEW_CHECKS.append((tuple(kinds), check))
