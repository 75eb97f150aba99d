"""Reads of acceptance, acceptance issues and compensation (P2.5.c/d), scoped to the reader."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ordertaking.accounts.roles import Role
from ordertaking.common.errors import NotFound
from ordertaking.common.queues import Queue
from ordertaking.confidentiality.models import Field
from ordertaking.deliveries import selectors as delivery_selectors
from ordertaking.deliveries.models import AcceptanceIssue, Compensation, Criterion, IssueUpdate, LineCheck
from ordertaking.finance.models import Invoice
from ordertaking.logistics.selectors import ships
from ordertaking.orders.models import Order, OrderLine
from ordertaking.orders.selectors import QueueItem, visible_orders
from ordertaking.orders.states import OrderState

from . import rules

DEFAULT_ISSUE_DAYS = 3
# The order states in which its lines are inspected (P2.5.c): delivered, and later for the record.
AFTER_DELIVERY = frozenset({OrderState.DELIVERED, OrderState.ACCEPTED, OrderState.CLOSED})


def issue_days() -> int:
    """P2.5.d 规定时间: working days to solve a general acceptance issue (ORDERTAKING_ACCEPTANCE_ISSUE_DAYS)."""
    return int(getattr(settings, "ORDERTAKING_ACCEPTANCE_ISSUE_DAYS", DEFAULT_ISSUE_DAYS))


def delivered_quantities(order: Order) -> dict[int, Decimal]:
    """P2.5.b → P2.5.c: per order line, the quantity the customer has taken delivery of: what is on signed
    delivery vouchers (the voucher's own selector, `deliveries.selectors.delivered_quantities`, once it
    exists). An order in its delivered state (or later) is delivered in full: it got there only fully shipped
    with every voucher signed (the `deliver` move)."""
    on_signed_vouchers = getattr(delivery_selectors, "delivered_quantities", None)
    signed: dict[int, Decimal] = dict(on_signed_vouchers(order)) if on_signed_vouchers is not None else {}
    if order.state in AFTER_DELIVERY:
        for ln in order.lines.all():
            signed[ln.pk] = max(signed.get(ln.pk, Decimal("0")), ln.quantity or Decimal("0"))
    return signed


# --- who ------------------------------------------------------------------------------------------------

def may_record(user: Any, order: Order) -> bool:
    """P2.5.c: who records acceptance on the customer's behalf: `delivery_record` holders — the order's own
    sales rep, or the order processing center."""
    if not (user and user.is_authenticated and user.has_perm("accounts.delivery_record")):
        return False
    return bool(order.sales_rep_id == user.pk or user.has_role(Role.ORDER_CENTER))


def may_handle(user: Any, issue: AcceptanceIssue) -> bool:
    """P2.5.d: who works on an issue: `acceptance_issue_handle` holders (sales, order center, production,
    customer service) — a sales rep only on their own orders."""
    if not (user and user.is_authenticated and user.has_perm("accounts.acceptance_issue_handle")):
        return False
    if user.has_role(Role.SALES) and not (user.has_role(Role.ORDER_CENTER) or user.has_role(Role.PRODUCTION)
                                          or user.has_role(Role.CUSTOMER_SERVICE)):
        return bool(issue.order.sales_rep_id == user.pk)
    return True


def may_classify(user: Any, issue: AcceptanceIssue) -> bool:
    """P2.5.d: the class (general / major) is set by the order's rep or the order processing center."""
    return may_record(user, issue.order)


def may_see_issues(user: Any) -> bool:
    return bool(user and user.is_authenticated and (user.has_perm("accounts.acceptance_issue_handle")
                                                    or user.has_perm("accounts.compensation_approve")
                                                    or user.has_perm("accounts.order_view_all")))


def issues_visible(user: Any) -> QuerySet[AcceptanceIssue]:
    """Issues of the orders the user sees; production, customer service and leadership see every issue
    (they work on them or decide compensation)."""
    qs = AcceptanceIssue.objects.all()
    if not may_see_issues(user):
        return qs.none()
    if any(user.has_role(r) for r in (Role.PRODUCTION, Role.CUSTOMER_SERVICE, Role.LEADERSHIP)):
        return qs
    return qs.filter(order__in=visible_orders(user))


