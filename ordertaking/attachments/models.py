"""Files attached to orders, customers, delivery vouchers and acceptance issues (P2.5.b): product manuals
产品说明书, service records 服务记录, contracts 合同, photos 照片, scans of signed delivery vouchers 交付凭证扫描件.

An attachment belongs to one record of any model (`target_type`/`target_id`, contenttypes) and, when that
record is about an order, to the order too (`order`, a string reference: orders sit above this app), so an
order's files list in one query and each upload is on the order's timeline. The bytes live in Django's
storage (local under var/ by default, S3-compatible when configured: settings.py), under a name we choose;
what the file is (`content_type`) was read from its bytes when it was uploaded."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def stored_name(instance: Attachment, filename: str) -> str:
    """attachments/2026/11/<random>.<ext>: never the uploader's name or path (the original name is a field)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    now = timezone.localtime()
    return f"attachments/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{ext[:8]}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        MANUAL = "manual", _("Product manual")  # 产品说明书
        SERVICE_RECORD = "service_record", _("Service record")  # 服务记录
        CONTRACT = "contract", pgettext_lazy("attachment", "Contract")  # 合同
        PHOTO = "photo", _("Photo")  # 照片
        VOUCHER_SCAN = "voucher_scan", _("Scan of a signed delivery voucher")  # 交付凭证扫描件
        OTHER = "other", pgettext_lazy("attachment", "Other")

    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="attachments", verbose_name=_("order"))
    kind = models.CharField(_("kind of file"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(_("file"), upload_to=stored_name, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(pgettext_lazy("file", "size"))
    content_type = models.CharField(_("file type"), max_length=100)
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    # Removed by its uploader, with a reason: the row stays (the trail names it), the bytes go.
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", editable=False)
    remove_reason = models.CharField(_("reason for removing"), max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-uploaded_at"], name="attachment_target"),
            models.Index(fields=["order", "-uploaded_at"], name="attachment_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_size_positive"),
            models.CheckConstraint(condition=Q(removed_at__isnull=True) | ~Q(remove_reason=""),
                                   name="attachment_removed_with_reason"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def removed(self) -> bool:
        return self.removed_at is not None
