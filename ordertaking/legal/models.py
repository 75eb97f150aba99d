"""The legal app's records (P5.3): the amount threshold, the legal review of each flagged revision of an
order with its opinion, and the periodic compliance reviews (法律合规审查) with their checklist items."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.orders.models import Order

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
# Until leadership sets one (P5.3): an order above ¥1,000,000 goes to the legal adviser.
DEFAULT_AMOUNT_THRESHOLD = Decimal("1000000.00")


class LegalThreshold(models.Model):
    """The amount above which an order needs the legal adviser's opinion (P5.3). Each change is a new
    row (the latest is in force), kept as the history; set by leadership (legal_rule_manage), audited."""

    amount = models.DecimalField(_("amount threshold"), **MONEY)
    note = models.TextField(_("reason for the change"), blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("set by"))
    set_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        verbose_name = _("legal review threshold")
        verbose_name_plural = _("legal review thresholds")
        ordering = ["-set_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="legal_threshold_not_negative")]


class Reason(models.TextChoices):
    """Why an order goes to the legal adviser (P5.3)."""

    AMOUNT = "amount_over_threshold", _("Amount above the legal review threshold")
    TERMS = "non_standard_terms", _("Non-standard contract terms")
    IP = "intellectual_property", _("Products involving intellectual property")
    CONSUMER = "consumer_buyer", _("Consumer (individual) buyer")


class LegalReview(models.Model):
    """One flagged revision of an order and the legal adviser's opinion on it (P5.3). Opened when the
    revision is submitted; a new revision needs a new opinion. Approval of the order waits while it is
    pending or objected (review asks legal for its findings)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the legal opinion")
        APPROVED = "approved", pgettext_lazy("legal opinion", "No legal objection")
        OBJECTED = "objected", _("Legal objection")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="legal_reviews",
                              verbose_name=_("order"))
    revision = models.PositiveIntegerField(_("revision"))
    reasons = models.JSONField(_("reasons"), default=list)  # Reason codes
    # The figures behind the reasons, for the words: amount, threshold, the IP lines ("2 · name").
    details = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING,
                             editable=False)
    flagged_at = models.DateTimeField(_("flagged"), auto_now_add=True)
    opinion = models.TextField(_("legal opinion"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("legal adviser"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("legal review")
        verbose_name_plural = _("legal reviews")
        ordering = ["order", "revision"]
        indexes = [models.Index(fields=["state", "flagged_at"], name="legal_review_state_flagged")]
        constraints = [
            models.UniqueConstraint(fields=["order", "revision"], name="legal_review_one_per_revision"),
            models.CheckConstraint(condition=Q(state="pending") | (~Q(opinion="") & Q(decided_by__isnull=False)),
                                   name="legal_review_decided_has_opinion"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.revision}"


# --- periodic compliance reviews (法律合规审查) -------------------------------------------------------

class Result(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    ISSUE = "issue", _("Issue found")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ComplianceReview(models.Model):
    """One period's compliance review of the order business (P5.3): a legal adviser answers each item
    of the checklist, completes it, and leadership signs it off (not whoever did it)."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Waiting for sign-off")
        SIGNED_OFF = "signed_off", _("Signed off")

    period_start = models.DateField(_("period from"), unique=True)
    period_end = models.DateField(_("period to"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("legal adviser"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.IN_PROGRESS,
                             editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("completed by"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    summary = models.TextField(_("overall conclusion"), blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("signed off by"))
    signed_off_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    sign_off_comment = models.TextField(_("sign-off comment"), blank=True)

    class Meta:
        verbose_name = _("compliance review")
        verbose_name_plural = _("compliance reviews")
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="compliance_period_ordered"),
            # SoD: whoever completed the review does not sign it off
            models.CheckConstraint(condition=Q(signed_off_by__isnull=True) | ~Q(signed_off_by=models.F("completed_by")),
                                   name="compliance_signer_not_completer"),
        ]

    def __str__(self) -> str:
        return period_label(self.period_start)


def period_label(start: Any) -> str:
    """"2026 Q4" in either language (the quarter is the period, P5.3)."""
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


class ComplianceItem(models.Model):
    """One checklist item of a review: what is checked (from the checklist), the evidence, the result and,
    for an issue, the follow-up action with its owner and due date."""

    review = models.ForeignKey(ComplianceReview, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("item"))
    key = models.CharField(max_length=40)  # the checklist's item (legal.rules.CHECKLIST)
    evidence = models.TextField(_("evidence"), blank=True)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True)
    follow_up = models.TextField(_("follow-up action"), blank=True)
    follow_up_owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("follow-up owner"))
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("compliance review item")
        verbose_name_plural = _("compliance review items")
        ordering = ["review", "position"]
        constraints = [models.UniqueConstraint(fields=["review", "position"], name="compliance_item_position")]
