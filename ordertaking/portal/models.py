"""The customer's private link to one order (P2.5.b): signed, expiring, revocable.

The link's token is `django.core.signing` over (link id, nonce) with the salt "portal"
(selectors.link_token / link_from_token). The nonce is random and stored, so a link can be
revoked on its own; the signature means nobody can make up a token from an id."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.orders.models import Order


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


class PortalLink(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("portal link", "Valid")  # 有效 (until it expires)
        REVOKED = "revoked", pgettext_lazy("portal link", "Revoked")  # 已撤销

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="portal_links",
                              verbose_name=_("order"))
    nonce = models.CharField(max_length=40, default=new_nonce, editable=False)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.ACTIVE,
                             editable=False)
    # The language of its e-mail and the customer's pages until they choose another (zh by default).
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES,
                                default="zh-hans")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("issued by"))
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", editable=False, verbose_name=_("revoked by"))
    revoke_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True, editable=False)
    sent_to = models.EmailField(_("sent to"), blank=True)
    last_used_at = models.DateTimeField(_("last opened"), null=True, blank=True, editable=False)
    use_count = models.PositiveIntegerField(_("times opened"), default=0, editable=False)

    class Meta:
        verbose_name = _("customer's link")
        verbose_name_plural = _("customer's links")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["order", "-created_at"], name="portallink_order_created")]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")),
                                   name="portallink_expires_after_issue"),
            models.CheckConstraint(condition=Q(state="active", revoked_at__isnull=True)
                                   | Q(state="revoked", revoked_at__isnull=False),
                                   name="portallink_revoked_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.order.number} #{self.pk}"
