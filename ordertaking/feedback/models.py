"""Customer feedback (P6.1.c 客户反馈, P3.2 客服部门): the satisfaction survey an accepted order's customer
is invited to, and complaints and disputes 投诉和纠纷 with their handling workflow and deadline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.customers.models import Customer
from ordertaking.orders.models import Order

SCORES = range(1, 6)  # 1 很不满意 … 5 非常满意


def _score_ok(name: str) -> Q:
    return Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 1, f"{name}__lte": 5})


class Survey(models.Model):
    """P6.1.c 客户满意度调查: one per order, offered once the order is accepted (P2.5.c), answered once
    on the customer's own page (or recorded by customer service from a call)."""

    class State(models.TextChoices):
        INVITED = "invited", _("Invited")  # 已邀请
        ANSWERED = "answered", _("Answered")  # 已答复

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="survey", verbose_name=_("order"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="surveys",
                                 verbose_name=_("customer"))
    # The order's rep when the survey was offered: satisfaction is read per rep (P6.2).
    sales_rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("sales rep"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.INVITED,
                             editable=False)
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    sent_to = models.CharField(_("sent to"), max_length=254, blank=True)
    overall = models.PositiveSmallIntegerField(_("overall"), null=True, blank=True)
    product = models.PositiveSmallIntegerField(pgettext_lazy("survey aspect", "product"), null=True, blank=True)
    delivery = models.PositiveSmallIntegerField(pgettext_lazy("survey aspect", "delivery"), null=True, blank=True)
    service = models.PositiveSmallIntegerField(pgettext_lazy("survey aspect", "service"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, editable=False)
    # None: the customer answered on their own page; else the person who recorded the answers.
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-invited_at", "-id"]
        indexes = [
            models.Index(fields=["state", "-answered_at"], name="survey_state_answered"),
            models.Index(fields=["sales_rep", "-answered_at"], name="survey_rep_answered"),
            models.Index(fields=["customer", "-answered_at"], name="survey_customer_answered"),
        ]
        constraints = [
            *(models.CheckConstraint(condition=_score_ok(n), name=f"survey_{n}_1_to_5")
              for n in ("overall", "product", "delivery", "service")),
            models.CheckConstraint(condition=Q(state="invited") | Q(overall__isnull=False, answered_at__isnull=False),
                                   name="survey_answered_has_scores"),
        ]

    def __str__(self) -> str:
        return f"{self.order.number}"


class Complaint(models.Model):
    """P3.2 投诉和纠纷: a complaint or a dispute of a customer, about an order or the customer's dealings,
    handled by customer service or the order processing center within a deadline of working days."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")  # 投诉
        DISPUTE = "dispute", _("Dispute")  # 纠纷

    class Category(models.TextChoices):
        QUALITY = "quality", _("Product quality")  # 产品质量
        DELIVERY = "delivery", _("Delivery and logistics")  # 交付与物流
        SERVICE = "service", _("Service and attitude")  # 服务态度
        BILLING = "billing", _("Price, invoice or payment")  # 价格、发票或付款
        CONTRACT = "contract", _("Contract terms")  # 合同条款
        OTHER = "other", pgettext_lazy("complaint category", "Other")  # 其他

    class Source(models.TextChoices):
        PORTAL = "portal", _("Customer's page")  # 客户页面
        PHONE = "phone", _("Phone")  # 电话
        EMAIL = "email", pgettext_lazy("inquiry channel", "Email")  # 邮件
        ONLINE = "online", _("Online customer service")  # 在线客服
        VISIT = "visit", _("On-site visit")  # 上门拜访

    class State(models.TextChoices):
        NEW = "new", pgettext_lazy("complaint", "New")  # 待分派
        ASSIGNED = "assigned", pgettext_lazy("complaint", "Assigned")  # 已分派
        INVESTIGATING = "investigating", _("Investigating")  # 调查中
        RESOLVED = "resolved", _("Resolved, awaiting the customer")  # 已解决，待客户确认
        CONFIRMED = "confirmed", _("Confirmed by the customer")  # 客户已确认
        REOPENED = "reopened", _("Reopened")  # 已重新打开

    class Confirmation(models.TextChoices):
        PORTAL = "portal", _("On the customer's page")
        PHONE = "phone", _("Phone")
        EMAIL = "email", pgettext_lazy("inquiry channel", "Email")
        VISIT = "visit", _("On-site visit")

    number = models.CharField(_("complaint number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPLAINT)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="complaints",
                                 verbose_name=_("customer"))
    order = models.ForeignKey(Order, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints",
                              verbose_name=_("order"))
    source = models.CharField(_("how it reached us"), max_length=10, choices=Source.choices)
    contact_name = models.CharField(_("complainant"), max_length=100, blank=True)
    contact = models.CharField(_("how to reach them"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    state = models.CharField(_("state"), max_length=14, choices=State.choices, default=State.NEW, editable=False)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="complaints_handled", verbose_name=_("handler"))
    due_date = models.DateField(_("deadline"), editable=False)
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True, editable=False)
    resolution = models.TextField(_("resolution"), blank=True, editable=False)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, editable=False)
    confirmed_how = models.CharField(_("confirmed by"), max_length=10, choices=Confirmation.choices, blank=True,
                                     editable=False)
    reopen_count = models.PositiveSmallIntegerField(default=0, editable=False)
    # None: the customer filed it on their own page.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "due_date"], name="complaint_state_due"),
            models.Index(fields=["handler", "state"], name="complaint_handler_state"),
            models.Index(fields=["customer", "-created_at"], name="complaint_customer_created"),
            models.Index(fields=["order", "-created_at"], name="complaint_order_created"),
            models.Index(fields=["-created_at"], name="complaint_created"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state not in (self.State.RESOLVED, self.State.CONFIRMED)


class ComplaintNote(models.Model):
    """A step of the handling in words: what was found, what is being done, or the customer's reply.
    `public` notes are what the customer reads on their page (P2.5.d-like progress reports)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"))
    public = models.BooleanField(_("the customer sees it"), default=True)
    # None: the customer wrote it on their page.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["complaint", "created_at", "id"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="complaintnote_complaint")]
