"""Reads for receivables (P3.6): payment record, statement, aging, dashboard figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ordertaking.accounts.models import User
from ordertaking.common.errors import NotFound
from ordertaking.common.links import order_url
from ordertaking.common.money import money
from ordertaking.common.queues import Queue
from ordertaking.confidentiality.models import Field
from ordertaking.credit import rules as credit_rules
from ordertaking.credit.models import CreditAlert
from ordertaking.credit.selectors import require_finance_view
from ordertaking.customers.models import Customer
from ordertaking.orders.models import Order

from . import rules
from .models import CreditNote, DunningTask, Invoice, Payment

ZERO = Decimal("0.00")


def payment_record_for(customer: Customer, *, today: date) -> credit_rules.PaymentRecord:
    """P5.1.a 付款记录 from the system's own invoices and payments."""
    rows = Invoice.objects.filter(customer=customer).values_list("due_date", "settled_on", "amount",
                                                                 "settled_amount")
    return credit_rules.payment_record_from([(due, settled, amount - paid) for due, settled, amount, paid in rows],
                                            today=today)


def open_invoices() -> QuerySet[Invoice]:
    return Invoice.objects.filter(state=Invoice.State.OPEN).annotate(open=F("amount") - F("settled_amount"))


def _bucket_sums(as_of: date) -> dict[str, Sum]:
    """One SUM per aging bucket (rules.BUCKET_DAYS) over the open amount, for the database to add up."""
    sums: dict[str, Sum] = {}
    for bucket in rules.BUCKETS:
        earliest, latest = rules.due_date_range(bucket, as_of)
        cond = Q()
        if earliest is not None:
            cond &= Q(due_date__gte=earliest)
        if latest is not None:
            cond &= Q(due_date__lte=latest)
        sums[bucket] = Sum(Case(When(cond, then=F("amount") - F("settled_amount")), default=Value(ZERO),
                                output_field=DecimalField(max_digits=14, decimal_places=2)))
    return sums


def _totals(row: dict[str, Any]) -> dict[str, Decimal]:
    totals = {b: row[b] or ZERO for b in rules.BUCKETS}
    totals["total"] = sum((totals[b] for b in rules.BUCKETS), ZERO)
    return totals


def aging(user: User, *, as_of: date, by: str = "customer") -> dict[str, Any]:
    """P3.6 receivables aging per customer or per sales rep, with a grand total. The database sums
    each bucket (one grouped query and one total), so the report costs the same with 100 or 100,000
    open invoices on the Python side."""
    require_finance_view(user)
    key_field = "customer__sales_rep" if by == "sales_rep" else "customer"
    sums = _bucket_sums(as_of)
    open_qs = Invoice.objects.filter(state=Invoice.State.OPEN).order_by()
    grouped = {row[key_field]: _totals(row) for row in open_qs.values(key_field).annotate(**sums)}
    if by == "sales_rep":
        names = {u.pk: str(u) for u in User.objects.filter(pk__in=[k for k in grouped if k])}
    else:
        names = dict(Customer.objects.filter(pk__in=list(grouped)).values_list("pk", "name"))
    result = [{"key": key, "name": names.get(key, "—"), **totals} for key, totals in grouped.items()]
    result.sort(key=lambda r: (-r["total"], str(r["name"])))
    total = _totals(open_qs.aggregate(**sums))
    return {"rows": result, "total": total, "as_of": as_of, "by": by}


def statement(user: User, customer_id: int, *, date_from: date | None = None,
              date_to: date | None = None) -> dict[str, Any]:
    """The customer's statement (对账单, P3.6): invoices, payments and credit notes by date, with a
    running balance. With a period, the balance brought forward from before `date_from` opens it
    (summed by the database), only the period's entries are listed, and `totals` says what was
    invoiced, received and credited in it. Seven queries, whatever the number of entries."""
    require_finance_view(user)
    customer = Customer.objects.filter(pk=customer_id).select_related("region", "sales_rep").first()
    if customer is None:
        raise NotFound("not found")
    invoices = Invoice.objects.filter(customer=customer)
    payments = Payment.objects.filter(customer=customer)
    notes = CreditNote.objects.filter(customer=customer)
    opening = ZERO
    if date_from is not None:
        opening = ((invoices.filter(issue_date__lt=date_from).aggregate(s=Sum("amount"))["s"] or ZERO)
                   - (payments.filter(received_on__lt=date_from).aggregate(s=Sum("amount"))["s"] or ZERO)
                   - (notes.filter(issue_date__lt=date_from).aggregate(s=Sum("amount"))["s"] or ZERO))
        invoices, payments = invoices.filter(issue_date__gte=date_from), payments.filter(received_on__gte=date_from)
        notes = notes.filter(issue_date__gte=date_from)
    if date_to is not None:
        invoices, payments = invoices.filter(issue_date__lte=date_to), payments.filter(received_on__lte=date_to)
        notes = notes.filter(issue_date__lte=date_to)
    entries: list[dict[str, Any]] = []
    for inv in invoices.select_related("order"):
        entries.append({"date": inv.issue_date, "kind": "invoice", "ref": inv.number, "order": inv.order,
                        "debit": inv.amount, "credit": ZERO, "due_date": inv.due_date, "sort": (inv.pk, 0),
                        "reference": inv.number})
    for p in payments:
        entries.append({"date": p.received_on, "kind": "payment", "ref": p.reference or f"#{p.pk}", "order": None,
                        "debit": ZERO, "credit": p.amount, "due_date": None, "sort": (p.pk, 1),
                        "reference": p.reference})
    for n in notes.select_related("order"):
        entries.append({"date": n.issue_date, "kind": "credit_note", "ref": n.number, "order": n.order,
                        "debit": ZERO, "credit": n.amount, "due_date": None, "sort": (n.pk, 2),
                        "reference": n.number})
    entries.sort(key=lambda e: (e["date"], e["sort"][1], e["sort"][0]))
    balance = opening
    totals = {"invoice": ZERO, "payment": ZERO, "credit_note": ZERO}
    for e in entries:
        balance += e["debit"] - e["credit"]
        e["balance"] = balance
        totals[e["kind"]] += e["debit"] + e["credit"]
    return {"customer": customer, "entries": entries, "balance": balance, "opening": opening, "totals": totals,
            "date_from": date_from, "date_to": date_to}


