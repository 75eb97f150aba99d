"""Notifications (issue 10): who learns of the work that reaches them, in the app and by e-mail.

A notification stores its kind and parameters, never rendered text: the inbox shows it in the
reader's language, the e-mail is written in the recipient's language (texts.py).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ordertaking.accounts.roles import ROLE_LABELS, Role
from ordertaking.common.sealed import seal, sealed_check, unseal


class Kind(models.TextChoices):
    """What happened. Callers pass ``params`` as plain strings or numbers; every kind takes
    ``order`` (the order number) and may take the others listed here (missing ones read as empty).
    A text the system writes itself (a risk's reason) may be given in each language,
    ``{"zh-hans": "...", "en": "..."}``: each reader sees theirs (one notify call for everyone).

    - order_submitted: order, customer — to the order processing center (review's order_submit).
    - order_returned: order, opinion (the review opinion) — to the sales rep.
    - order_approved: order, opinion (may be empty) — to the sales rep.
    - special_approval_requested: order, reason — to leadership.
    - special_approval_decided: order, outcome ("granted" | "refused"), comment — to the requester.
    - credit_hold_placed: order, customer, excess (amount over the limit, decimal string) — to the rep
      and finance.
    - credit_hold_released: order, reason — to the rep.
    - task_assigned: order, task (the task's kind, e.g. "production"), due (ISO date) — to the assignee
      or the department.
    - task_overdue: order, task, due — to the assignee/department and the rep.
    - order_at_risk: order, reason — to the rep.
    - shipping_exception: order, reason (what happened, e.g. "delay"), shipment (its number) — to the rep
      and logistics.
    - risk_escalated: order, reason — to the rep's leader.
    - cancel_requested: order, reason — to whoever agrees (order center or leadership).
    - cancel_decided: order, outcome ("agreed" | "refused"), comment — to the requester.
    - change_requested: order, reason — to the order processing center.
    - complaint_received: order (the order number, or the customer's name when the complaint is about no
      single order), complaint (its number), customer, reason (the description)
      — to customer service's handlers (feedback).
    - complaint_assigned: order, complaint, customer, due — to the handler.
    - complaint_due: order, complaint, customer, due — to the handler (unassigned: customer service).
    - complaint_escalated: order, complaint, customer, due, handler — to the handler's leader.
    - complaint_reopened: order, complaint, customer, reason — to the handler.
    - complaint_reply: order, complaint, customer, reason (the customer's note) — to the handler.
    - survey_answered: order, score (overall, 1–5) — to the order's sales rep.
    - acceptance_issue_opened: order, issue (its number), reason (what the customer found) — to the rep
      (P2.5.c: problems go to the sales staff).
    - acceptance_issue_due: order, issue, due (ISO date) — to the rep, the working day before the deadline.
    - acceptance_issue_escalated: order, issue, due, rep — to the rep's leader (all leadership without one).
    - compensation_requested: order, issue, amount (decimal string), reason — to leadership.
    - compensation_decided: order, outcome ("approved" | "refused"), amount, comment — to the requester.
    - rectification_*: order (the finding's order number, else the inspection's), task, inspection, due,
      reason — assigned/returned to the department or its responsible person, responded to the auditors,
      overdue (also days) to both (supervision, P6.1.a).
    - access_requested: order (the customer's name: a request is about a customer, not an order), reason,
      days — to whoever decides (the rep's leader, leadership) (P4.1.c).
    - access_decided: order (the customer's name), outcome ("granted" | "refused"), expires, comment — to the
      requester.
    - access_expiring: order (the customer's name), expires — to the grant's holder, the day before it ends.
    - access_revoked: order (the customer's name), reason — to the holder when someone else revokes it.
    - whistleblowing_received / whistleblowing_reply: report (the receipt code only, P6.1.b; no order:
      nothing of the report's content) — to the investigators; whistleblowing_overdue: report, days (its
      age) — to investigators and leadership.
    - legal_review_requested: order, customer — to the legal advisers (P5.3, an order flagged at submit).
    - legal_opinion_recorded: order, outcome ("approved" | "objected"), comment — to the rep and the order center.
    - compliance_review_assigned: order (the period, e.g. "2026 Q4") — to the legal adviser (P5.3).
    - compliance_review_completed: order (the period) — to leadership, to sign it off.
    """

    ORDER_SUBMITTED = "order_submitted", _("Order submitted for review")
    ORDER_RETURNED = "order_returned", _("Order returned")
    ORDER_APPROVED = "order_approved", _("Order approved")
    SPECIAL_APPROVAL_REQUESTED = "special_approval_requested", _("Special approval requested")
    SPECIAL_APPROVAL_DECIDED = "special_approval_decided", _("Special approval decided")
    CREDIT_HOLD_PLACED = "credit_hold_placed", _("Order on credit hold")
    CREDIT_HOLD_RELEASED = "credit_hold_released", _("Credit hold released")
    TASK_ASSIGNED = "task_assigned", _("Task assigned")
    TASK_OVERDUE = "task_overdue", _("Task overdue")
    ORDER_AT_RISK = "order_at_risk", _("Order at risk")
    SHIPPING_EXCEPTION = "shipping_exception", _("Shipping exception")
    RISK_ESCALATED = "risk_escalated", _("Risk escalated")
    CANCEL_REQUESTED = "cancel_requested", _("Cancellation requested")
    CANCEL_DECIDED = "cancel_decided", _("Cancellation decided")
    CHANGE_REQUESTED = "change_requested", _("Change requested")
    COMPLAINT_RECEIVED = "complaint_received", _("Complaint received")
    COMPLAINT_ASSIGNED = "complaint_assigned", _("Complaint assigned")
    COMPLAINT_DUE = "complaint_due", _("Complaint deadline near")
    COMPLAINT_ESCALATED = "complaint_escalated", _("Complaint escalated")
    COMPLAINT_REOPENED = "complaint_reopened", _("Complaint reopened")
    COMPLAINT_REPLY = "complaint_reply", _("Customer replied on a complaint")
    SURVEY_ANSWERED = "survey_answered", _("Satisfaction survey answered")
    ACCEPTANCE_ISSUE_OPENED = "acceptance_issue_opened", _("Acceptance issue raised")
    ACCEPTANCE_ISSUE_DUE = "acceptance_issue_due", _("Acceptance issue due")
    ACCEPTANCE_ISSUE_ESCALATED = "acceptance_issue_escalated", _("Acceptance issue escalated")
    COMPENSATION_REQUESTED = "compensation_requested", _("Compensation requested")
    COMPENSATION_DECIDED = "compensation_decided", _("Compensation decided")
    RECTIFICATION_ASSIGNED = "rectification_assigned", _("Rectification assigned")
    RECTIFICATION_RESPONDED = "rectification_responded", _("Rectification answered")
    RECTIFICATION_RETURNED = "rectification_returned", _("Rectification sent back")
    RECTIFICATION_OVERDUE = "rectification_overdue", _("Rectification overdue")
    ACCESS_REQUESTED = "access_requested", _("Access to confidential data requested")
    ACCESS_DECIDED = "access_decided", _("Access to confidential data decided")
    ACCESS_EXPIRING = "access_expiring", _("Access to confidential data ends soon")
    ACCESS_REVOKED = "access_revoked", _("Access to confidential data revoked")
    WHISTLEBLOWING_RECEIVED = "whistleblowing_received", _("Whistleblowing report received")
    WHISTLEBLOWING_REPLY = "whistleblowing_reply", _("Reporter added information")
    WHISTLEBLOWING_OVERDUE = "whistleblowing_overdue", _("Whistleblowing report overdue")
    LEGAL_REVIEW_REQUESTED = "legal_review_requested", _("Legal review requested")
    LEGAL_OPINION_RECORDED = "legal_opinion_recorded", _("Legal opinion recorded")
    COMPLIANCE_REVIEW_ASSIGNED = "compliance_review_assigned", _("Compliance review assigned")
    COMPLIANCE_REVIEW_COMPLETED = "compliance_review_completed", _("Compliance review to sign off")


# Kinds mailed unless the user says otherwise: those where someone must act or learns a decision.
# The order center's queue shows every submitted order, and tasks show on the department boards,
# so those two stay in the app unless a user asks for mail.
EMAIL_BY_DEFAULT = frozenset(Kind) - {Kind.ORDER_SUBMITTED, Kind.TASK_ASSIGNED}


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications", verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # What it is about: a record (content type + id) and its name when it was written (an order number).
    subject_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    subject_id = models.CharField(max_length=64, blank=True)
    subject_ref = models.CharField(_("about"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # the inbox (unread first, newest first) and the unread count
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notif_inbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's choice for one kind. In the app always; e-mail as chosen. No row: the default
    (EMAIL_BY_DEFAULT)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    by_email = models.BooleanField(_("by e-mail"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notif_pref_user_kind_uniq")]


class UserSetting(models.Model):
    """The user's language, so an e-mail written for them by someone else's action is in their
    language. Recorded when they switch language (and at login when their browser says so)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="notification_setting")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE)

    class Meta:
        verbose_name = _("user setting")
        verbose_name_plural = _("user settings")


class DepartmentWebhook(models.Model):
    """A department's group chat (WeCom/DingTalk-style robot): each notification to a member of the
    department is also posted there, signed (HMAC-SHA256 of timestamp and body). Maintained by the
    administrator in the admin site.

    The signing secret is kept encrypted (`common/sealed.py`, Fernet under ORDERTAKING_FIELD_KEYS): the column
    holds a token, a check constraint refuses anything else, and only the post (`tasks.webhook_post`) opens
    it. The admin form takes a new secret and never shows one."""

    department = models.CharField(_("department"), max_length=30,
                                  choices=[(r.value, ROLE_LABELS[r]) for r in Role])
    url = models.URLField(_("URL"), max_length=500)
    secret = models.TextField(_("secret (encrypted)"), editable=False,
                              help_text=_("Shared with the receiver, which checks the signature."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("department webhook")
        verbose_name_plural = _("department webhooks")
        indexes = [models.Index(fields=["department", "active"], name="notif_webhook_dept_idx")]
        constraints = [sealed_check("secret", name="notif_webhook_secret_sealed")]

    def __str__(self) -> str:
        return f"{self.get_department_display()} · {self.url}"

    def secret_set(self, plain: str) -> None:
        """Keep `plain` as the signing secret, encrypted (saved with the row)."""
        self.secret = seal(plain)

    def secret_plain(self) -> str:
        """The signing secret; `SecretUnreadable` when no configured key opens it."""
        return unseal(self.secret)