def issue_for(user: Any, number: str) -> AcceptanceIssue:
    issue = (issues_visible(user).select_related("order", "order__customer", "order__sales_rep", "line")
             .filter(number=(number or "").strip().upper()).first())
    if issue is None:
        raise NotFound(_("No acceptance issue %(number)s.") % {"number": number}, code="not_found")
    return issue


def reveal_issue(user: Any, ref: str, key: str) -> tuple[Any, str, Any]:
    """What the reveal action finds on an acceptance issue: the person at the customer who raised it or
    accepted its result (handed down to confidentiality in DeliveriesConfig.ready)."""
    if key not in ("customer_name", "closed_customer_name"):
        raise NotFound(_("Nothing to reveal here."))
    issue = issue_for(user, str(ref)[:40])
    return issue.order.customer, Field.CONTACT_NAME, getattr(issue, key)


def issue_of_order(order: Order, number: str) -> AcceptanceIssue:
    """An issue of this order (the customer's link reaches only its own order's), or NotFound."""
    issue = (AcceptanceIssue.objects.select_related("order", "line")
             .filter(order=order, number=(number or "").strip().upper()).first())
    if issue is None:
        raise NotFound(_("No acceptance issue %(number)s.") % {"number": number}, code="not_found")
    return issue


def issue_list(user: Any, *, state: str = "", issue_class: str = "", due: str = "", order: str = "",
               today: date | None = None) -> QuerySet[AcceptanceIssue]:
    """The issue queue with its filters: state ("open" = not closed), class, due ("overdue"), order."""
    today = today or timezone.localdate()
    qs = issues_visible(user).select_related("order", "order__customer", "order__sales_rep", "line")
    if state == "open":
        qs = qs.exclude(state=AcceptanceIssue.State.CLOSED)
    elif state in AcceptanceIssue.State.values:
        qs = qs.filter(state=state)
    if issue_class in ("general", "major"):
        qs = qs.filter(issue_class=issue_class)
    if due == "overdue":
        qs = qs.exclude(state=AcceptanceIssue.State.CLOSED).filter(deadline__lt=today)
    if order:
        qs = qs.filter(order__number=order.strip().upper())
    return qs.order_by("deadline", "-opened_at", "-id") if due else qs.order_by("-opened_at", "-id")


def issue_updates(issue: AcceptanceIssue) -> list[IssueUpdate]:
    return list(issue.updates.select_related("by").order_by("at", "id"))


def compensation_for(user: Any, pk: int) -> Compensation:
    comp = (Compensation.objects.select_related("order", "issue", "requested_by", "decided_by", "credit_note")
            .filter(pk=pk, issue__in=issues_visible(user)).first())
    if comp is None:
        raise NotFound(_("No such compensation."), code="not_found")
    return comp


def compensations_waiting(user: Any) -> QuerySet[Compensation]:
    """P2.5.d: the compensations leadership decides (never the requester's own)."""
    if not user.has_perm("accounts.compensation_approve"):
        return Compensation.objects.none()
    return (Compensation.objects.filter(state=Compensation.State.REQUESTED).exclude(requested_by=user)
            .select_related("order", "order__customer", "issue", "requested_by").order_by("requested_at", "id"))


# --- the order's acceptance, line by line ----------------------------------------------------------------

@dataclass
class LineRow:
    line: OrderLine
    delivered: bool
    delivered_quantity: Decimal
    checks: dict[str, LineCheck] = field(default_factory=dict)
    issue: AcceptanceIssue | None = None
    status: str = "pending"

    @property
    def criteria(self) -> list[tuple[str, Any, LineCheck | None]]:
        return [(c.value, c.label, self.checks.get(c.value)) for c in Criterion]

    @property
    def can_be_inspected(self) -> bool:
        return self.delivered and self.status != "accepted" and self.issue is None

    @property
    def status_label(self) -> str:
        return str(LINE_STATUS_LABELS[self.status])


