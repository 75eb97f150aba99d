"""Writes of attachments (P2.5.b): add a file to a record, remove one's own with a reason. The file is
checked by its bytes (rules.file_check) before anything is stored; the upload and the removal are events
on the order's timeline (or the record's own when it has no order), in the same transaction."""

from __future__ import annotations

import hashlib
import os
import unicodedata
import zipfile
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.audit.services import event_record
from ordertaking.common.errors import Conflict, PermissionDenied, ValidationFailed

from . import rules
from .models import Attachment
from .targets import REMOVE_CHECKS, target_of

MB = 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "ORDERTAKING_ATTACHMENT_MAX_MB", 20)) * MB


def per_record() -> int:
    return int(getattr(settings, "ORDERTAKING_ATTACHMENTS_PER_RECORD", 50))


def allowed_for(kind: str) -> tuple[str, ...]:
    """Which types each kind of file may be: a photo is an image, a voucher scan a PDF or an image."""
    if kind == Attachment.Kind.PHOTO:
        return rules.IMAGES
    if kind == Attachment.Kind.VOUCHER_SCAN:
        return ("pdf", *rules.IMAGES)
    return rules.ALL


def clean_name(name: str) -> str:
    """The uploader's file name without any path, control characters or leading dots, at most 200 long
    (the extension kept)."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    base = base.strip().lstrip(".") or "file"
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 199 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else base[:200]
    return base


def _zip_names(f: UploadedFile) -> list[str] | None:
    f.seek(0)
    try:
        with zipfile.ZipFile(f) as z:
            return z.namelist()[:10000]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        f.seek(0)


def inspect_file(f: Any, *, kind: str, field: str = "file") -> tuple[rules.FileType, str, int]:
    """The checked type, sha256 and size of an uploaded file, before anything is written."""
    if f is None or not hasattr(f, "read"):
        raise ValidationFailed(_("Choose a file to attach."), field=field, code="file_missing")
    size = int(getattr(f, "size", 0) or 0)
    name = clean_name(getattr(f, "name", "") or "")
    f.seek(0)
    head = f.read(rules.HEAD_BYTES)
    f.seek(0)
    zip_names = _zip_names(f) if head.startswith(b"PK\x03\x04") and size <= max_bytes() else None
    ftype = rules.file_check(name=name, size=size, head=head, max_bytes=max_bytes(), allowed=allowed_for(kind),
                             zip_names=zip_names, field=field)
    digest = hashlib.sha256()
    for chunk in f.chunks() if hasattr(f, "chunks") else iter(lambda: f.read(65536), b""):
        digest.update(chunk)
    f.seek(0)
    return ftype, digest.hexdigest(), size


def _subject(attachment: Attachment, target: Any) -> Any:
    return attachment.order if attachment.order_id else target


def attachment_add(*, actor: Any, target: models.Model, file: Any, kind: str, order: Any = None, note: str = "",
                   may: Any = None) -> Attachment:
    """P2.5.b: a file attached to `target` (an order, a customer, a delivery voucher, an acceptance issue).

    Who may: `may(actor, target)` when given, else the target's registered `may_add`; a caller that
    registered nothing has checked the actor itself. The registered `kinds` bound what the card offers; a
    service passing `may` chooses the kind itself (deliveries: the scan of a paper voucher).
    `order` defaults to the target's order (registered
    `order_of`); the upload is on that order's timeline ("Attachment added: 说明书.pdf")."""
    if kind not in Attachment.Kind.values:
        raise ValidationFailed(_("Choose what kind of file this is."), field="kind", code="unknown_kind")
    registered = target_of(target)
    allowed = may(actor, target) if may is not None else (registered.may_add(actor, target) if registered else True)
    if not (actor and getattr(actor, "is_authenticated", False) and allowed):
        raise PermissionDenied(_("You may not attach files here."))
    if may is None and registered and registered.kinds and kind not in registered.kinds:
        raise ValidationFailed(_("Choose what kind of file this is."), field="kind", code="unknown_kind")
    ftype, sha256, size = inspect_file(file, kind=kind)
    name = clean_name(getattr(file, "name", "") or "")
    if order is None and registered is not None:
        order = registered.order_of(target)
    ct = ContentType.objects.get_for_model(type(target))
    stored: str | None = None
    try:
        with transaction.atomic():
            if type(target)._default_manager.select_for_update().filter(pk=target.pk).first() is None:
                raise ValidationFailed(_("The record is gone."), field="target")
            live = Attachment.objects.filter(target_type=ct, target_id=target.pk, removed_at__isnull=True).count()
            if live >= per_record():
                raise ValidationFailed(_("At most %(n)s files can be attached here.") % {"n": per_record()},
                                       field="file", code="too_many_attachments")
            att = Attachment(target_type=ct, target_id=target.pk, order=order, kind=kind, original_name=name,
                             size=size, content_type=ftype.content_type, sha256=sha256, note=(note or "").strip()[:300],
                             uploaded_by=actor)
            att.file.save(name, file, save=False)
            stored = att.file.name
            att.save()
            event_record(actor=actor, action="attachment.added", subject=_subject(att, target), clause="P2.5.b",
                         after={"file_name": name, "attachment_kind": kind})
    except BaseException:
        if stored:  # nothing half-written: the bytes go with the row that was rolled back
            Attachment._meta.get_field("file").storage.delete(stored)
        raise
    return att


def attachment_remove(*, actor: Any, attachment: Attachment, reason: str, check: Any = None) -> Attachment:
    """A file taken off by whoever uploaded it, saying why (P2.5.b). The row stays, so the trail still
    names it; its bytes are deleted once the removal is committed. A rule handed down by the chapters above
    (attachment_remove_check_add), or `check(attachment)`, may keep it: the scan of a voucher that counts as
    signed stays."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason."), field="reason")
    with transaction.atomic():
        att = Attachment.objects.select_for_update(of=("self",)).select_related("order").get(pk=attachment.pk)
        if att.removed_at is not None:
            raise Conflict(_("This file was removed already."), code="already_removed")
        if att.uploaded_by_id != getattr(actor, "pk", None):
            raise PermissionDenied(_("Only the person who attached a file removes it."))
        for rule in [*REMOVE_CHECKS, *([check] if check else [])]:
            refusal = rule(att)
            if refusal:
                raise Conflict(refusal, field="file", code="must_stay")
        att.removed_at, att.removed_by, att.remove_reason = timezone.now(), actor, reason[:300]
        att.save(update_fields=["removed_at", "removed_by", "remove_reason"])
        subject: Any = att.order if att.order_id else att.target
        event_record(actor=actor, action="attachment.removed", subject=subject, clause="P2.5.b",
                     before={"file_name": att.original_name, "attachment_kind": att.kind}, message=reason[:300])
        name = att.file.name or ""
        storage = att.file.storage
        transaction.on_commit(lambda: storage.delete(name))
    return att
