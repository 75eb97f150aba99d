"""The one vocabulary of the audit trail (P6.1.a: the trail must be readable; CONVENTIONS.md: users
read words, not codes).

Plain data, in the lowest app that needs it, so no app above has to register anything and this
module imports no higher app:

- the actions each app writes, as one `TextChoices` per app (`OrderAction.APPROVED` is
  "order.approved", labelled "Order approved"); a test fails when a service writes an action
  that is not one of these choices;
- FIELD_LABELS: the keys an event's `before`/`after` carry, and LINE_FIELD_LABELS for an order
  line's keys (`lines.2.unit_price` reads "Line 2 · unit price");
- VALUE_LABELS: the stored codes those keys hold (states, channels, kinds, roles …), each the
  same word as the model's own choice label (a test compares them);
- how each value is shown: money one way (¥1,234.50), booleans as Yes/No, lists of codes as
  their labels, review findings by their description, references to records as a link or not at all.

`describe_events` (and the `audit/_timeline.html` template and `audit.selectors.timeline`)
is the one renderer every page's timeline and the audit log use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ordertaking.common.findings import FINDING_LABELS
from ordertaking.common.links import order_url

# The name an event carries when the customer acted through their private link (P2.5.b: signing the
# delivery voucher, accepting a line, answering a survey): `event_record(actor=None, actor_name=CUSTOMER_ACTOR)`.
CUSTOMER_ACTOR = "customer"
# The reporter of a whistleblowing report on the public page (P6.1.b): never a person's name.
REPORTER_ACTOR = "reporter"

# --- the actions, one set of choices per app ------------------------------------------------------

class AuditAction(models.TextChoices):  # audit (P6.1.a)
    SEALED = "audit.sealed", _("Audit trail sealed")


class AccountAction(models.TextChoices):  # accounts (P3)
    USER_CREATED = "user.created", _("User created")
    API_TOKEN_ISSUED = "api_token.issued", _("API token issued")
    API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")
    ROLES_CHANGED = "user.roles_changed", _("Roles changed")
    ACTIVATED = "user.activated", _("User activated")
    DEACTIVATED = "user.deactivated", _("User deactivated")


class CustomerAction(models.TextChoices):  # customers (P2.1.c, P4.1)
    CREATED = "customer.created", _("Customer created")
    UPDATED = "customer.updated", _("Customer updated")
    CONTACT_ADDED = "customer.contact_added", _("Contact added")
    CONTACT_UPDATED = "customer.contact_updated", _("Contact changed")
    CONTACT_REMOVED = "customer.contact_removed", _("Contact removed")
    ADDRESS_ADDED = "customer.address_added", _("Address added")
    ADDRESS_UPDATED = "customer.address_updated", _("Address changed")
    INVOICING_UPDATED = "customer.invoicing_updated", _("Invoicing details changed")
    ADDRESS_REMOVED = "customer.address_removed", _("Address removed")
    PAYMENT_METHODS_CHANGED = "customer.payment_methods_changed", _("Allowed payment methods changed")


class CatalogAction(models.TextChoices):  # catalog and price policy (P2.3.b)
    CATEGORY_CREATED = "category.created", _("Category created")
    CATEGORY_UPDATED = "category.updated", _("Category changed")
    PRODUCT_CREATED = "product.created", _("Catalog item created")
    PRODUCT_UPDATED = "product.updated", _("Catalog item changed")
    REGION_CREATED = "region.created", _("Region created")
    REGION_UPDATED = "region.updated", _("Region changed")
    PAYMENT_METHOD_CREATED = "payment_method.created", _("Payment method created")
    PAYMENT_METHOD_UPDATED = "payment_method.updated", _("Payment method changed")


class InquiryAction(models.TextChoices):  # inquiries (P2.1)
    CREATED = "inquiry.created", _("Inquiry recorded")
    RECORDED = "inquiry.recorded", _("Inquiry recorded")
    UPDATED = "inquiry.updated", _("Inquiry updated")
    HANDED_OVER = "inquiry.handed_over", _("Inquiry handed over to sales")
    CONVERTED = "inquiry.converted", _("Inquiry converted to a draft order")
    CLOSED = "inquiry.closed", _("Inquiry closed")


class OrderAction(models.TextChoices):  # orders (P2.2)
    CREATED = "order.created", _("Order entered")
    UPDATED = "order.updated", _("Order updated")
    SUBMITTED = "order.submitted", _("Order submitted for review")
    CANCELLED = "order.cancelled", _("Order cancelled")


class ReviewAction(models.TextChoices):  # review (P2.3)
    APPROVED = "order.approved", _("Order approved")
    RETURNED = "order.returned", _("Order returned to sales")
    SPECIAL_REQUESTED = "special_approval.requested", _("Special approval requested")
    SPECIAL_GRANTED = "special_approval.granted", _("Special approval granted")
    SPECIAL_REFUSED = "special_approval.refused", _("Special approval refused")
    SPECIAL_WITHDRAWN = "special_approval.withdrawn", _("Special approval withdrawn")


class CreditAction(models.TextChoices):  # credit (P5.1)
    POLICY_CHANGED = "credit.policy_changed", _("Credit scorecard changed")
    POLICY_PROPOSED = "credit.policy_proposed", _("Credit scorecard change proposed")
    POLICY_REJECTED = "credit.policy_rejected", _("Credit scorecard change rejected")
    EVALUATION_PROPOSED = "credit.evaluation_proposed", _("Credit evaluation proposed")
    EVALUATION_APPROVED = "credit.evaluation_approved", _("Credit evaluation approved")
    EVALUATION_REJECTED = "credit.evaluation_rejected", _("Credit evaluation rejected")
    EVALUATION_SUPERSEDED = "credit.evaluation_superseded", _("Credit evaluation superseded")
    GUARANTEE_RECORDED = "credit.guarantee_recorded", _("Guarantee recorded")
    CHECKED = "credit.checked", _("Credit checked at approval")
    HELD = "order.credit_held", _("Order put on credit hold")
    RELEASED = "order.credit_released", _("Released from credit hold")
    HOLD_CLOSED = "credit.hold_closed", _("Credit hold closed (the order left it)")
    ALERTS_READ = "credit.alerts_read", _("Credit alerts marked read")
    EXPOSURE_RECONCILED = "credit.exposure_reconciled", _("Credit exposure reconciled")
    MEASURES_APPLIED = "credit.measures_applied", _("Credit measures applied (lower limit, shorter terms)")
    STOPPED = "credit.stopped", _("Customer put on credit stop")
    RATING_LOWERED = "credit.rating_lowered", _("Credit rating lowered")


class FinanceAction(models.TextChoices):  # finance (P3.6)
    INVOICE_ISSUED = "invoice.issued", _("Invoice issued")
    FAPIAO_ISSUED = "invoice.fapiao_issued", _("Fapiao recorded")
    FAPIAO_REVERSED = "invoice.fapiao_reversed", _("Fapiao reversed (red-letter)")
    PAYMENT_RECEIVED = "payment.received", _("Payment received")
    PAYMENT_RECORDED = "payment.recorded", _("Payment recorded")
    CREDIT_NOTE_ISSUED = "credit_note.issued", _("Credit note issued")
    CREDIT_NOTE_APPLIED = "credit_note.applied", _("Credit note applied")
    DUNNING_DONE = "dunning.done", _("Dunning task done")


class TrackingAction(models.TextChoices):  # tracking (P2.4.d, P5.2.a)
    AT_RISK = "order.at_risk", _("Order at risk")
    RISK_CLEARED = "order.risk_cleared", _("Risk cleared")
    RISK_ESCALATED = "order.risk_escalated", _("Order at risk escalated to leadership")
    PLAN_RECORDED = "contingency_plan.recorded", _("Contingency plan recorded")


class NotificationAction(models.TextChoices):  # notifications (issue 10)
    PREFERENCES_CHANGED = "notification.preferences_changed", _("Notification choices changed")
    WEBHOOK_ADDED = "department_webhook.added", _("Department webhook added")
    WEBHOOK_CHANGED = "department_webhook.changed", _("Department webhook changed")
    WEBHOOK_REMOVED = "department_webhook.removed", _("Department webhook removed")


class FulfilmentAction(models.TextChoices):  # order execution (P2.4.a, P3.3)
    TASKS_CREATED = "tasks.created", _("Tasks assigned")
    TASKS_CANCELLED = "tasks.cancelled", _("Open tasks cancelled")
    TASKS_REPLANNED = "tasks.replanned", _("Tasks replanned after the change")
    TASK_STARTED = "task.started", _("Task started")
    TASK_COMPLETED = "task.completed", _("Task completed")
    TASK_REASSIGNED = "task.reassigned", _("Task reassigned")
    EXECUTION_STARTED = "order.execution_started", _("Order execution started")
    RULE_SAVED = "assignment_rule.saved", _("Assignment rule saved")
    RULE_REMOVED = "assignment_rule.removed", _("Assignment rule removed")
    DAY_SAVED = "calendar.day_saved", _("Calendar day saved")
    DAY_REMOVED = "calendar.day_removed", _("Calendar day removed")
class ProductionAction(models.TextChoices):  # production and quality control (P2.4.b, P3.4, P5.2.b)
    PO_CREATED = "production_order.created", _("Production order created")
    PO_PLANNED = "production_order.planned", _("Production plan changed")
    PO_STARTED = "production_order.started", _("Production started")
    PO_PROGRESS = "production_order.progress", _("Production progress reported")
    PO_FINISHED = "production_order.finished", _("Production finished")
    PO_CANCELLED = "production_order.cancelled", _("Production order cancelled")
    INSPECTION_RECORDED = "inspection.recorded", _("Quality inspection recorded")
    INSPECTION_ATTACHED = "inspection.attached", _("Files attached to a quality inspection")
    REWORK_RECORDED = "inspection.rework_recorded", _("Rework recorded")


class AmendmentAction(models.TextChoices):  # amendments (P2.3 again, P2.4, P5.1)
    CHANGE_REQUESTED = "change.requested", _("Change after approval requested")
    CHANGE_APPROVED = "change.approved", _("Change after approval approved")
    CHANGE_WITHDRAWN = "change.withdrawn", _("Change after approval withdrawn")
    CANCEL_REQUESTED = "cancel.requested", _("Cancellation requested")
    CANCEL_AGREED = "cancel.agreed", _("Cancellation agreed")
    CANCEL_REFUSED = "cancel.refused", _("Cancellation refused")
    CANCEL_WITHDRAWN = "cancel.withdrawn", _("Cancellation request withdrawn")
    EXECUTION_RESUMED = "order.execution_resumed", _("Order back in execution")
    EXPOSURE_RELEASED = "credit.exposure_released", _("Credit exposure released")


class LogisticsAction(models.TextChoices):  # logistics (P2.4.c, P3.5, P5.2.c)
    CARRIER_CREATED = "carrier.created", _("Carrier created")
    CARRIER_UPDATED = "carrier.updated", _("Carrier changed")
    CARRIER_SECRET = "carrier.secret_generated", _("Carrier webhook key generated")
    SHIPMENT_PLANNED = "shipment.planned", _("Shipment planned")
    SHIPMENT_DISPATCHED = "shipment.dispatched", _("Shipment dispatched")
    SHIPMENT_TRACKED = "shipment.tracked", _("Shipment tracking event")
    SHIPMENT_CANCELLED = "shipment.cancelled", _("Shipment cancelled")
    EXCEPTION_RECORDED = "shipping_exception.recorded", _("Shipping exception recorded")
    EXCEPTION_HANDLED = "shipping_exception.handled", _("Shipping exception handled")
    EXCEPTION_CLOSED = "shipping_exception.closed", _("Shipping exception closed")


class PortalAction(models.TextChoices):  # the customer's link and pages (P2.5.b)
    LINK_ISSUED = "portal_link.issued", _("Customer's link issued")
    LINK_REVOKED = "portal_link.revoked", _("Customer's link revoked")
    LINK_OPENED = "portal_link.opened", _("Customer opened their link")


class ArchiveAction(models.TextChoices):  # customer archive and classification (P4.1.a/b)
    VERIFIED = "customer.verified", _("Customer data verified")
    CLASSIFIED = "customer.classified", _("Customer classification changed")
    THRESHOLDS_UPDATED = "tier_thresholds.updated", _("Classification thresholds changed")


class AttachmentAction(models.TextChoices):  # attachments (P2.5.b)
    ADDED = "attachment.added", _("Attachment added")
    REMOVED = "attachment.removed", _("Attachment removed")


class ReadinessAction(models.TextChoices):  # deliveries: the delivery readiness checklist (P2.5.a)
    SIGNED = "readiness.signed", _("Delivery readiness signed")
    WITHDRAWN = "readiness.withdrawn", _("Delivery readiness sign-off withdrawn")


class FeedbackAction(models.TextChoices):  # customer feedback (P6.1.c, P3.2)
    SURVEY_INVITED = "survey.invited", _("Satisfaction survey offered")
    SURVEY_ANSWERED = "survey.answered", _("Satisfaction survey answered")
    COMPLAINT_RECORDED = "complaint.recorded", _("Complaint recorded")
    COMPLAINT_ASSIGNED = "complaint.assigned", _("Complaint assigned")
    COMPLAINT_INVESTIGATING = "complaint.investigating", _("Complaint under investigation")
    COMPLAINT_NOTE = "complaint.note_added", _("Complaint progress note")
    COMPLAINT_RESOLVED = "complaint.resolved", _("Complaint resolved")
    COMPLAINT_CONFIRMED = "complaint.confirmed", _("Complaint resolution confirmed by the customer")
    COMPLAINT_REOPENED = "complaint.reopened", _("Complaint reopened")
    COMPLAINT_ESCALATED = "complaint.escalated", _("Complaint escalated: deadline passed")
class AcceptanceAction(models.TextChoices):  # deliveries: acceptance, acceptance issues, compensation (P2.5.c/d)
    LINE_RECORDED = "acceptance.line_recorded", _("Acceptance recorded for a line")
    ORDER_ACCEPTED = "order.accepted", _("Order accepted")
    ORDER_CLOSED = "order.closed", _("Order closed (accepted and paid)")
    ISSUE_OPENED = "acceptance_issue.opened", _("Acceptance issue raised")
    ISSUE_CLASSIFIED = "acceptance_issue.classified", _("Acceptance issue classed")
    ISSUE_ANALYSED = "acceptance_issue.analysed", _("Acceptance issue analysed")
    ISSUE_SOLUTION = "acceptance_issue.solution", _("Solution for the acceptance issue")
    ISSUE_PROGRESS = "acceptance_issue.progress", _("Progress on the acceptance issue")
    ISSUE_RESOLVED = "acceptance_issue.resolved", _("Acceptance issue resolved")
    ISSUE_RESULT_REJECTED = "acceptance_issue.result_rejected", _("Customer did not accept the result")
    ISSUE_CLOSED = "acceptance_issue.closed", _("Acceptance issue closed, result accepted by the customer")
    ISSUE_ESCALATED = "acceptance_issue.escalated", _("Acceptance issue escalated to leadership")
    COMPENSATION_REQUESTED = "compensation.requested", _("Compensation requested")
    COMPENSATION_APPROVED = "compensation.approved", _("Compensation approved, credit note issued")
    COMPENSATION_REFUSED = "compensation.refused", _("Compensation refused")
    COMPENSATION_WITHDRAWN = "compensation.withdrawn", _("Compensation withdrawn")


class VoucherAction(models.TextChoices):  # the delivery voucher 交付凭证 (P2.5.b)
    ISSUED = "delivery_voucher.issued", _("Delivery voucher issued")
    DOCUMENTS_SET = "delivery_voucher.documents_set", _("Documents handed over recorded")
    SIGNED = "delivery_voucher.signed", _("Delivery voucher signed by the customer")
    SIGNED_ON_PAPER = "delivery_voucher.signed_on_paper", _("Paper delivery voucher recorded")


class SupervisionAction(models.TextChoices):  # supervision inspections and rectification (P6.1.a)
    INSPECTION_OPENED = "supervision.inspection_opened", _("Supervision inspection opened")
    SAMPLED = "supervision.sampled", _("Inspection sample drawn")
    ORDER_SAMPLED = "supervision.order_sampled", _("Sampled for a supervision inspection")
    CHECKS_RUN = "supervision.checks_run", _("Automatic process checks run")
    FINDING_RECORDED = "supervision.finding_recorded", _("Inspection finding recorded")
    RECTIFICATION_STARTED = "supervision.rectification_started", _("Inspection in rectification")
    RECTIFICATION_ASSIGNED = "supervision.rectification_assigned", _("Rectification assigned")
    RECTIFICATION_RESPONDED = "supervision.rectification_responded", _("Rectification answered")
    RECTIFICATION_CLOSED = "supervision.rectification_closed", _("Rectification verified and closed")
    RECTIFICATION_SENT_BACK = "supervision.rectification_sent_back", _("Rectification sent back")
    RECTIFICATION_OVERDUE = "supervision.rectification_overdue", _("Rectification overdue")
    INSPECTION_CLOSED = "supervision.inspection_closed", _("Supervision inspection closed")


class ConfidentialityAction(models.TextChoices):  # confidentiality (P4.1.c)
    ACCESS_REQUESTED = "confidential_access.requested", _("Access to confidential data requested")
    ACCESS_GRANTED = "confidential_access.granted", _("Access to confidential data granted")
    ACCESS_REFUSED = "confidential_access.refused", _("Access to confidential data refused")
    ACCESS_WITHDRAWN = "confidential_access.withdrawn", _("Access request withdrawn")
    ACCESS_REVOKED = "confidential_access.revoked", _("Access to confidential data revoked")
    CONSENT_RECORDED = "consent.recorded", _("Consent to disclosure recorded")


class ImportAction(models.TextChoices):  # Excel import (issue 12, P4.1.a, P2.3.b)
    IMPORTED = "import_batch.imported", _("Excel file imported")


class AssessmentAction(models.TextChoices):  # assessment (P6.2)
    TARGET_SET = "kpi_target.set", _("KPI target set")


class WhistleblowingAction(models.TextChoices):  # whistleblowing (P6.1.b): the receipt code and state only
    RECEIVED = "whistleblowing.received", _("Whistleblowing report received")
    OPENED = "whistleblowing.opened", _("Whistleblowing report opened by an investigator")
    FILE_OPENED = "whistleblowing.file_opened", _("File of a whistleblowing report downloaded")
    ASSESSED = "whistleblowing.assessed", _("Whistleblowing report assessed")
    DISMISSED = "whistleblowing.dismissed", _("Whistleblowing report closed as unfounded")
    INVESTIGATING = "whistleblowing.investigating", _("Whistleblowing report under investigation")
    CONCLUDED = "whistleblowing.concluded", _("Whistleblowing investigation concluded")
    ACTION_TAKEN = "whistleblowing.action_taken", _("Action taken on a whistleblowing report")
    QUESTION = "whistleblowing.question_asked", _("Question to the reporter")
    REPORTER_ADDED = "whistleblowing.reporter_added", _("Reporter added information")
    FILE_ADDED = "whistleblowing.file_added", _("File added to a whistleblowing report")
    PERSONS_NAMED = "whistleblowing.persons_named", _("Persons named in a whistleblowing report changed")
    ESCALATED = "whistleblowing.escalated", _("Whistleblowing report escalated: overdue")


class LegalAction(models.TextChoices):  # legal review and compliance reviews (P5.3)
    THRESHOLD_CHANGED = "legal_threshold.changed", _("Legal review threshold changed")
    REVIEW_OPENED = "legal_review.opened", _("Order flagged for legal review")
    REVIEW_APPROVED = "legal_review.approved", _("Legal opinion: no objection")
    REVIEW_OBJECTED = "legal_review.objected", _("Legal opinion: objection")
    COMPLIANCE_OPENED = "compliance_review.opened", _("Compliance review opened")
    COMPLIANCE_ITEM_RECORDED = "compliance_review.item_recorded", _("Compliance review item recorded")
    COMPLIANCE_COMPLETED = "compliance_review.completed", _("Compliance review completed")
    COMPLIANCE_SIGNED_OFF = "compliance_review.signed_off", _("Compliance review signed off")


ACTION_CHOICES: tuple[type[models.TextChoices], ...] = (
    AuditAction, AccountAction, CatalogAction, CustomerAction, InquiryAction, OrderAction, ReviewAction,
    CreditAction, FinanceAction, TrackingAction, NotificationAction, FulfilmentAction, AmendmentAction,
    LogisticsAction, ProductionAction, PortalAction, ArchiveAction, AttachmentAction, ReadinessAction, FeedbackAction,
    AcceptanceAction, VoucherAction, ConfidentialityAction, ImportAction, AssessmentAction, SupervisionAction,
    WhistleblowingAction, LegalAction)

ACTION_LABELS: dict[str, Any] = {a.value: a.label for choices in ACTION_CHOICES for a in choices}


# --- the keys an event carries --------------------------------------------------------------------

FIELD_LABELS: dict[str, Any] = {
    "kpi": _("KPI"), "period_kind": _("period"), "target": _("target"),  # KPI targets (P6.2)
    # whistleblowing (P6.1.b)
    "receipt_code": _("receipt code"),
    "report_state": _("report state"),
    # customer archive and classification (P4.1.a/b)
    "confirmed": _("confirmed"),
    "purchase_frequency": _("purchase frequency"),
    "value_tier": _("value tier"),
    "orders_in_period": _("orders in the period"),
    "amount_in_period": _("amount in the period"),
    "period_months": _("classification period (months)"),
    "frequent_orders": _("frequent buyer from (orders)"),
    "regular_orders": _("regular buyer from (orders)"),
    "active_days": _("recent order within (days)"),
    "dormant_days": _("dormant after (days)"),
    "key_orders": _("key customer from (orders in the period)"),
    "key_amount": _("key customer from (amount in the period)"),
    "growing_orders": _("growing customer from (orders in the period)"),
    "growing_amount": _("growing customer from (amount in the period)"),
    # acceptance, acceptance issues, compensation (P2.5.c/d)
    "accepted_criteria": _("criteria accepted"),
    "rejected_criteria": _("criteria rejected"),
    "via": _("recorded via"),
    "customer_name": _("person at the customer"),
    "issue": _("acceptance issue"),
    "issue_class": _("class"),
    "issue_state": _("issue state"),
    "deadline": _("resolve by"),
    "responsible_department": _("responsible department"),
    "compensation_state": _("compensation"),
    "state": _("state"),
    "username": _("username"),
    "roles": _("roles"),
    "name": _("name"),
    "token": _("token"),
    "active": _("active"),
    "expires": _("expires"),
    "number": _("order number"),
    "order": _("order"),
    "customer": _("customer"),
    "total_amount": _("total amount"),
    "delivery_date": _("delivery date"),
    "delivery_region": _("delivery province"),
    "delivery_city": _("delivery city"),
    "delivery_address": _("delivery address"),
    "payment_method": _("payment method"),
    "customer_reference": _("customer reference"),
    "opinion": _("review opinion"),
    "revision": _("revision"),
    "special_approval": _("special approval"),
    "findings": _("findings"),
    # catalog and price policy (P2.3.b)
    "code": _("code"),
    "list_price": _("list price"),
    "floor_price": _("floor price"),
    # VAT (issue 11; P2.3.b prices, P3.6 invoicing)
    "tax_rate": _("VAT rate"),
    "net_total": _("amount without tax"),
    "tax_total": pgettext_lazy("VAT amount", "tax"),
    "net_amount": _("amount without tax"),
    "tax_amount": pgettext_lazy("VAT amount", "tax"),
    "invoice_title": _("invoice title"),
    "invoice_address": _("registered address"),
    "invoice_phone": _("registered phone"),
    "invoice_bank": _("bank"),
    "invoice_bank_account": _("bank account"),
    "invoice_type": _("invoice type wanted"),
    "fapiao_status": _("fapiao status"),
    "fapiao_type": _("fapiao type"),
    "fapiao_number": _("fapiao number"),
    "fapiao_date": _("fapiao date"),
    "unit": _("unit"),
    "category": _("category"),
    "needs_production": _("needs production"),
    "production_lead_days": _("production lead days"),
    "transit_days": _("transit days"),
    "served": _("served"),
    "term_days": _("payment term (days)"),
    "open_to_all": _("open to all customers"),
    # customers and inquiries (P2.1.c, P4.1)
    "credit_code": _("unified social credit code"),
    "industry": _("industry"),
    "size": _("size"),
    "region": _("province"),
    "city": _("city"),
    "status": _("status"),
    "sales_rep": _("sales rep"),
    "phone": _("phone"),
    "email": _("email"),
    "detail": _("street address"),
    "allowed_payment_methods": _("allowed payment methods"),
    "assigned_to": _("sales rep"),
    "special_needs": _("special or complex needs"),
    "contact_name": _("contact name"),
    "contact_phone": _("contact phone"),
    "specification": _("specification"),
    "quantity": _("quantity"),
    "wanted_delivery_date": _("wanted delivery date"),
    "lines": _("lines"),
    "channel": _("channel"),
    "company_name": _("company name"),
    "contact_email": _("contact email"),
    "address": _("address"),
    "product": _("product or service"),
    "service_requirements": _("service requirements"),
    "needs_analysis": _("preliminary needs analysis"),
    "preferences": _("needs and preferences"),
    "notes": _("notes"),
    "title": _("title"),
    "label": _("label"),
    "is_primary": _("primary"),
    "is_default": _("default"),
    # credit (P5.1) and finance (P3.6)
    "rating": _("credit rating"),
    "score": _("score"),
    "credit_limit": _("credit limit"),
    "limit": _("credit limit"),
    "min_score": _("minimum score"),
    "exposure": _("exposure"),
    "excess": _("excess over limit"),
    "accepted_excess": _("accepted excess"),
    "order_amount": _("order amount"),
    "max_term_days": _("longest payment term (days)"),
    "payment_kinds": _("payment methods allowed"),
    "guarantee_required": _("guarantee required"),
    "stage": _("stage"),
    "authority": _("finance release authority"),
    "finance_release_authority": _("finance release authority"),
    "worst_days_overdue": _("worst days overdue"),
    "threshold": _("threshold (days)"),
    "invoice": _("invoice"),
    "invoices": _("invoices"),
    "amount": _("amount"),
    "due_date": _("due date"),
    "open": _("still open"),
    "received_on": _("received on"),
    "allocated": _("allocated"),
    "reference": _("reference"),
    "credit_note": _("credit note"),
    "kind": _("kind"),
    "valid_until": _("valid until"),
    "evaluation": _("evaluation"),
    "version": _("scorecard version"),
    "policy_version": _("scorecard version"),
    "factors": _("factor scores"),
    "weights": _("weights"),
    "bands": _("rating bands"),
    "payment_record": _("payment record"),
    "on_stop": _("on credit stop"),
    "alerts_read": _("alerts marked read"),
    # the daily seal of the audit trail (P6.1.a)
    "streams": _("records sealed"),
    "events": _("events sealed"),
    "root": _("seal hash"),
    # the four factors of the scorecard (P5.1.a) and the payment record's figures
    "qualification": _("qualification"),
    "financial": _("financial status"),
    "reputation": _("business reputation"),
    "payment": _("payment record"),
    "on_time_ratio": _("share paid on time"),
    "avg_days_overdue": _("average days overdue"),
    "open_overdue_amount": _("overdue amount still open"),
    # tracking (P2.4.d, P5.2.a)
    "risk_reasons": _("reasons at risk"),
    "escalated_to": _("escalated to"),
    "at_risk_since": _("at risk since"),
    "cause": _("cause"),
    "notified_via": _("contact method"),
    "notified_person": _("customer person told"),
    "new_delivery_date": _("new promised date"),
    # a user's notification choices (issue 10)
    "email_kinds": _("also by e-mail"),
    "url": _("webhook address"),
    "secret_changed": _("secret changed"),
    # order execution (P2.4.a): tasks, assignment rules, the working-day calendar
    "task_kind": _("task kind"),
    "task_state": _("task state"),
    "line": _("line"),
    "department": _("department"),
    "assignee": _("assignee"),
    "production_tasks": _("production tasks"),
    "inspection_tasks": _("quality inspection tasks"),
    "shipping_tasks": _("shipping tasks"),
    "service_tasks": _("installation / service tasks"),
    "date_clamped": _("planned later than the promise allows"),
    "created": _("tasks created"),
    "updated": _("tasks replanned"),
    "cancelled": _("tasks cancelled"),
    "product_kind": _("product kind"),
    "strategy": _("strategy"),
    "date": _("date"),
    "day_kind": _("kind of day"),
    # changes and cancellations after approval (P2.3, P2.4)
    "change_request": _("change request"),
    "cancel_request": _("cancellation request"),
    # logistics (P2.4.c, P5.2.c)
    "shipment": _("shipment"),
    "shipment_state": _("shipment state"),
    # the delivery voucher (P2.5.b)
    "voucher": _("delivery voucher"),
    "voucher_state": _("voucher state"),
    "documents": _("documents handed over"),
    "signer_name": _("signed by"),
    "ip_address": _("IP address"),
    "browser": _("browser"),
    "sha256": _("SHA-256 of the signed voucher"),
    "scan": _("scan"),
    "carrier": _("carrier"),
    "method": _("method"),
    "waybill_number": _("waybill number"),
    "planned_ship_date": _("planned ship date"),
    "planned_arrival": _("planned arrival"),
    "carrier_warnings": _("chosen despite"),
    "tracking": _("tracking event"),
    "place": _("place"),
    "occurred_at": _("time"),
    "source": _("source"),
    "exception": _("shipping exception"),
    "exception_state": _("exception state"),
    "told_departments": _("departments told"),
    "told_contact": _("customer contact told"),
    "new_arrival": _("expected arrival"),
    "contract_number": _("contract number"),
    "contract_valid_from": _("contract valid from"),
    "contract_valid_to": _("contract valid to"),
    "methods": _("methods offered"),
    "regions": _("service regions"),
    "replaced": _("replaced an earlier key"),
    # production and quality control (P2.4.b, P3.4, P5.2.b)
    "production_order": _("production order"),
    "production_state": _("production state"),
    "planned_start": _("planned start"),
    "planned_finish": _("planned finish"),
    "percent": _("progress (%)"),
    "workshop": _("workshop"),
    "inspection": _("quality inspection"),
    "checkpoint": _("checkpoint"),
    "result": _("result"),
    "sample_size": _("sample size"),
    "defect_count": _("defects found"),
    "reinspection_of": _("re-inspection of"),
    "attachments": _("files attached"),
    # the customer's link (P2.5.b)
    "sent_to": _("sent to"),
    "expires_on": _("valid until"),
    # attachments (P2.5.b)
    "file_name": _("file name"),
    "attachment_kind": _("kind of file"),
    # Excel import (issue 12)
    "import_kind": _("what was imported"),
    "import_mode": _("import mode"),
    "rows_imported": _("rows imported"),
    "rows_skipped": _("rows left out (with errors)"),
    # the delivery readiness checklist (P2.5.a)
    "readiness_part": _("part of the checklist"),
    "packaging_intact": _("packaging intact"),
    "inspection_passed": _("finished product inspection passed"),
    "inspection_reports": _("inspection reports"),
    "vehicle_ready": _("vehicle ready"),
    "packing_materials_ready": _("packing materials ready"),
    "agreed_time": _("agreed delivery time"),
    "agreed_place": _("agreed delivery place"),
    "agreed_with": _("agreed with"),
    "agreed_on": _("agreed on"),
    "readiness_complete": _("checklist complete"),
    "signed_by": _("signed by"),
    # customer feedback (P6.1.c, P3.2)
    "overall_score": _("overall satisfaction"),
    "product_score": _("satisfaction with the product"),
    "delivery_score": _("satisfaction with the delivery"),
    "service_score": _("satisfaction with the service"),
    "complaint": _("complaint"),
    "complaint_state": _("complaint state"),
    "complaint_kind": _("complaint or dispute"),
    "complaint_category": _("complaint category"),
    "complaint_source": _("how it reached us"),
    "handler": _("handler"),
    "confirmed_how": _("confirmed by"),
    "shown_to_customer": _("the customer sees it"),
    # confidentiality (P4.1.c)
    "access_request": _("access request"),
    "days": _("days"),
    "consent_what": _("data disclosed"),
    "consent_recipient": _("disclosed to"),
    # supervision inspections and rectification (P6.1.a)
    "supervision_inspection": _("supervision inspection"),
    "period_from": _("orders from"),
    "period_to": _("orders to"),
    "sampling_method": _("sampling method"),
    "strata": _("strata"),
    "seed": _("seed"),
    "inspection_state": _("inspection state"),
    "orders_in_scope": _("orders in scope"),
    "orders_sampled": _("orders sampled"),
    "orders_checked": _("orders checked"),
    "orders_failing": _("orders failing a check"),
    "severity": _("severity"),
    "regulation_clause": _("clause"),
    "responsible": _("responsible person"),
    "rectify_by": _("rectify by"),
    "rectification_state": _("rectification state"),
    # legal compliance (P5.3)
    "amount_threshold": _("amount threshold"),
    "legal_reasons": _("reasons for legal review"),
    "legal_review": _("legal review"),
    "contract_terms": _("contract terms"),
    "contract_terms_text": _("non-standard terms"),
    "involves_ip": _("involves intellectual property"),
    "customer_kind": _("customer kind"),
    "period": _("period"),
    "compliance_state": _("compliance review"),
    "follow_up_due": _("follow-up due"),
    "checklist_item": _("checklist item"),
}

# An order line's keys, shown as "Line 2 · unit price" (P2.2.b revisions, P4.2.a).
LINE_FIELD_LABELS: dict[str, Any] = {
    "product_code": _("code"), "name": _("name"), "specification": _("specification"),
    "description": _("description"), "unit": _("unit"), "quantity": _("quantity"),
    "unit_price": _("unit price"), "amount": _("amount"), "tax_rate": _("VAT rate"),
}

# Stored codes shown as words: (key, value) -> label; the same words as the models' choices.
VALUE_LABELS: dict[tuple[str, str], Any] = {
    # Excel import (issue 12)
    ("import_kind", "customers"): _("Customers"),
    ("import_kind", "contacts"): _("Contacts of customers"),
    ("import_kind", "products"): _("Products and services"),
    ("import_kind", "prices"): _("Price policy (list and floor prices)"),
    ("import_mode", "all"): _("All rows or nothing"),
    ("import_mode", "valid"): _("Only the valid rows"),
    ("report_state", "received"): pgettext_lazy("whistleblowing", "Received"),
    ("report_state", "assessed"): pgettext_lazy("whistleblowing", "Assessed"),
    ("report_state", "investigating"): pgettext_lazy("whistleblowing", "Under investigation"),
    ("report_state", "concluded"): pgettext_lazy("whistleblowing", "Concluded"),
    ("report_state", "action_taken"): pgettext_lazy("whistleblowing", "Action taken"),
    ("report_state", "unfounded"): pgettext_lazy("whistleblowing", "Closed as unfounded"),
    # orders (P2.2, P2.3, P5.1)
    ("state", "draft"): _("Draft"),
    ("state", "submitted"): _("Pending review"),
    ("state", "returned"): _("Returned"),
    ("state", "credit_hold"): _("Credit hold"),
    ("state", "approved"): _("Approved"),
    ("state", "in_execution"): _("In execution"),
    ("state", "partly_shipped"): _("Partly shipped"),
    ("state", "shipped"): _("Shipped"),
    ("state", "delivered"): _("Delivered"),
    ("state", "accepted"): _("Accepted"),
    ("state", "cancelled"): _("Cancelled"),
    # special approvals (P2.3.c)
    ("state", "requested"): _("Awaiting leader"),
    ("state", "granted"): _("Granted"),
    ("state", "refused"): _("Refused"),
    ("state", "withdrawn"): _("Withdrawn"),
    # credit scorecard versions (P5.1.a)
    ("state", "proposed"): _("Awaiting approval"),
    ("state", "in_force"): _("In force"),
    ("state", "rejected"): _("Rejected"),
    # inquiries (P2.1); dunning tasks (P5.1.c)
    ("state", "open"): _("Open"),
    ("state", "handed_over"): _("Handed over"),
    ("state", "converted"): _("Converted to order"),
    ("state", "closed"): _("Closed"),
    ("state", "done"): _("Done"),
    ("channel", "phone"): _("Phone"),
    ("channel", "email"): pgettext_lazy("inquiry channel", "Email"),
    ("channel", "online"): _("Online customer service"),
    ("channel", "visit"): _("On-site visit"),
    # customers (P4.1.b)
    ("size", "micro"): _("Micro"),
    ("size", "small"): _("Small"),
    ("size", "medium"): _("Medium"),
    ("size", "large"): _("Large"),
    ("status", "prospect"): _("Prospect"),
    ("status", "active"): _("Active"),
    ("status", "inactive"): _("Inactive"),
    ("purchase_frequency", "high"): _("Frequent buyer"),
    ("purchase_frequency", "medium"): _("Regular buyer"),
    ("purchase_frequency", "low"): _("Occasional buyer"),
    ("purchase_frequency", "none"): _("No purchase in the period"),
    ("value_tier", "key"): pgettext_lazy("value tier", "Key"),
    ("value_tier", "growing"): _("Growing"),
    ("value_tier", "occasional"): _("Occasional"),
    ("value_tier", "dormant"): _("Dormant"),
    # what a verification confirmed with the customer (P4.1.a)
    ("confirmed", "basic"): _("Basic information"),
    ("confirmed", "contacts"): _("Contacts"),
    ("confirmed", "addresses"): _("Addresses"),
    ("confirmed", "invoicing"): _("Invoicing details"),
    ("confirmed", "preferences"): _("Needs and preferences"),
    # attachments (P2.5.b): the kinds of file
    ("attachment_kind", "manual"): _("Product manual"),
    ("attachment_kind", "service_record"): _("Service record"),
    ("attachment_kind", "contract"): pgettext_lazy("attachment", "Contract"),
    ("attachment_kind", "photo"): _("Photo"),
    ("attachment_kind", "voucher_scan"): _("Scan of a signed delivery voucher"),
    ("attachment_kind", "other"): pgettext_lazy("attachment", "Other"),
    # the delivery readiness checklist (P2.5.a): its parts
    ("readiness_part", "production"): pgettext_lazy("department", "Production"),
    ("readiness_part", "logistics"): pgettext_lazy("department", "Logistics"),
    ("readiness_part", "sales"): pgettext_lazy("department", "Sales"),
    # catalog (P2.3.b): a catalog item's kind, a payment method's kind
    ("kind", "product"): _("Product"),
    ("kind", "service"): _("Service"),
    ("kind", "prepayment"): _("Prepayment"),
    ("kind", "cod"): _("Cash on delivery"),
    ("kind", "credit"): _("Credit terms"),
    # VAT invoices 发票 (issue 11, P3.6): the type a customer wants, the fapiao finance records
    ("invoice_type", "normal"): _("General VAT invoice"),
    ("invoice_type", "special"): _("Special VAT invoice"),
    ("fapiao_type", "normal"): _("General VAT invoice"),
    ("fapiao_type", "special"): _("Special VAT invoice"),
    ("fapiao_status", "not_issued"): _("Not issued"),
    ("fapiao_status", "issued"): pgettext_lazy("fapiao", "Issued"),
    ("fapiao_status", "reversed"): _("Reversed (red-letter)"),
    # credit (P5.1)
    ("stage", "submission"): _("At submission"),
    ("stage", "approval"): _("At approval"),
    ("kind", "deposit"): _("Deposit / prepayment received"),
    ("kind", "guarantor"): _("Guarantor"),
    ("kind", "lc"): _("Letter of credit"),
    ("payment_kinds", "prepayment"): _("Prepayment"),
    ("payment_kinds", "cod"): _("Cash on delivery"),
    ("payment_kinds", "credit"): _("Credit terms"),
    # changes and cancellations after approval (P2.3, P2.4): the same words as amendments' models
    ("change_request", "open"): pgettext_lazy("change request", "Under review"),
    ("change_request", "approved"): pgettext_lazy("change request", "Approved"),
    ("change_request", "withdrawn"): pgettext_lazy("change request", "Withdrawn"),
    ("access_request", "requested"): pgettext_lazy("access request", "Waiting for a decision"),
    ("access_request", "granted"): pgettext_lazy("access request", "Granted"),
    ("access_request", "refused"): pgettext_lazy("access request", "Refused"),
    ("access_request", "withdrawn"): pgettext_lazy("access request", "Withdrawn"),
    ("access_request", "revoked"): pgettext_lazy("access request", "Revoked"),
    ("cancel_request", "requested"): pgettext_lazy("cancel request", "Requested"),
    ("cancel_request", "agreed"): pgettext_lazy("cancel request", "Agreed"),
    ("cancel_request", "refused"): pgettext_lazy("cancel request", "Refused"),
    ("cancel_request", "withdrawn"): pgettext_lazy("cancel request", "Withdrawn"),
    # production orders and quality inspections (P2.4.b, P5.2.b)
    ("production_state", "planned"): pgettext_lazy("production", "Planned"),
    ("production_state", "in_progress"): pgettext_lazy("production", "In production"),
    ("production_state", "finished"): pgettext_lazy("production", "Finished"),
    ("production_state", "cancelled"): _("Cancelled"),
    ("checkpoint", "raw_material"): _("Raw material inspection"),
    ("checkpoint", "in_process"): _("In-process inspection"),
    ("checkpoint", "finished"): _("Finished product inspection"),
    ("result", "pass"): pgettext_lazy("inspection", "Pass"),
    ("result", "fail"): pgettext_lazy("inspection", "Fail"),
    # accounts (P3): the same words as accounts.roles.ROLE_LABELS
    ("roles", "sales"): pgettext_lazy("role", "Sales"),
    ("roles", "customer_service"): pgettext_lazy("role", "Customer service"),
    ("roles", "order_center"): pgettext_lazy("role", "Order processing center"),
    ("roles", "production"): pgettext_lazy("role", "Production"),
    ("roles", "logistics"): pgettext_lazy("role", "Logistics"),
    ("roles", "finance"): pgettext_lazy("role", "Finance"),
    ("roles", "leadership"): pgettext_lazy("role", "Leadership"),
    ("roles", "auditor"): pgettext_lazy("role", "Auditor"),
    ("roles", "legal"): pgettext_lazy("role", "Legal adviser"),
    ("roles", "investigator"): pgettext_lazy("role", "Investigator"),
    ("roles", "admin"): pgettext_lazy("role", "Administrator"),
    # tracking (P2.4.d, P5.2.a): the same words as tracking.models' choices
    ("risk_reasons", "task_overdue"): _("Time node missed"),
    ("risk_reasons", "production_late"): _("Production forecast late"),
    ("risk_reasons", "shipping_exception"): _("Shipping exception"),
    ("risk_reasons", "inspection_failed"): _("Failed inspection"),
    ("cause", "force_majeure"): _("Force majeure"),
    ("cause", "supplier"): _("Supplier"),
    ("cause", "production"): pgettext_lazy("risk cause", "Production"),
    ("cause", "quality"): _("Quality"),
    ("cause", "logistics"): pgettext_lazy("risk cause", "Logistics"),
    ("cause", "customer"): pgettext_lazy("risk cause", "Customer"),
    ("cause", "other"): _("Other"),
    ("notified_via", "phone"): _("Phone"),
    ("notified_via", "email"): pgettext_lazy("inquiry channel", "Email"),
    ("notified_via", "visit"): _("On-site visit"),
    ("notified_via", "message"): _("Message"),
    # notifications (issue 10): the same words as notifications.models.Kind
    ("email_kinds", "order_submitted"): _("Order submitted for review"),
    ("email_kinds", "order_returned"): _("Order returned"),
    ("email_kinds", "order_approved"): _("Order approved"),
    ("email_kinds", "special_approval_requested"): _("Special approval requested"),
    ("email_kinds", "special_approval_decided"): _("Special approval decided"),
    ("email_kinds", "credit_hold_placed"): _("Order on credit hold"),
    ("email_kinds", "credit_hold_released"): _("Credit hold released"),
    ("email_kinds", "task_assigned"): _("Task assigned"),
    ("email_kinds", "task_overdue"): _("Task overdue"),
    ("email_kinds", "order_at_risk"): _("Order at risk"),
    ("email_kinds", "shipping_exception"): _("Shipping exception"),
    ("email_kinds", "risk_escalated"): _("Risk escalated"),
    ("email_kinds", "cancel_requested"): _("Cancellation requested"),
    ("email_kinds", "cancel_decided"): _("Cancellation decided"),
    ("email_kinds", "change_requested"): _("Change requested"),
    # order execution (P2.4.a): the same words as fulfilment's models
    ("task_state", "open"): pgettext_lazy("task", "To do"),
    ("task_state", "in_progress"): _("In progress"),
    ("task_state", "done"): pgettext_lazy("task", "Done"),
    ("task_state", "cancelled"): pgettext_lazy("task", "Cancelled"),
    ("task_kind", "production"): pgettext_lazy("task kind", "Production"),
    ("task_kind", "inspection"): _("Quality inspection"),
    ("task_kind", "shipping"): _("Shipping"),
    ("task_kind", "service"): _("Installation / service"),
    ("department", "production"): pgettext_lazy("role", "Production"),
    ("department", "logistics"): pgettext_lazy("role", "Logistics"),
    ("department", "customer_service"): pgettext_lazy("role", "Customer service"),
    ("department", "order_center"): pgettext_lazy("role", "Order processing center"),
    ("department", "sales"): pgettext_lazy("role", "Sales"),
    ("department", "finance"): pgettext_lazy("role", "Finance"),
    ("department", "leadership"): pgettext_lazy("role", "Leadership"),
    ("department", "auditor"): pgettext_lazy("role", "Auditor"),
    ("department", "admin"): pgettext_lazy("role", "Administrator"),
    # KPI targets (P6.2): the same words as assessment.kpis
    ("kpi", "received"): _("Orders received"), ("kpi", "timeliness"): _("Processing timeliness rate"),
    ("kpi", "accuracy"): _("Execution accuracy rate"), ("kpi", "satisfaction"): _("Customer satisfaction"),
    ("kpi", "risk"): _("Risk control effectiveness"),
    ("period_kind", "month"): _("Month"), ("period_kind", "quarter"): _("Quarter"),
    ("period_kind", "year"): pgettext_lazy("period", "Year"),
    ("product_kind", "product"): _("Product"),
    ("product_kind", "service"): _("Service"),
    ("strategy", "fixed"): _("Default assignee"),
    ("strategy", "round_robin"): _("Round robin in the department"),
    ("strategy", "least_loaded"): _("Least loaded in the department"),
    ("strategy", "none"): _("Department only (nobody in person)"),
    ("day_kind", "holiday"): _("Public holiday"),
    ("day_kind", "workday"): _("Make-up working day"),
    # logistics (P2.4.c, P5.2.c): the same words as logistics.models
    ("method", "own_fleet"): _("Own fleet"),
    ("method", "express"): _("Express"),
    ("method", "freight"): _("Freight"),
    ("methods", "own_fleet"): _("Own fleet"),
    ("methods", "express"): _("Express"),
    ("methods", "freight"): _("Freight"),
    ("shipment_state", "planned"): pgettext_lazy("shipment", "Planned"),
    ("shipment_state", "dispatched"): _("Dispatched"),
    ("shipment_state", "in_transit"): _("In transit"),
    ("shipment_state", "delivered"): pgettext_lazy("shipment", "Delivered"),
    ("shipment_state", "cancelled"): _("Cancelled"),
    ("voucher_state", "open"): _("Awaiting signature"),
    ("voucher_state", "signed"): _("Signed online"),
    ("voucher_state", "signed_on_paper"): _("Signed on paper"),
    ("documents", "product_manual"): _("Product manual"),
    ("documents", "inspection_report"): _("Quality inspection report"),
    ("documents", "service_record"): _("Service record"),
    ("tracking", "picked_up"): _("Picked up"),
    ("tracking", "in_transit"): _("In transit"),
    ("tracking", "arrived"): _("Arrived"),
    ("tracking", "delivered"): pgettext_lazy("tracking", "Signed for"),
    ("source", "page"): _("Entered on the page"),
    ("source", "api"): _("API"),
    ("source", "webhook"): _("Carrier webhook"),
    ("exception", "delay"): _("Transport delay"),
    ("exception", "damage"): _("Goods damaged"),
    ("exception", "loss"): _("Goods lost"),
    ("exception_state", "open"): _("Open"),
    ("exception_state", "handled"): _("Handled"),
    ("exception_state", "closed"): _("Closed"),
    ("carrier_warnings", "contract_not_started"): _("contract not yet in force"),
    ("carrier_warnings", "contract_expired"): _("contract expired"),
    ("carrier_warnings", "rating_below_floor"): _("on-time rate below the floor"),
    ("carrier_warnings", "region_not_served"): _("delivery province not served"),
    ("told_departments", "sales"): pgettext_lazy("role", "Sales"),
    ("told_departments", "customer_service"): pgettext_lazy("role", "Customer service"),
    ("told_departments", "order_center"): pgettext_lazy("role", "Order processing center"),
    ("told_departments", "production"): pgettext_lazy("role", "Production"),
    ("told_departments", "finance"): pgettext_lazy("role", "Finance"),
    ("told_departments", "leadership"): pgettext_lazy("role", "Leadership"),
    # customer feedback (P6.1.c, P3.2): the same words as feedback.models
    ("complaint_state", "new"): pgettext_lazy("complaint", "New"),
    ("complaint_state", "assigned"): pgettext_lazy("complaint", "Assigned"),
    ("complaint_state", "investigating"): _("Investigating"),
    ("complaint_state", "resolved"): _("Resolved, awaiting the customer"),
    ("complaint_state", "confirmed"): _("Confirmed by the customer"),
    ("complaint_state", "reopened"): _("Reopened"),
    ("complaint_kind", "complaint"): _("Complaint"),
    ("complaint_kind", "dispute"): _("Dispute"),
    ("complaint_category", "quality"): _("Product quality"),
    ("complaint_category", "delivery"): _("Delivery and logistics"),
    ("complaint_category", "service"): _("Service and attitude"),
    ("complaint_category", "billing"): _("Price, invoice or payment"),
    ("complaint_category", "contract"): _("Contract terms"),
    ("complaint_category", "other"): pgettext_lazy("complaint category", "Other"),
    ("complaint_source", "portal"): _("Customer's page"),
    ("complaint_source", "phone"): _("Phone"),
    ("complaint_source", "email"): pgettext_lazy("inquiry channel", "Email"),
    ("complaint_source", "online"): _("Online customer service"),
    ("complaint_source", "visit"): _("On-site visit"),
    ("confirmed_how", "portal"): _("On the customer's page"),
    ("confirmed_how", "phone"): _("Phone"),
    ("confirmed_how", "email"): pgettext_lazy("inquiry channel", "Email"),
    ("confirmed_how", "visit"): _("On-site visit"),
    ("email_kinds", "complaint_received"): _("Complaint received"),
    ("email_kinds", "complaint_assigned"): _("Complaint assigned"),
    ("email_kinds", "complaint_due"): _("Complaint deadline near"),
    ("email_kinds", "complaint_escalated"): _("Complaint escalated"),
    ("email_kinds", "complaint_reopened"): _("Complaint reopened"),
    ("email_kinds", "complaint_reply"): _("Customer replied on a complaint"),
    ("email_kinds", "rectification_assigned"): _("Rectification assigned"),
    ("email_kinds", "rectification_responded"): _("Rectification answered"),
    ("email_kinds", "rectification_returned"): _("Rectification sent back"),
    ("email_kinds", "rectification_overdue"): _("Rectification overdue"),
    ("email_kinds", "survey_answered"): _("Satisfaction survey answered"),
    # acceptance (P2.5.c): the criteria, who recorded; acceptance issues and compensation (P2.5.d)
    **{(key, value): label for key in ("accepted_criteria", "rejected_criteria") for value, label in (
        ("quantity", _("Quantity")), ("specification", _("Specification")), ("quality", _("Quality")),
        ("performance", _("Performance")))},
    ("via", "customer"): _("The customer, on their page"),
    ("via", "staff"): _("Recorded by staff on the customer's behalf"),
    ("issue_class", "general"): _("General issue"),
    ("issue_class", "major"): _("Major quality issue"),
    ("issue_state", "open"): pgettext_lazy("acceptance issue", "Open"),
    ("issue_state", "analysed"): pgettext_lazy("acceptance issue", "Analysed"),
    ("issue_state", "solution"): pgettext_lazy("acceptance issue", "Solution agreed"),
    ("issue_state", "resolved"): pgettext_lazy("acceptance issue", "Resolved, waiting for the customer"),
    ("issue_state", "closed"): pgettext_lazy("acceptance issue", "Closed"),
    ("compensation_state", "requested"): pgettext_lazy("compensation", "Waiting for approval"),
    ("compensation_state", "approved"): pgettext_lazy("compensation", "Approved"),
    ("compensation_state", "refused"): pgettext_lazy("compensation", "Refused"),
    ("compensation_state", "withdrawn"): pgettext_lazy("compensation", "Withdrawn"),
    ("responsible_department", "sales"): pgettext_lazy("role", "Sales"),
    ("responsible_department", "customer_service"): pgettext_lazy("role", "Customer service"),
    ("responsible_department", "order_center"): pgettext_lazy("role", "Order processing center"),
    ("responsible_department", "production"): pgettext_lazy("role", "Production"),
    ("responsible_department", "logistics"): pgettext_lazy("role", "Logistics"),
    ("responsible_department", "finance"): pgettext_lazy("role", "Finance"),
    # supervision inspections and rectification (P6.1.a): the same words as supervision's models
    ("inspection_state", "draft"): pgettext_lazy("inspection", "Draft"),
    ("inspection_state", "sampled"): _("Sampled"),
    ("inspection_state", "checked"): _("Checked"),
    ("inspection_state", "rectifying"): _("In rectification"),
    ("inspection_state", "closed"): pgettext_lazy("inspection", "Closed"),
    ("sampling_method", "random"): _("Simple random sample"),
    ("sampling_method", "stratified"): _("Stratified sample"),
    ("strata", "region"): _("Sales rep's region"),
    ("strata", "amount"): _("Amount band"),
    ("strata", "special"): _("Special approval"),
    ("strata", "returned"): _("Returned in review"),
    ("strata", "credit_hold"): _("Credit hold"),
    ("severity", "minor"): _("Minor"),
    ("severity", "major"): _("Major"),
    ("severity", "serious"): _("Serious"),
    ("rectification_state", "assigned"): _("To rectify"),
    ("rectification_state", "responded"): _("Awaiting verification"),
    ("rectification_state", "returned"): _("Sent back"),
    ("rectification_state", "closed"): pgettext_lazy("rectification", "Closed"),
    # legal compliance (P5.3)
    ("legal_reasons", "amount_over_threshold"): _("Amount above the legal review threshold"),
    ("legal_reasons", "non_standard_terms"): _("Non-standard contract terms"),
    ("legal_reasons", "intellectual_property"): _("Products involving intellectual property"),
    ("legal_reasons", "consumer_buyer"): _("Consumer (individual) buyer"),
    ("legal_review", "pending"): _("Waiting for the legal opinion"),
    ("legal_review", "approved"): pgettext_lazy("legal opinion", "No legal objection"),
    ("legal_review", "objected"): _("Legal objection"),
    ("contract_terms", "standard"): _("Standard contract terms"),
    ("contract_terms", "non_standard"): _("Non-standard contract terms"),
    ("kind", "enterprise"): _("Enterprise"),
    ("kind", "individual"): _("Individual (consumer)"),
    ("result", "compliant"): _("Compliant"),
    ("result", "issue"): _("Issue found"),
    ("result", "not_applicable"): _("Not applicable"),
    ("compliance_state", "in_progress"): _("In progress"),
    ("compliance_state", "completed"): _("Waiting for sign-off"),
    ("compliance_state", "signed_off"): _("Signed off"),
    # the checklist of the compliance review (legal.rules.CHECKLIST, the same words)
    ("checklist_item", "contract_templates"): _("Contract templates"),
    ("checklist_item", "non_standard_terms"): _("Non-standard terms"),
    ("checklist_item", "consumer_rights"): _("Consumer rights"),
    ("checklist_item", "intellectual_property"): _("Intellectual property"),
    ("checklist_item", "data_privacy"): _("Personal information"),
    ("checklist_item", "pricing_law"): _("Pricing and competition"),
    ("checklist_item", "invoicing_tax"): _("Invoicing and tax"),
}

# Keys whose values are amounts of money: shown as ¥1,234.50 like every other amount on the pages.
MONEY_KEYS = frozenset({
    "list_price", "floor_price",
    "total_amount", "amount", "order_amount", "exposure", "credit_limit", "limit", "accepted_excess", "excess",
    "allowed_excess", "unit_price", "paid_amount", "outstanding", "authority", "finance_release_authority",
    "open", "allocated", "open_overdue_amount", "net_total", "tax_total", "net_amount", "tax_amount",
    "key_amount", "growing_amount", "amount_in_period", "amount_threshold"})
PERCENT_KEYS = frozenset({"tax_rate"})  # a VAT rate stored in percent (13) and read as 13%
QUANTITY_KEYS = frozenset({"quantity"})
RATIO_KEYS = frozenset({"on_time_ratio"})
# References to a record by its id: the event's subject and label already name the record, so the
# number itself (meaningless to a reader) is not shown. The stored event and the API keep it.
REFERENCE_KEYS = frozenset({"evaluation", "task", "customer_id", "special_approval", "heads", "link"})
# Values that name an order by its number: shown as a link to the order (order numbers are links).
ORDER_NUMBER_KEYS = frozenset({"order", "number"})


# Notes the services themselves write as an event's message, in the language of whoever acted.
# Shown in the reader's language instead (a note typed by a person is shown as typed).
SYSTEM_NOTES: tuple[Any, ...] = (
    _("Revision %(n)s opened after the return."),
    _("The order was returned."),
    _("Exposure plus this order exceeds the credit limit."),
)


def _note_patterns() -> list[tuple[re.Pattern[str], Any]]:
    patterns = []
    for note in SYSTEM_NOTES:
        for lang in [code for code, _name in settings.LANGUAGES]:
            with translation.override(lang):
                text = str(note)
            pattern = re.escape(text).replace(re.escape("%(n)s"), r"(?P<n>\d+)")
            patterns.append((re.compile(f"^{pattern}$"), note))
    return patterns


def show_note(message: str, patterns: list[tuple[re.Pattern[str], Any]] | None = None) -> str:
    """An event's message for the reader: a system note in the reader's language, anything else as written."""
    for pattern, note in patterns if patterns is not None else _note_patterns():
        m = pattern.match(message)
        if m:
            return str(note) % m.groupdict() if m.groupdict() else str(note)
    return message


def action_label(action: str) -> str:
    """The translated label, or the dotted action itself when nobody has named it yet."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def field_label(key: str) -> str:
    """A readable name for a key: `lines.2` → "Line 2", `lines.2.unit_price` → "Line 2 · unit price"."""
    return capfirst(_field_label(key))