LINE_STATUS_LABELS = {
    "pending": gettext_lazy("Not yet accepted"),  # 待验收
    "accepted": gettext_lazy("Accepted"),  # 已验收
    "rejected": gettext_lazy("Rejected: acceptance issue"),  # 不合格（验收问题处理中）
}


def line_rows(order: Order) -> list[LineRow]:
    """Each line of the order with its verdicts, its open issue and whether it can be inspected (P2.5.c)."""
    lines = list(order.lines.select_related("product").prefetch_related(
        Prefetch("acceptance_checks", queryset=LineCheck.objects.select_related("recorded_by")),
        Prefetch("acceptance_issues", queryset=AcceptanceIssue.objects.exclude(state=AcceptanceIssue.State.CLOSED),
                 to_attr="open_issues")).order_by("position"))
    delivered = delivered_quantities(order)
    order_delivered = order.state in AFTER_DELIVERY
    rows = []
    for ln in lines:
        qty = delivered.get(ln.pk, Decimal("0"))
        checks = {c.criterion: c for c in ln.acceptance_checks.all()}
        issue = ln.open_issues[0] if ln.open_issues else None  # type: ignore[attr-defined]
        rows.append(LineRow(
            line=ln, delivered=rules.line_delivered(ordered=ln.quantity, delivered=qty, ships=ships(ln),
                                                   order_delivered=order_delivered),
            delivered_quantity=qty, checks=checks, issue=issue,
            status=rules.line_status({k: c.verdict for k, c in checks.items()}, issue_open=issue is not None)))
    return rows


def order_paid_in_full(order: Order) -> bool:
    """P3.6: the order's invoices cover its amount and are all settled."""
    invoices = Invoice.objects.filter(order=order).values_list("amount", "settled_amount")
    return rules.fully_paid(order.total_amount, invoices)


def order_issues(order: Order) -> list[AcceptanceIssue]:
    return list(order.acceptance_issues.select_related("line").prefetch_related("compensations")
                .order_by("-opened_at", "-id"))


def order_for(*, user: Any, number: str) -> Order:
    order = (visible_orders(user).select_related("customer", "sales_rep")
             .filter(number=(number or "").strip().upper()).first())
    if order is None:
        raise NotFound(_("No order %(number)s.") % {"number": number}, code="not_found")
    return order


# --- the scheduled job's reads and the home page ------------------------------------------------------

def issues_to_watch(today: date) -> list[int]:
    """Open general issues with a deadline: the job reminds and escalates (the rules decide)."""
    return list(AcceptanceIssue.objects.exclude(state=AcceptanceIssue.State.CLOSED)
                .filter(deadline__isnull=False, escalated_at__isnull=True)
                .filter(Q(reminded_at__isnull=True) | Q(deadline__lt=today))
                .order_by("deadline", "id").values_list("pk", flat=True))


def _due(issue: AcceptanceIssue) -> str:
    return issue.deadline.isoformat() if issue.deadline else str(issue.get_issue_class_display())


def home_queues(user: Any) -> list[Queue]:
    queues: list[Queue] = []
    today = timezone.localdate()
    if user.has_perm("accounts.acceptance_issue_handle"):
        qs = issue_list(user, state="open", today=today)
        items = [QueueItem(reverse("deliveries:issue", args=[i.number]), i.number,
                           f"{i.order.number} · {_due(i)}", is_order=False) for i in qs[:5]]
        queues.append(Queue(key="acceptance_issues", title=gettext_lazy("Acceptance issues"), count=qs.count(),
                            items=items, url=reverse("deliveries:issues") + "?state=open",
                            empty_text=gettext_lazy("No open acceptance issue.")))
    if user.has_perm("accounts.compensation_approve"):
        waiting = compensations_waiting(user)
        items = [QueueItem(reverse("deliveries:issue", args=[c.issue.number]), c.order.number,
                           f"¥{c.amount:,.2f}", is_order=False) for c in waiting[:5]]
        queues.append(Queue(key="compensations", title=gettext_lazy("Compensation to approve"),
                            count=waiting.count(), items=items, url=reverse("deliveries:compensations"),
                            empty_text=gettext_lazy("No compensation waits for you.")))
    return queues
