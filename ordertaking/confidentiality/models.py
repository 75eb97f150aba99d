"""Confidential customer data (P4.1.c 保密): the access requests and their grants, the reveal log and the
customer's consent to disclosure. The customer is reached by its string reference only: this app sits
below `customers` and never imports it."""


from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Field(models.TextChoices):
    """The confidential data of a customer (P4.1.c): each is masked unless a duty or a grant covers it."""

    CONTACT_NAME = "contact_name", _("contact name")
    PHONE = "phone", _("phone")
    EMAIL = "email", _("e-mail")
    ADDRESS = "address", _("address")
    INVOICING = "invoicing", _("invoicing details")
    CREDIT_CODE = "credit_code", _("credit code")


class AccessRequest(models.Model):
    """审批后方可查阅: a request to see one customer's confidential data, with its reason; decided by the
    customer's rep's leader or leadership, never by the requester. Granted, it is the grant: in force
    until `expires_at` unless revoked."""

    class State(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("access request", "Waiting for a decision")
        GRANTED = "granted", pgettext_lazy("access request", "Granted")
        REFUSED = "refused", pgettext_lazy("access request", "Refused")
        WITHDRAWN = "withdrawn", pgettext_lazy("access request", "Withdrawn")
        REVOKED = "revoked", pgettext_lazy("access request", "Revoked")

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="access_requests",
                                 verbose_name=_("customer"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    reason = models.TextField(_("reason"))
    days = models.PositiveSmallIntegerField(_("days asked for"), default=7)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.REQUESTED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    expires_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("revoked by"))
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)
    expiry_told_at = models.DateTimeField(_("holder told of the end"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ("-requested_at", "-id")
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        constraints = [
            # one request waiting per person and customer
            models.UniqueConstraint(fields=["requested_by", "customer"], condition=Q(state="requested"),
                                    name="access_request_one_open"),
        ]
        indexes = [
            models.Index(fields=["requested_by", "state", "expires_at"], name="access_request_grants"),
            models.Index(fields=["state", "-requested_at"], name="access_request_queue"),
            models.Index(fields=["customer", "-requested_at"], name="access_request_customer"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def in_force(self, now: Any = None) -> bool:
        """A grant counts while granted and not yet expired (a revoked one has left `granted`)."""
        now = now or timezone.now()
        return self.state == self.State.GRANTED and self.expires_at is not None and self.expires_at > now


class RevealLog(models.Model):
    """Who saw which customer's confidential value unmasked, when, through which door and on what basis:
    a reveal on a page or through the API (under a grant), or an export carrying it (under a grant or a
    duty). Auditors filter it (`reveal_log_view`)."""

    class Basis(models.TextChoices):
        DUTY = "duty", _("duty")
        GRANT = "grant", _("grant")

    class Channel(models.TextChoices):
        PAGE = "page", _("page")
        API = "api", _("API")
        EXPORT = "export", _("export")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("user"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("customer"))
    field = models.CharField(_("data"), max_length=20, choices=Field.choices)
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices)
    grant = models.ForeignKey(AccessRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="reveals",
                              verbose_name=_("grant"))
    duty = models.CharField(_("duty"), max_length=200, blank=True)  # the duty's words as written (msgid)
    channel = models.CharField(_("where"), max_length=10, choices=Channel.choices)
    what = models.CharField(_("what"), max_length=200, blank=True)  # e.g. the export's name

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = _("reveal")
        verbose_name_plural = _("reveal log")
        indexes = [
            models.Index(fields=["-at"], name="reveal_at"),
            models.Index(fields=["user", "-at"], name="reveal_user_at"),
            models.Index(fields=["customer", "-at"], name="reveal_customer_at"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Consent(models.Model):
    """The customer's consent to disclose its data to a third party (P4.1.c: never without it): what,
    to whom, until when, how it was given; recorded by sales or customer service."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="consents",
                                 verbose_name=_("customer"))
    what = models.CharField(_("data disclosed"), max_length=200)
    recipient = models.CharField(_("to whom"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    evidence = models.CharField(_("how given"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ("-recorded_at", "-id")
        verbose_name = _("consent to disclosure")
        verbose_name_plural = _("consents to disclosure")
        indexes = [models.Index(fields=["customer", "-recorded_at"], name="consent_customer")]

    def __str__(self) -> str:
        return f"{self.what} → {self.recipient}"
