"""Changes and cancellations of an order after its approval (P2.3 again, P2.4, P5.1).

A change request is the record of one change: what changed, why, who proposed it, and the state
the order was in before it went back through review (so a withdrawn change returns it there). A
cancellation request waits for the order center's agreement (leadership's above an amount)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.orders.models import Order
from ordertaking.orders.states import OrderState

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class ChangeRequest(models.Model):
    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("change request", "Under review")  # 审核中
        APPROVED = "approved", pgettext_lazy("change request", "Approved")  # 已通过
        WITHDRAWN = "withdrawn", pgettext_lazy("change request", "Withdrawn")  # 已撤回

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="change_requests",
                              verbose_name=_("order"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    reason = models.TextField(_("reason for the change"))
    # The order's execution state before the change went to review: where it returns (P2.4).
    from_state = models.CharField(_("state before the change"), max_length=20, choices=OrderState.choices)
    base_revision = models.PositiveIntegerField(_("approved revision"))
    revision = models.PositiveIntegerField(_("revision of the change"))
    # The approved content, lines with their ids, to restore when the change is withdrawn.
    base_content = models.JSONField(default=dict, editable=False)
    changes = models.JSONField(_("what changed"), default=dict, editable=False)
    base_total = models.DecimalField(_("approved amount"), default=Decimal("0.00"), **MONEY)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("closed by"))

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["order", "state"], name="change_order_state"),
                   models.Index(fields=["state", "-requested_at"], name="change_state_requested")]
        constraints = [models.UniqueConstraint(fields=["order"], condition=Q(state="open"),
                                               name="change_one_open_per_order")]

    def __str__(self) -> str:
        return f"{self.order} #{self.pk}"


class CancelRequest(models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("cancel request", "Requested")  # 待同意
        AGREED = "agreed", pgettext_lazy("cancel request", "Agreed")  # 已同意
        REFUSED = "refused", pgettext_lazy("cancel request", "Refused")  # 已拒绝
        WITHDRAWN = "withdrawn", pgettext_lazy("cancel request", "Withdrawn")  # 已撤回

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="cancel_requests",
                              verbose_name=_("order"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.REQUESTED)
    reason = models.TextField(_("reason for the cancellation"))
    order_total = models.DecimalField(_("order total"), **MONEY)
    # Above ORDERTAKING_CANCEL_LEADERSHIP_ABOVE leadership agrees, below it the order center.
    needs_leadership = models.BooleanField(_("leadership decides"), default=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("cancellation request")
        verbose_name_plural = _("cancellation requests")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["order", "state"], name="cancel_order_state"),
                   models.Index(fields=["state", "needs_leadership", "requested_at"], name="cancel_queue")]
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=Q(state="requested"),
                                    name="cancel_one_open_per_order"),
            # Four eyes (P2.4): the requester never decides (the service refuses first, with words).
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                                   name="cancel_decider_not_requester"),
        ]

    def __str__(self) -> str:
        return f"{self.order} #{self.pk}"
