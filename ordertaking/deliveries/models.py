"""Delivery and acceptance (P2.5). The delivery readiness checklist 交付准备 (P2.5.a) comes first: one per
shipment, three parts each signed by a person of its department, and logistics dispatches nothing until all
three are signed (the dispatch check deliveries hands down to logistics at start-up)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.logistics.models import Shipment
from ordertaking.orders.models import Order


class DeliveryReadiness(models.Model):
    """交付准备 of one shipment (P2.5.a): production (packaging intact, the finished product passed its
    inspection), logistics (vehicle and packing materials ready), sales (delivery time and place agreed
    with the customer). Each part is signed once by a person of that department, who and when; a signed
    part can be withdrawn with a reason while the shipment is still planned."""

    class Part(models.TextChoices):
        PRODUCTION = "production", pgettext_lazy("department", "Production")  # 生产部门
        LOGISTICS = "logistics", pgettext_lazy("department", "Logistics")  # 物流部门
        SALES = "sales", pgettext_lazy("department", "Sales")  # 销售部门

    shipment = models.OneToOneField(Shipment, on_delete=models.CASCADE, related_name="readiness",
                                    verbose_name=_("shipment"))
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="delivery_readiness",
                              verbose_name=_("order"))

    # Production's part.
    packaging_intact = models.BooleanField(_("packaging intact"), default=False)
    inspection_passed = models.BooleanField(_("finished product inspection passed"), default=False)
    # The passing finished-product inspections the production part was signed on (report numbers).
    inspection_numbers = models.JSONField(_("inspection reports"), default=list, blank=True)
    production_note = models.CharField(_("note"), max_length=500, blank=True)
    production_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+", verbose_name=_("signed by"))
    production_signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    # Logistics' part.
    vehicle_ready = models.BooleanField(_("vehicle ready"), default=False)
    packing_materials_ready = models.BooleanField(_("packing materials ready"), default=False)
    logistics_note = models.CharField(_("note"), max_length=500, blank=True)
    logistics_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                            blank=True, related_name="+", verbose_name=_("signed by"))
    logistics_signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    # Sales' part: what was agreed with the customer, with whom, when.
    agreed_time = models.DateTimeField(_("agreed delivery time"), null=True, blank=True)
    agreed_place = models.CharField(_("agreed delivery place"), max_length=300, blank=True)
    agreed_with = models.CharField(_("agreed with"), max_length=100, blank=True)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    sales_note = models.CharField(_("note"), max_length=500, blank=True)
    sales_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="+", verbose_name=_("signed by"))
    sales_signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery readiness")
        verbose_name_plural = _("delivery readiness checklists")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["order"], name="readiness_order")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(production_signed_at__isnull=True)
                | models.Q(packaging_intact=True, inspection_passed=True),
                name="readiness_production_signed_complete"),
            models.CheckConstraint(
                condition=models.Q(logistics_signed_at__isnull=True)
                | models.Q(vehicle_ready=True, packing_materials_ready=True),
                name="readiness_logistics_signed_complete"),
            models.CheckConstraint(
                condition=models.Q(sales_signed_at__isnull=True)
                | (models.Q(agreed_time__isnull=False, agreed_on__isnull=False)
                   & ~models.Q(agreed_place="") & ~models.Q(agreed_with="")),
                name="readiness_sales_signed_complete"),
        ]

    def __str__(self) -> str:
        return str(self.shipment)

    def signed_at(self, part: str) -> object:
        return getattr(self, f"{part}_signed_at")

    def signed_by(self, part: str) -> object:
        return getattr(self, f"{part}_signed_by")

    def missing_parts(self) -> list[str]:
        """The parts not signed yet, in the checklist's order."""
        return [p for p in self.Part.values if getattr(self, f"{p}_signed_at") is None]

    @property
    def complete(self) -> bool:
        return not self.missing_parts()