def _field_label(key: str) -> str:
    if key.startswith("lines."):
        parts = key.split(".")
        if len(parts) == 2:
            return gettext("Line %(n)s") % {"n": parts[1]}
        if len(parts) == 3:
            field = LINE_FIELD_LABELS.get(parts[2]) or FIELD_LABELS.get(parts[2]) or parts[2].replace("_", " ")
            return gettext("Line %(n)s · %(field)s") % {"n": parts[1], "field": field}
    label = FIELD_LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ")


def _leaf(key: str) -> str:
    return key.rsplit(".", 1)[-1]


def _separator() -> str:
    return pgettext("list separator", ", ")


def show_value(value: Any, key: str = "") -> str:
    """One stored value as the reader sees it, in the active language."""
    leaf = _leaf(key)
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list | tuple):
        if leaf == "bands":
            return "; ".join(show_value(v, "band") for v in value)
        return _separator().join(s for s in (show_value(v, key) for v in value) if s)
    if isinstance(value, dict):
        if leaf == "band" and "rating" in value:
            rest = {k: v for k, v in value.items() if k != "rating"}
            return f"{value['rating']}: {show_value(rest)}"
        return _separator().join(f"{_field_label(k)} {show_value(v, k)}" for k, v in value.items())
    if leaf in MONEY_KEYS:
        from ordertaking.common.templatetags.ot import money

        try:
            return money(value)
        except (ArithmeticError, ValueError, TypeError):  # not a number after all: show it as stored
            return str(value)
    if leaf in QUANTITY_KEYS:
        from ordertaking.common.templatetags.ot import qty

        try:
            return str(qty(value))
        except (ArithmeticError, ValueError, TypeError):
            return str(value)
    if leaf in PERCENT_KEYS:
        return f"{value}%"
    if leaf in RATIO_KEYS:  # a share stored as 0–1, read as a percentage
        try:
            return f"{(Decimal(str(value)) * 100).quantize(Decimal('1'))}%"
        except (ArithmeticError, ValueError):
            return str(value)
    if leaf == "findings":
        label = FINDING_LABELS.get(str(value))
        return str(label) if label is not None else str(value)
    label = VALUE_LABELS.get((leaf, str(value)))
    return str(label) if label is not None else str(value)