def dashboard(user: User, *, today: date) -> dict[str, Any]:
    """P3.6 财务风险预警: overdue totals, near-limit customers, holds waiting, dunning due."""
    from ordertaking.credit.models import CreditAlert
    from ordertaking.credit.selectors import holds_waiting, near_limit
    from ordertaking.credit.services import policy_current

    require_finance_view(user)
    overdue = open_invoices().filter(due_date__lt=today)
    overdue_total = overdue.aggregate(s=Sum("open"))["s"] or ZERO
    receivable_total = open_invoices().aggregate(s=Sum("open"))["s"] or ZERO
    policy = policy_current()
    waiting = orders_awaiting_invoice(user)
    return {
        "to_invoice": list(waiting[:8]),
        "to_invoice_count": waiting.count(),
        "overdue_total": overdue_total,
        "receivable_total": receivable_total,
        "overdue_count": overdue.count(),
        "top_overdue": list(overdue.select_related("customer", "order").order_by("due_date")[:10]),
        "near_limit": near_limit(user, policy.near_limit_percent)[:10],
        "near_limit_percent": policy.near_limit_percent,
        "holds": list(holds_waiting(user)[:10]),
        "dunning_due": list(DunningTask.objects.filter(state=DunningTask.State.OPEN, due_date__lte=today)
                            .select_related("customer", "invoice", "assignee")[:10]),
        "alerts": list(CreditAlert.objects.filter(recipient=user, read_at__isnull=True)
                       .select_related("customer")[:10]),
        "aging": aging(user, as_of=today)["total"],
    }


def invoices_for(user: User, *, customer_id: int | None = None, state: str = "") -> QuerySet[Invoice]:
    require_finance_view(user)
    qs = Invoice.objects.select_related("customer", "order")
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if state in Invoice.State.values:
        qs = qs.filter(state=state)
    return qs


def invoice_by_number(user: User, number: str) -> Invoice:
    """One invoice with its customer and order (the invoice page, the API), for finance's viewers."""
    require_finance_view(user)
    inv = Invoice.objects.filter(number=number).select_related("customer", "order", "issued_by").first()
    if inv is None:
        raise NotFound(_("Invoice not found."))
    return inv


def invoice_lines(invoice: Invoice) -> list[Any]:
    """The invoice's lines with what they bill (one query)."""
    return list(invoice.lines.select_related("order_line").order_by("order_line__position", "id"))


def invoice_for(user: User, pk: int) -> Invoice:
    require_finance_view(user)
    inv = Invoice.objects.filter(pk=pk).select_related("customer", "order").first()
    if inv is None:
        raise NotFound("not found")
    return inv


