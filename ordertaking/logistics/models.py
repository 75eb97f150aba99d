"""Logistics (P2.4.c 物流配送, P3.5 物流部门, P5.2.c 物流风险): carriers, shipments by line and
quantity, their tracking events, shipping exceptions, and the log of carriers' webhook calls."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from ordertaking.catalog.models import Region
from ordertaking.common.sealed import seal, sealed_check, unseal
from ordertaking.orders.models import Order, OrderLine


def words(items: list[Any]) -> str:
    """A list as the reader's language writes it (、 in Chinese, ", " in English)."""
    return pgettext("list separator", ", ").join(str(i) for i in items)


class Method(models.TextChoices):
    """How goods travel (P2.4.c 选择合适的物流方式)."""

    OWN_FLEET = "own_fleet", _("Own fleet")  # 自有车队
    EXPRESS = "express", _("Express")  # 快递
    FREIGHT = "freight", _("Freight")  # 货运


class Carrier(models.Model):
    """A carrier the company has a contract with (P2.4.c 物流合作商). Its rating is read from its
    record (selectors.carrier_ratings), never typed in.

    Its webhook key (HMAC-SHA256 of the tracking events it posts) is generated, handed to the carrier once and
    kept encrypted (`common/sealed.py`, Fernet under ORDERTAKING_FIELD_KEYS): checking a signature needs the key
    itself, so it cannot be hashed. The column holds a token or nothing (no key yet), a check constraint refuses
    anything else, and only the check of a post (`services.webhook_receive`) opens it."""

    code = models.SlugField(_("carrier code"), max_length=30, unique=True,
                            help_text=_("Short code in the carrier's webhook address."))
    name = models.CharField(_("name"), max_length=100, unique=True)
    contract_number = models.CharField(_("contract number"), max_length=60)
    contract_valid_from = models.DateField(_("contract valid from"))
    contract_valid_to = models.DateField(_("contract valid to"))
    regions = models.ManyToManyField(Region, blank=True, related_name="+", verbose_name=_("service regions"))
    methods = models.JSONField(_("methods offered"), default=list, blank=True)
    contact = models.CharField(_("carrier contact"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)
    webhook_secret = models.TextField(_("webhook key (encrypted)"), blank=True, editable=False)
    webhook_secret_set_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(contract_valid_to__gte=models.F("contract_valid_from")),
                                              name="carrier_contract_dates_ordered"),
                       sealed_check("webhook_secret", name="carrier_webhook_secret_sealed", optional=True)]

    def __str__(self) -> str:
        return self.name

    def webhook_secret_seal(self, plain: str) -> None:
        """Keep `plain` as the webhook key, encrypted (saved with the row); `SecretUnreadable` when the
        configured keys cannot encrypt (not Fernet keys)."""
        self.webhook_secret = seal(plain)

    def webhook_secret_plain(self) -> str:
        """The webhook key; `SecretUnreadable` when no configured key opens it."""
        return unseal(self.webhook_secret)

    def method_labels(self) -> str:
        return words([Method(m).label for m in self.methods if m in Method.values])

    def region_names(self) -> str:
        return words([r.name for r in self.regions.all()]) or "—"


TALLY_STRIPES = 8


class CarrierTally(models.Model):
    """A carrier's record kept as counts (P2.4.c rating), moved by the services that change what they count,
    in the same transaction (services.tally_add). A carrier's counts are the SUM of its rows: one row per
    stripe (shipment id % TALLY_STRIPES), so dispatches and deliveries of one carrier lock different rows
    instead of queueing on one. Bulk loads recount them (services.carrier_tallies_rebuild)."""

    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="tallies")
    stripe = models.PositiveSmallIntegerField()
    n_delivered = models.PositiveIntegerField(default=0)
    n_on_time = models.PositiveIntegerField(default=0)  # delivered by the planned arrival (Asia/Shanghai day)
    n_shipped = models.PositiveIntegerField(default=0)  # dispatched, in transit or delivered
    n_damaged = models.PositiveIntegerField(default=0)  # dispatched with a damage or loss exception

    class Meta:
        constraints = [models.UniqueConstraint(fields=["carrier", "stripe"], name="carriertally_once_per_stripe"),
                       models.CheckConstraint(condition=Q(stripe__lt=TALLY_STRIPES), name="carriertally_stripe")]


