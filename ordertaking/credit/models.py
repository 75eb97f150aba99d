"""Credit risk control (P5.1): the scorecard policy, evaluations, each customer's maintained
credit position (limit, exposure, stop), guarantees, holds and monitoring alerts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ordertaking.customers.models import Customer
from ordertaking.orders.models import Order
from ordertaking.orders.states import OrderState

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class ScorecardPolicy(models.Model):
    """One version of the scorecard finance maintains (P5.1.a). A change makes a new row, so
    every evaluation keeps the version it was scored with: the table *is* the history.

    Nobody raises their own authority (issue 8): finance *proposes* a version; it is in force only
    once a second person, of leadership, approved it. A proposal has no effect until then."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting approval")
        IN_FORCE = "in_force", _("In force")
        REJECTED = "rejected", _("Rejected")

    version = models.PositiveIntegerField(_("version"), unique=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PROPOSED,
                             editable=False)
    weight_qualification = models.PositiveIntegerField(_("weight: qualification"), default=25)
    weight_financial = models.PositiveIntegerField(_("weight: financial status"), default=25)
    weight_reputation = models.PositiveIntegerField(_("weight: business reputation"), default=20)
    weight_payment = models.PositiveIntegerField(_("weight: payment record"), default=30)
    # [{"rating": "AAA", "min_score": 85, "limit": "2000000", "payment_kinds": [...],
    #   "max_term_days": 90, "guarantee_required": false}, ...] highest first.
    bands = models.JSONField(_("rating bands"), encoder=DjangoJSONEncoder)
    finance_release_authority = models.DecimalField(
        _("finance release authority"), default=Decimal("50000.00"),
        help_text=_("Largest excess over the limit finance may release; above it leadership decides."),
        **MONEY)
    watch_overdue_days = models.PositiveIntegerField(_("overdue days that trigger measures"), default=30)
    stop_overdue_days = models.PositiveIntegerField(_("overdue days that stop the customer"), default=90)
    limit_cut_percent = models.PositiveIntegerField(_("limit cut (%)"), default=30)
    term_cut_days = models.PositiveIntegerField(_("longest term after measures (days)"), default=15)
    near_limit_percent = models.PositiveIntegerField(_("near-limit warning (%)"), default=80)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("reason for change"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", editable=False, verbose_name=_("decided by"))
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_comment = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("credit scorecard")
        verbose_name_plural = _("credit scorecards")
        ordering = ["-version"]
        constraints = [
            # Four eyes: whoever proposed a version does not decide it.
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | Q(created_by__isnull=True)
                                   | ~Q(decided_by=F("created_by")), name="policy_decider_not_proposer"),
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class CreditEvaluation(models.Model):
    """信用评估 (P5.1.a): the four factors' inputs, the score they gave, the rating and its terms.
    Proposed by finance; in force only once a second person approved it."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Superseded")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_evaluations")
    policy = models.ForeignKey(ScorecardPolicy, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PROPOSED,
                             editable=False)
    # 资质 qualification
    registered_capital = models.DecimalField(_("registered capital"), **MONEY)
    years_in_business = models.PositiveIntegerField(_("years in business"))
    licences_held = models.PositiveIntegerField(_("licences held"), default=0)
    # 财务状况 financial status
    annual_revenue = models.DecimalField(_("annual revenue"), **MONEY)
    debt_ratio = models.DecimalField(_("debt ratio (%)"), max_digits=5, decimal_places=2)
    # 商业信誉 business reputation
    litigation = models.BooleanField(_("open litigation"), default=False)
    blacklisted = models.BooleanField(_("on a blacklist"), default=False)
    references = models.PositiveIntegerField(_("good trade references"), default=0)
    # 付款记录 payment record, computed from our own invoices when proposed
    payment_record = models.JSONField(_("payment record"), encoder=DjangoJSONEncoder, default=dict)
    # result
    factor_scores = models.JSONField(_("factor scores"), encoder=DjangoJSONEncoder, default=dict)
    score = models.PositiveIntegerField(_("score"))
    rating = models.CharField(_("rating"), max_length=4)
    credit_limit = models.DecimalField(_("credit limit"), **MONEY)
    payment_kinds = models.JSONField(_("payment methods allowed"), default=list)
    max_term_days = models.PositiveIntegerField(_("longest payment term (days)"))
    guarantee_required = models.BooleanField(_("guarantee required"), default=False)
    note = models.TextField(_("note"), blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("credit evaluation")
        verbose_name_plural = _("credit evaluations")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # P5.1.a four eyes: the proposer never approves their own evaluation.
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("proposed_by")),
                                   name="evaluation_decider_not_proposer"),
            models.CheckConstraint(condition=Q(registered_capital__gte=0) & Q(annual_revenue__gte=0)
                                   & Q(credit_limit__gte=0), name="evaluation_amounts_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.rating} ({self.score})"


class CustomerCredit(models.Model):
    """The customer's credit position, MAINTAINED as orders are approved, invoiced and paid.
    Approval locks this row (select_for_update) and checks exposure + order ≤ limit, so two
    approvals for one customer are serialised and can never together pass the limit."""

    customer = models.OneToOneField(Customer, on_delete=models.PROTECT, related_name="credit")
    evaluation = models.ForeignKey(CreditEvaluation, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    rating = models.CharField(_("rating"), max_length=4, blank=True)
    credit_limit = models.DecimalField(_("credit limit"), default=Decimal("0.00"), **MONEY)
    payment_kinds = models.JSONField(_("payment methods allowed"), default=list)
    max_term_days = models.PositiveIntegerField(_("longest payment term (days)"), default=0)
    guarantee_required = models.BooleanField(_("guarantee required"), default=False)
    approved_uninvoiced = models.DecimalField(_("approved, not invoiced"), default=Decimal("0.00"), **MONEY)
    invoiced_unpaid = models.DecimalField(_("invoiced, unpaid"), default=Decimal("0.00"), **MONEY)
    # P5.1.c risk level reached by monitoring: 0 normal, 1 measures applied, 2 stopped.
    risk_level = models.PositiveSmallIntegerField(_("risk level"), default=0)
    on_stop = models.BooleanField(_("on credit stop"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("customer credit")
        verbose_name_plural = _("customer credit")
        constraints = [
            models.CheckConstraint(condition=Q(approved_uninvoiced__gte=0) & Q(invoiced_unpaid__gte=0),
                                   name="credit_exposure_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.rating}"

    @property
    def exposure(self) -> Decimal:
        return self.approved_uninvoiced + self.invoiced_unpaid

    @property
    def available(self) -> Decimal:
        return self.credit_limit - self.exposure

    @property
    def is_evaluated(self) -> bool:
        return self.evaluation_id is not None


class Guarantee(models.Model):
    """担保 (P5.1.b): the safeguard a customer with poor credit must give before approval."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("Deposit / prepayment received")
        GUARANTOR = "guarantor", _("Guarantor")
        LETTER_OF_CREDIT = "lc", _("Letter of credit")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="guarantees")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, null=True, blank=True, related_name="guarantees",
                              help_text=_("Empty: covers every order of the customer until it expires."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    percent = models.DecimalField(_("deposit percentage"), max_digits=5, decimal_places=2, null=True, blank=True)
    guarantor = models.CharField(_("guarantor"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("guarantee")
        verbose_name_plural = _("guarantees")
        ordering = ["-valid_until", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="guarantee_amount_positive"),
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")),
                                   name="guarantee_validity_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class CreditHold(models.Model):
    """One time an order went on credit hold (P5.1), with the figures that put it there."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for release")
        RELEASED = "released", _("Released")
        CLOSED = "closed", _("Closed")  # the order was returned or cancelled while held

    class Stage(models.TextChoices):
        SUBMISSION = "submission", _("At submission")
        APPROVAL = "approval", _("At approval")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="credit_holds")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_holds")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN,
                             editable=False)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    order_amount = models.DecimalField(_("order amount"), **MONEY)
    exposure = models.DecimalField(_("exposure"), **MONEY)
    credit_limit = models.DecimalField(_("credit limit"), **MONEY)
    excess = models.DecimalField(_("excess over limit"), **MONEY)
    created_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(_("reason"), blank=True)
    # The excess the releaser accepted; approval allows exposure + order ≤ limit + this.
    allowed_excess = models.DecimalField(_("accepted excess"), default=Decimal("0.00"), **MONEY)
    special = models.BooleanField(_("released by leadership (special approval)"), default=False)

    class Meta:
        verbose_name = _("credit hold")
        verbose_name_plural = _("credit holds")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="credithold_state_created")]
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=Q(state="open"), name="credithold_one_open"),
            models.CheckConstraint(condition=Q(state="open") | Q(state="closed") | ~Q(release_reason=""),
                                   name="credithold_release_needs_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.excess}"

    @property
    def is_open(self) -> bool:
        """Waiting for release: stored open and its order still on credit hold. An order returned or
        cancelled while held closes its hold by that move alone: closure derives from the order's
        state, so the orders app below credit needs no call up into credit (docs/conventions.md)."""
        return self.state == self.State.OPEN and self.order.state == OrderState.CREDIT_HOLD

    @property
    def current_state(self) -> str:
        return self.State.CLOSED if self.state == self.State.OPEN and not self.is_open else self.state

    def get_current_state_display(self) -> str:
        return str(self.State(self.current_state).label)


class CreditAlert(models.Model):
    """An early warning (P3.6 财务风险预警, P5.1.c) shown on dashboards; mailed on commit."""

    class Kind(models.TextChoices):
        OVERDUE = "overdue", _("Invoice overdue")
        MEASURES = "measures", _("Limit and terms reduced")
        STOP = "stop", _("Customer stopped")
        RATING = "rating", _("Rating fell")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_alerts")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credit_alerts")
    # Written before alerts were stored as kind + params: the text in the writer's language. New alerts
    # leave it empty and are rendered in the reader's language from `params` (see `text`).
    message = models.TextField(_("message"), blank=True)
    params = models.JSONField(default=dict, encoder=DjangoJSONEncoder, blank=True)
    figures = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("credit alert")
        verbose_name_plural = _("credit alerts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="creditalert_recipient")]

    @property
    def text(self) -> str:
        """The alert in the reader's (active) language; rows from before `params` show their stored text."""
        template = ALERT_TEXTS.get(self.kind)
        if template is None or not self.params:
            return self.message
        try:
            return str(template) % self.params
        except (KeyError, TypeError, ValueError):
            return self.message


# One sentence per kind of alert, filled with the alert's params when it is shown (issue 9: the reader's
# language, not the language of whoever ran the monitoring job).
ALERT_TEXTS: dict[str, Any] = {
    CreditAlert.Kind.MEASURES: _("%(customer)s: invoice %(inv)s is %(days)s days overdue; credit limit lowered to "
                                 "¥%(limit)s and payment term to %(term)s days."),
    CreditAlert.Kind.STOP: _("%(customer)s is on credit stop: an invoice is %(days)s days overdue."),
    CreditAlert.Kind.RATING: _("%(customer)s: rating fell from %(old)s to %(new)s (score %(score)s)."),
}