def aging_workbook(data: dict[str, Any], labels: dict[str, str]) -> bytes:
    """The aging as an .xlsx (openpyxl), amounts as numbers with two decimals."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ordertaking.common.xlsx import append_row

    wb = Workbook()
    ws = wb.active
    ws.title = "aging"  # type: ignore[union-attr]
    header = [labels["name"], *[labels[b] for b in rules.BUCKETS], labels["total"]]
    # Every row through append_row: customer and sales-rep names are user text, never formulas.
    append_row(ws, [labels["title"], str(data["as_of"])])
    append_row(ws, header)
    for cell in ws[2]:  # type: ignore[index]
        cell.font = Font(bold=True)
    for r in [*data["rows"], {"name": labels["total"], **data["total"]}]:
        append_row(ws, [str(r["name"]), *[float(r[b]) for b in rules.BUCKETS], float(r["total"])])
    for row in ws.iter_rows(min_row=3, min_col=2):  # type: ignore[union-attr]
        for cell in row:
            cell.number_format = "#,##0.00"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def credit_note_for(user: User, pk: int) -> CreditNote:
    require_finance_view(user)
    note = CreditNote.objects.filter(pk=pk).first()
    if note is None:
        raise NotFound("not found")
    return note


def orders_to_invoice(customer: Customer) -> list[Any]:
    """Approved orders of the customer with an amount not yet invoiced."""
    from ordertaking.credit.selectors import NOT_APPROVED_STATES
    from ordertaking.orders.models import Order

    orders = list(Order.objects.filter(customer=customer).exclude(state__in=NOT_APPROVED_STATES)
                  .annotate(invoiced=Sum("invoices__amount")).order_by("-approved_at", "-id")[:50])
    for o in orders:
        o.uninvoiced = o.total_amount - (o.invoiced or ZERO)  # type: ignore[attr-defined]
    return [o for o in orders if o.uninvoiced > 0]  # type: ignore[attr-defined]


def orders_awaiting_invoice(user: User) -> QuerySet[Any]:
    """审核通过、待开票 (P3.6): approved orders of every customer with an amount not yet invoiced,
    the oldest approval first, each with `invoiced` and `uninvoiced` annotated (one query)."""
    from ordertaking.credit.selectors import NOT_APPROVED_STATES
    from ordertaking.orders.models import Order

    require_finance_view(user)
    invoiced = Sum("invoices__amount", default=ZERO)
    return (Order.objects.exclude(state__in=NOT_APPROVED_STATES)
            .annotate(invoiced=invoiced, uninvoiced=F("total_amount") - invoiced)
            .filter(uninvoiced__gt=0)
            .select_related("customer", "sales_rep", "payment_method")
            .order_by("approved_at", "id"))


def home_queues(user: Any) -> list[Queue]:
    """Home page cards: one's dunning tasks and unread credit alerts (the sales rep gets these too,
    P5.1.c)."""
    queues: list[Queue] = []
    if user.has_perm("accounts.finance_view"):
        waiting = orders_awaiting_invoice(user)
        queues.append(Queue(key="to_invoice", title=_("Approved, to invoice"), count=waiting.count(),
                            items=[{"label": o.number, "url": order_url(o.number),
                                    "is_order": True, "meta": o.customer.name} for o in waiting[:5]],
                            url=reverse("finance:to_invoice"), empty_text=_("Every approved order is invoiced.")))
    tasks = (DunningTask.objects.filter(assignee=user, state=DunningTask.State.OPEN)
             .select_related("customer", "invoice", "invoice__order").order_by("due_date"))
    alerts = CreditAlert.objects.filter(recipient=user, read_at__isnull=True).select_related("customer")
    if user.has_perm("accounts.finance_view") or tasks.exists() or alerts.exists():
        queues.append(Queue(key="dunning", title=_("My dunning tasks"), count=tasks.count(),
                            items=[{"label": t.customer.name, "url": reverse("finance:dunning"),
                                    "meta": t.due_date.isoformat()} for t in tasks[:5]],
                            url=reverse("finance:dunning"), empty_text=_("No dunning due.")))
        queues.append(Queue(key="credit_alerts", title=_("My credit alerts"), count=alerts.count(),
                            items=[{"label": a.customer.name, "url": reverse("finance:dunning"),
                                    "meta": a.get_kind_display()} for a in alerts[:5]],
                            url=reverse("finance:dunning"), empty_text=_("No unread alerts.")))
    return queues


def exposure_recompute(customer_id: int) -> tuple[Decimal, Decimal]:
    """From scratch: (what the orders hold as approved − what was invoiced of them, open amount of
    invoices). An order holds the amount of its last approval (`Order.approved_total`), also while a
    change after approval is under review (P2.3) and until a cancellation after approval releases it."""
    approved = (Order.objects.filter(customer_id=customer_id, approved_total__gt=0)
                .aggregate(s=Sum("approved_total"))["s"] or ZERO)
    invoiced_of_approved = (Invoice.objects.filter(customer_id=customer_id, order__approved_total__gt=0)
                            .aggregate(s=Sum("amount"))["s"] or ZERO)
    invoices = Invoice.objects.filter(customer_id=customer_id).aggregate(a=Sum("amount"), s=Sum("settled_amount"))
    unpaid = (invoices["a"] or ZERO) - (invoices["s"] or ZERO)
    return money(max(ZERO, approved - invoiced_of_approved)), money(Decimal(unpaid))


# --- the duty handed down to confidentiality (FinanceConfig.ready) ---------------------------------------

FINANCE_INVOICING = gettext_lazy("finance issuing the customer's invoices")


def invoicing_duty(user: Any, customer: Any, field: str) -> Any:
    """P4.1.c: finance sees the invoicing details and the credit code (taxpayer number) of every customer."""
    if field in (Field.INVOICING, Field.CREDIT_CODE) and user.has_perm("accounts.finance_manage"):
        return FINANCE_INVOICING
    return None