def _order_url(number: Any) -> str:
    if not isinstance(number, str) or not number or "/" in number:
        return ""  # not an order number the order page's address can carry
    return order_url(number)


def event_changes(before: Any, after: Any) -> list[dict[str, str]]:
    """The fields an event touched, as {key, field, before, after, after_url}, in the order `after`
    lists them. An event may carry only `after` (a creation) or only `before`; non-dict payloads
    are ignored; references to records by id are left out."""
    b = before if isinstance(before, dict) else {}
    a = after if isinstance(after, dict) else {}
    keys = list(a) + [k for k in b if k not in a]
    rows = []
    for key in keys:
        if key in a and key in b and a[key] == b[key]:
            continue
        if key in REFERENCE_KEYS and not isinstance(a.get(key, b.get(key)), bool):
            continue
        after_value = a.get(key)
        rows.append({"key": key, "field": field_label(key), "before": show_value(b.get(key), key),
                     "after": show_value(after_value, key),
                     "after_url": _order_url(after_value) if key in ORDER_NUMBER_KEYS else ""})
    return rows


def describe_events(events: Iterable[Any]) -> list[Any]:
    """Annotate each event with `description` (translated label) and `changes` for the timeline."""
    result = []
    patterns = _note_patterns()
    for ev in events:
        ev.description = action_label(ev.action)
        ev.changes = event_changes(ev.before, ev.after)
        # event_record names an event without a person "system": the reader sees the word.
        name = getattr(ev, "actor_name", "")
        if not getattr(ev, "actor_id", None) and name in ("", "system"):
            ev.who = gettext("System")
        elif not getattr(ev, "actor_id", None) and name == CUSTOMER_ACTOR:
            ev.who = gettext("The customer (private link)")
        elif not getattr(ev, "actor_id", None) and name == REPORTER_ACTOR:
            ev.who = gettext("The reporter (reporting page)")
        else:
            ev.who = name
        message = getattr(ev, "message", "")
        ev.note = show_note(message, patterns) if message else ""
        result.append(ev)
    return result
