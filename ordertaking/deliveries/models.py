"""Delivery and acceptance (P2.5). The delivery readiness checklist 交付准备 (P2.5.a): one per shipment,
three parts each signed by a person of its department, and logistics dispatches nothing until all three
are signed (the dispatch check deliveries hands down to logistics at start-up). The delivery voucher
交付凭证 (P2.5.b): one per dispatched shipment, signed by the customer, immutable once signed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.finance.models import CreditNote
from ordertaking.logistics.models import Shipment
from ordertaking.orders.models import Order, OrderLine

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


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


# --- acceptance (P2.5.c), acceptance issues and compensation 赔偿 (P2.5.d) ----------------------------------
# Written by ordertaking/deliveries/acceptance/services.py (the order's `accept` and `close` moves too).
# - LineCheck: the verdict on one order line by one of the contract's criteria, as it stands; every verdict is
#   also an audit event on the order. A line is accepted when all four are; the order when all its lines are.
# - AcceptanceIssue: opened by a rejected criterion; general 一般性问题 (deadline in working days, reminder,
#   escalation to the rep's leader) or major 重大质量问题 (analysis, solution, progress, result accepted).
# - IssueUpdate: a progress report the customer reads on their page.
# - Compensation: asked for by sales, approved by leadership (never the requester), which issues finance's
#   credit note, linked both ways (Compensation.credit_note, CreditNote.compensation).

class Criterion(models.TextChoices):
    """P2.5.c: the contract's acceptance criteria, in the regulation's order."""

    QUANTITY = "quantity", _("Quantity")  # 数量
    SPECIFICATION = "specification", _("Specification")  # 规格
    QUALITY = "quality", _("Quality")  # 质量
    PERFORMANCE = "performance", _("Performance")  # 性能


class Via(models.TextChoices):
    """Who recorded it: the customer on their own page, or the sales rep on the customer's behalf."""

    CUSTOMER = "customer", _("The customer, on their page")  # 客户本人（客户页面）
    STAFF = "staff", _("Recorded by staff on the customer's behalf")  # 员工代客户记录


