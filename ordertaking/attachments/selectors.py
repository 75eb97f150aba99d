"""Reads of attachments (P2.5.b): a record's files, an order's files, one file the reader may download."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ordertaking.common.errors import NotFound

from .models import Attachment
from .targets import VIEW_CHECKS, AttachmentTarget, target_by_key, target_of


def attachments_of(target: models.Model, *, include_removed: bool = False) -> QuerySet[Attachment]:
    """The files attached to one record, newest first."""
    ct = ContentType.objects.get_for_model(type(target))
    qs = Attachment.objects.filter(target_type=ct, target_id=target.pk).select_related("uploaded_by")
    return qs if include_removed else qs.filter(removed_at__isnull=True)


def order_attachments(order: Any) -> QuerySet[Attachment]:
    """Every file about an order (on the order itself, its vouchers, its issues), newest first."""
    return Attachment.objects.filter(order=order, removed_at__isnull=True).select_related("uploaded_by", "target_type")


def _checks_pass(user: Any, att: Attachment) -> bool:
    """The rules handed down for the file's kind (`attachment_view_check_add`); none for most kinds."""
    return all(check(user, att) for kinds, check in VIEW_CHECKS if att.kind in kinds)


def readable(user: Any, qs: QuerySet[Attachment]) -> QuerySet[Attachment]:
    """A list of files without those a handed-down rule keeps from `user` (only files of the rules' kinds are
    looked at, one by one)."""
    kinds = {k for ks, _ in VIEW_CHECKS for k in ks}
    if not kinds:
        return qs
    hidden = [a.pk for a in qs.filter(kind__in=kinds).select_related(None) if not _checks_pass(user, a)]
    return qs.exclude(pk__in=hidden) if hidden else qs


def may_view(user: Any, att: Attachment) -> bool:
    """Whoever may see the record the file is attached to; for a record no app registered, whoever may see
    its order. A rule handed down for the file's kind may keep it from them."""
    if not (user and user.is_authenticated):
        return False
    if not _checks_pass(user, att):
        return False
    model = att.target_type.model_class()
    registered = target_of(model) if model is not None else None
    if registered is not None:
        target = att.target
        return target is not None and registered.may_view(user, target)
    order_target = target_by_key("order")
    return bool(att.order_id and order_target and order_target.may_view(user, att.order))


def attachment_get(*, user: Any, pk: Any) -> Attachment:
    """One file the user may download (NotFound otherwise, and for a removed one)."""
    att = (Attachment.objects.select_related("target_type", "order", "uploaded_by")
           .filter(pk=pk if str(pk).isdigit() else 0, removed_at__isnull=True).first())
    if att is None or not may_view(user, att):
        raise NotFound(_("No such attachment."))
    return att


def target_get(*, user: Any, key: str, ref: str) -> tuple[AttachmentTarget, Any]:
    """The registered kind of record and the record itself, when the user may see it."""
    registered = target_by_key(key)
    if registered is None:
        raise NotFound(_("No such attachment."))
    obj = registered.get(user, ref)
    if obj is None or not registered.may_view(user, obj):
        raise NotFound(_("No such attachment."))
    return registered, obj


def card_files(registered: AttachmentTarget, obj: Any, user: Any) -> list[Attachment]:
    """What a record's card lists to `user`: for an order, every file about it; else the record's own."""
    qs = readable(user, order_attachments(obj) if registered.key == "order" else attachments_of(obj))
    return list(qs.order_by("-uploaded_at", "-id")[:200])