class Shipment(models.Model):
    """One consignment of an order, whole or partial (P2.4.c): which lines, how many of each."""

    class State(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("shipment", "Planned")  # 待发运
        DISPATCHED = "dispatched", _("Dispatched")  # 已发运
        IN_TRANSIT = "in_transit", _("In transit")  # 运输中
        DELIVERED = "delivered", pgettext_lazy("shipment", "Delivered")  # 已送达 (the carrier's; acceptance is P2.5)
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("shipment number"), max_length=40, unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="shipments", verbose_name=_("order"))
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, null=True, blank=True, related_name="shipments",
                                verbose_name=_("carrier"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    waybill_number = models.CharField(_("waybill number"), max_length=60, blank=True)
    packages = models.PositiveIntegerField(_("packages"), default=1)
    planned_ship_date = models.DateField(_("planned ship date"))
    planned_arrival = models.DateField(_("planned arrival"))
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True, editable=False)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PLANNED,
                             editable=False)
    carrier_override = models.TextField(_("reason for choosing this carrier anyway"), blank=True, editable=False)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "planned_ship_date"], name="shipment_state_planned"),
            models.Index(fields=["order", "state"], name="shipment_order_state"),
            models.Index(fields=["carrier", "state"], name="shipment_carrier_state"),
            models.Index(fields=["waybill_number"], name="shipment_waybill"),
            models.Index(fields=["-created_at"], name="shipment_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(packages__gte=1), name="shipment_packages_positive"),
            models.CheckConstraint(condition=Q(planned_arrival__gte=models.F("planned_ship_date")),
                                   name="shipment_arrival_after_ship"),
        ]

    def __str__(self) -> str:
        return self.number


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="shipment_lines")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)

    class Meta:
        ordering = ["shipment", "order_line__position"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipmentline_quantity_positive"),
            models.UniqueConstraint(fields=["shipment", "order_line"], name="shipmentline_once_per_line"),
        ]


class TrackingEvent(models.Model):
    """Where a shipment is (P2.4.c 实时跟踪): entered on the page, through the API, or pushed by the carrier."""

    class Kind(models.TextChoices):
        PICKED_UP = "picked_up", _("Picked up")  # 已揽收
        IN_TRANSIT = "in_transit", _("In transit")  # 运输中
        ARRIVED = "arrived", _("Arrived")  # 已到达
        DELIVERED = "delivered", pgettext_lazy("tracking", "Signed for")  # 已签收

    class Source(models.TextChoices):
        PAGE = "page", _("Entered on the page")
        API = "api", _("API")
        WEBHOOK = "webhook", _("Carrier webhook")

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("tracking status"), max_length=12, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.PAGE)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["shipment", "-occurred_at", "-id"]
        indexes = [models.Index(fields=["shipment", "-occurred_at"], name="tracking_shipment_time")]


class ShippingException(models.Model):
    """A delay, damage or loss in transport (P5.2.c 物流风险): cause, handling, who was told."""

    class Kind(models.TextChoices):
        DELAY = "delay", _("Transport delay")  # 运输延误
        DAMAGE = "damage", _("Goods damaged")  # 货物损坏
        LOSS = "loss", _("Goods lost")  # 货物丢失

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        HANDLED = "handled", _("Handled")
        CLOSED = "closed", _("Closed")

    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="exceptions",
                                 verbose_name=_("shipment"))
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="shipping_exceptions")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    cause = models.TextField(_("cause"))
    handling = models.TextField(_("handling"), blank=True)
    told_contact = models.CharField(_("customer contact told"), max_length=200, blank=True)
    told_departments = models.JSONField(_("departments told"), default=list, blank=True)
    new_arrival = models.DateField(_("expected arrival"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN, editable=False)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("shipping exception")
        verbose_name_plural = _("shipping exceptions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "-created_at"], name="shipexc_state_created"),
            models.Index(fields=["order", "state"], name="shipexc_order_state"),
        ]

    def told_department_labels(self) -> list[str]:
        from ordertaking.accounts.roles import ROLE_LABELS, Role

        return [str(ROLE_LABELS[Role(d)]) for d in self.told_departments if d in Role.__members__.values()]


class WebhookAttempt(models.Model):
    """Every call to a carrier's webhook, accepted or refused (auditors see the refusals)."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", pgettext_lazy("webhook call", "Accepted")
        UNKNOWN_CARRIER = "unknown_carrier", _("Unknown carrier")
        BAD_SIGNATURE = "bad_signature", _("Bad signature")
        STALE = "stale", _("Timestamp outside the window")
        REPLAY = "replay", _("Replayed event")
        INVALID = "invalid", _("Invalid content")
        KEY_UNREADABLE = "key_unreadable", _("Not checked: the stored key cannot be decrypted")

    carrier = models.ForeignKey(Carrier, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    carrier_code = models.CharField(max_length=60)
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    event_id = models.CharField(max_length=100, blank=True)
    remote_addr = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["-received_at"], name="webhook_received"),
                   models.Index(fields=["outcome", "-received_at"], name="webhook_outcome")]


class WebhookNonce(models.Model):
    """An event id a carrier's webhook already delivered: the same id again is a replay."""

    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["carrier", "event_id"], name="webhook_nonce_once")]
