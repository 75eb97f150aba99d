"""Review of orders by the order center (P2.3): findings, opinions, special approval."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.common.findings import Finding
from ordertaking.orders.models import Order


class ReviewFinding(models.Model):
    """One automatic finding on one revision of an order, citing its clause (P2.3.a/b, P5.1)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="findings")
    revision = models.PositiveIntegerField()
    code = models.CharField(max_length=64)
    clause = models.CharField(max_length=16)
    # What the finding's sentence needs (common/findings.py): rendered in the reader's language when read.
    params = models.JSONField(default=dict, blank=True)
    # Findings stored before issue 14 kept their sentence instead of their parameters: in the language of
    # whoever ran the checks, and ({"zh-hans": …, "en": …}) in each UI language. Read only for those rows;
    # new rows leave both empty.
    message = models.TextField(blank=True, default="")
    messages = models.JSONField(default=dict, blank=True)
    field = models.CharField(max_length=64, blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    blocking = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "line", "id"]
        indexes = [models.Index(fields=["order", "revision"], name="finding_order_rev")]

    def finding(self) -> Finding:
        """The stored finding, its sentence rendered in the reader's language when read."""
        stored = dict(self.messages) or ({"": self.message} if self.message else {})
        return Finding(code=self.code, clause=self.clause, params=self.params, field=self.field or None,
                       line=self.line, blocking=self.blocking, stored_text=stored)

    def localized_message(self) -> str:
        return self.finding().message


class ReviewDecision(models.Model):
    """What a reviewer decided and why: approved, or returned with a review opinion (审核意见)."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", pgettext_lazy("review outcome", "Approved")  # 已通过
        RETURNED = "returned", _("Returned")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="decisions")
    revision = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    opinion = models.TextField(_("review opinion"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    # The 特批 an approval relied on, when it approved despite findings (P2.3.c).
    special_approval = models.ForeignKey("SpecialApproval", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+")

    class Meta:
        ordering = ["order", "decided_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(outcome="returned") | ~Q(opinion=""),
                                   name="decision_return_needs_opinion"),
        ]


class SpecialApproval(models.Model):
    """特批 (P2.3.c): a leader's consent to execute a non-compliant order despite its findings."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Awaiting leader")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="special_approvals")
    revision = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED, editable=False)
    finding_codes = models.JSONField(default=list, help_text="codes of the findings it covers")
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("leader's comment"), blank=True)

    class Meta:
        ordering = ["order", "requested_at"]
        indexes = [models.Index(fields=["state", "requested_at"], name="special_state_requested")]
        constraints = [
            # One open request per order at a time.
            models.UniqueConstraint(fields=["order"], condition=Q(state="requested"),
                                    name="special_one_open_per_order"),
            # P2.3.c segregation of duties: whoever asked cannot grant.
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                                   name="special_decider_not_requester"),
        ]