class LineCheck(models.Model):
    class Verdict(models.TextChoices):
        ACCEPTED = "accepted", pgettext_lazy("acceptance", "Accepted")  # 合格
        REJECTED = "rejected", pgettext_lazy("acceptance", "Rejected")  # 不合格

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="acceptance_checks",
                              verbose_name=_("order"))
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="acceptance_checks",
                             verbose_name=_("order line"))
    criterion = models.CharField(_("criterion"), max_length=20, choices=Criterion.choices)
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    note = models.TextField(_("note"), blank=True)
    via = models.CharField(_("recorded via"), max_length=10, choices=Via.choices)
    customer_name = models.CharField(_("person at the customer"), max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by staff"))
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("acceptance check")
        verbose_name_plural = _("acceptance checks")
        ordering = ["line__position", "id"]
        constraints = [models.UniqueConstraint(fields=["line", "criterion"], name="acceptance_one_check_per_line")]
        indexes = [models.Index(fields=["order", "verdict"], name="acceptance_order_verdict")]

    def __str__(self) -> str:
        return f"{self.line} {self.criterion}"


class IssueClass(models.TextChoices):
    GENERAL = "general", _("General issue")  # 一般性问题
    MAJOR = "major", _("Major quality issue")  # 重大质量问题


class AcceptanceIssue(models.Model):
    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("acceptance issue", "Open")  # 待处理
        ANALYSED = "analysed", pgettext_lazy("acceptance issue", "Analysed")  # 已分析
        SOLUTION = "solution", pgettext_lazy("acceptance issue", "Solution agreed")  # 已定方案
        RESOLVED = "resolved", pgettext_lazy("acceptance issue", "Resolved, waiting for the customer")  # 待客户确认
        CLOSED = "closed", pgettext_lazy("acceptance issue", "Closed")  # 已关闭

    number = models.CharField(_("issue number"), max_length=40, unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="acceptance_issues",
                              verbose_name=_("order"))
    line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="acceptance_issues",
                             verbose_name=_("order line"))
    criteria = models.JSONField(_("rejected criteria"), default=list)
    description = models.TextField(_("what the customer found"))
    issue_class = models.CharField(_("class"), max_length=10, choices=IssueClass.choices,
                                   default=IssueClass.GENERAL)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN, editable=False)
    opened_via = models.CharField(_("raised by"), max_length=10, choices=Via.choices)
    customer_name = models.CharField(_("person at the customer"), max_length=100)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("recorded by staff"))
    opened_at = models.DateTimeField(_("opened"))
    # General issues (P2.5.d 规定时间): solved by this working day; reminded the working day before, escalated
    # to the rep's leader the day after. Major issues have no fixed deadline: they follow their analysis.
    deadline = models.DateField(_("resolve by"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalated_to = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                          verbose_name=_("escalated to"))
    classified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("classified by"))
    # Major issues: the cross-department analysis and the solution.
    cause = models.TextField(_("cause"), blank=True)
    responsible_department = models.CharField(_("responsible department"), max_length=30, blank=True)
    analysed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("analysed by"))
    analysed_at = models.DateTimeField(_("analysed"), null=True, blank=True)
    solution = models.TextField(_("solution"), blank=True)
    solution_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("solution by"))
    solution_at = models.DateTimeField(_("solution agreed"), null=True, blank=True)
    # The result (both classes) and the customer's acceptance of it.
    result = models.TextField(_("result"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("resolved by"))
    resolved_at = models.DateTimeField(_("resolved on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_via = models.CharField(_("result accepted by"), max_length=10, choices=Via.choices, blank=True)
    closed_customer_name = models.CharField(_("person at the customer"), max_length=100, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("recorded by staff"))

    class Meta:
        verbose_name = _("acceptance issue")
        verbose_name_plural = _("acceptance issues")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["state", "deadline"], name="accissue_state_deadline"),
            models.Index(fields=["order", "state"], name="accissue_order_state"),
        ]
        constraints = [
            # One open issue per line: the line is accepted again once its issue is closed.
            models.UniqueConstraint(fields=["line"], condition=~Q(state="closed"), name="accissue_one_open_per_line"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED

    @property
    def is_major(self) -> bool:
        return self.issue_class == IssueClass.MAJOR


class IssueUpdate(models.Model):
    """A progress report on an issue (P2.5.d 进度报告): the customer reads it on their page."""

    issue = models.ForeignKey(AcceptanceIssue, on_delete=models.CASCADE, related_name="updates",
                              verbose_name=_("acceptance issue"))
    text = models.TextField(_("progress"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("by"))
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["at", "id"]


class Compensation(models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("compensation", "Waiting for approval")  # 待审批
        APPROVED = "approved", pgettext_lazy("compensation", "Approved")  # 已批准
        REFUSED = "refused", pgettext_lazy("compensation", "Refused")  # 已拒绝
        WITHDRAWN = "withdrawn", pgettext_lazy("compensation", "Withdrawn")  # 已撤回

    issue = models.ForeignKey(AcceptanceIssue, on_delete=models.PROTECT, related_name="compensations",
                              verbose_name=_("acceptance issue"))
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="compensations",
                              verbose_name=_("order"))
    amount = models.DecimalField(_("amount"), **MONEY)
    basis = models.TextField(_("basis (contract clause, loss)"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.REQUESTED,
                             editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    credit_note = models.OneToOneField(CreditNote, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="compensation", verbose_name=_("credit note"))

    class Meta:
        verbose_name = _("compensation")
        verbose_name_plural = _("compensations")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["state", "requested_at"], name="compensation_state")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=Decimal("0")), name="compensation_amount_positive"),
            # Four eyes (P2.5.d): the requester never decides (the service refuses first, with words).
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                                   name="compensation_decider_not_requester"),
            models.UniqueConstraint(fields=["issue"], condition=Q(state="requested"),
                                    name="compensation_one_waiting_per_issue"),
        ]

    def __str__(self) -> str:
        return f"{self.order} ¥{self.amount}"


# --- the delivery voucher 交付凭证 (P2.5.b) ----------------------------------------------------------------

class VoucherImmutable(Exception):
    """A signed delivery voucher was about to be changed or deleted (P2.5.b: signed is final)."""


class DeliveryVoucher(models.Model):
    """交付凭证 of one dispatched shipment (P2.5.b): what was delivered (its lines, copied from the
    shipment), the documents handed over with the goods, and the customer's signature — drawn and
    typed on their own page, or a paper voucher signed on site whose scan the sales rep uploads.

    Once signed it never changes: the services refuse, `save()` and `delete()` refuse, and a database
    trigger refuses an UPDATE or DELETE of a signed row (migration 0003_voucher_immutable). The
    sha256 of its canonical content and the signature's bytes is on the audit chain (the signing event)."""

    class State(models.TextChoices):
        OPEN = "open", _("Awaiting signature")  # 待签收
        SIGNED = "signed", _("Signed online")  # 已在线签收
        SIGNED_ON_PAPER = "signed_on_paper", _("Signed on paper")  # 已纸质签收

    class Handed(models.TextChoices):
        """The documents given to the customer with the goods (P2.5.b)."""

        PRODUCT_MANUAL = "product_manual", _("Product manual")  # 产品说明书
        INSPECTION_REPORT = "inspection_report", _("Quality inspection report")  # 质量检验报告
        SERVICE_RECORD = "service_record", _("Service record")  # 服务记录

    number = models.CharField(_("voucher number"), max_length=40, unique=True)
    shipment = models.OneToOneField(Shipment, on_delete=models.PROTECT, related_name="voucher",
                                    verbose_name=_("shipment"))
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="vouchers", verbose_name=_("order"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN, editable=False)
    documents = models.JSONField(_("documents handed over"), default=list, blank=True, editable=False)
    signer_name = models.CharField(_("signed by"), max_length=100, blank=True, editable=False)
    # The drawn signature (PNG) of an online signing; a paper voucher's scan is an attachment instead.
    signature = models.BinaryField(_("signature"), null=True, blank=True, editable=False)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True, editable=False)
    signer_ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True, editable=False)
    signer_agent = models.CharField(_("browser"), max_length=300, blank=True, editable=False)
    # The rep who recorded a paper voucher (None: the customer signed online through their link).
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", editable=False)
    content_hash = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    # The scan of a paper voucher signed on site (state signed_on_paper): an attachment that can no longer
    # be removed once the voucher counts as signed.
    scan = models.OneToOneField("attachments.Attachment", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", editable=False, verbose_name=_("scan of the signed voucher"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delivery voucher")
        verbose_name_plural = _("delivery vouchers")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["order", "state"], name="voucher_order_state"),
                   models.Index(fields=["state", "-created_at"], name="voucher_state_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open") | (Q(signed_at__isnull=False) & ~Q(signer_name="")
                                             & ~Q(content_hash="")),
                name="voucher_signed_complete"),
            models.CheckConstraint(condition=~Q(state="signed") | Q(signature__isnull=False),
                                   name="voucher_online_has_signature"),
            models.CheckConstraint(condition=~Q(state="signed_on_paper") | Q(scan__isnull=False),
                                   name="voucher_paper_has_scan"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "_signed_when_loaded", False):
            raise VoucherImmutable(f"delivery voucher {self.number} is signed and cannot change")
        super().save(*args, **kwargs)
        self._signed_when_loaded = self.is_signed

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if getattr(self, "_signed_when_loaded", False) or self.is_signed:
            raise VoucherImmutable(f"delivery voucher {self.number} is signed and cannot be deleted")
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any, **kwargs: Any) -> DeliveryVoucher:  # type: ignore[override]
        obj = super().from_db(db, field_names, values, **kwargs)
        obj._signed_when_loaded = obj.__dict__.get("state", cls.State.OPEN) != cls.State.OPEN
        return obj

    @property
    def is_signed(self) -> bool:
        return self.state != self.State.OPEN

    def document_labels(self) -> list[str]:
        return [str(self.Handed(d).label) for d in self.documents if d in self.Handed.values]


class VoucherLine(models.Model):
    """What the voucher says was delivered: a line of the shipment, its product copied as the order
    line reads (a later change of the order never rewrites a signed voucher)."""

    voucher = models.ForeignKey(DeliveryVoucher, on_delete=models.PROTECT, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    position = models.PositiveIntegerField(_("line"))
    product_code = models.CharField(_("code"), max_length=40, blank=True)
    name = models.CharField(_("product or service"), max_length=200)
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)

    class Meta:
        ordering = ["voucher", "position"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="voucherline_quantity_positive"),
                       models.UniqueConstraint(fields=["voucher", "position"], name="voucherline_once_per_line")]

