"""Receivables in the JSON API (P3.6), mounted at /api/v1/finance. Same services as the pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from ordertaking.common.api import Mapped, Paged, choice
from ordertaking.common.errors import ValidationFailed
from ordertaking.common.pdf import pdf_response
from ordertaking.credit.selectors import customer_for, order_for_finance, require_finance_view
from ordertaking.customers.models import InvoiceType

from . import selectors, services
from .documents import statement_document
from .forms import StatementPeriodForm
from .models import FapiaoStatus, Invoice
from .views import aging_labels

router = Router()
# Mounted at /api/v1/credit (ordertaking/api.py): the reconciliation reads invoices, so it is
# finance's (above credit), at the path it always had.
credit_router = Router()


class ReconciliationRowOut(Schema):
    customer: int = Field(..., description="customer id")
    maintained: list[str] = Field(..., description="[approved not invoiced, invoiced unpaid] as maintained")
    recomputed: list[str] = Field(..., description="the same two figures recomputed from orders and invoices")


@credit_router.get("/reconciliation", response=list[ReconciliationRowOut])
@paginate(Paged)
def reconciliation(request: HttpRequest) -> list[dict[str, Any]]:
    """Maintained exposure vs. a recomputation from orders and invoices; empty when they agree."""
    require_finance_view(request.user)  # type: ignore[arg-type]
    return services.exposure_reconcile(actor=request.user, fix=False)  # type: ignore[arg-type]


class InvoiceLineIn(Schema):
    order_line_id: int
    quantity: Decimal


class InvoiceIn(Schema):
    lines: list[InvoiceLineIn] | None = None
    issue_date: date | None = None
    currency: str = "CNY"


class InvoiceOut(Schema):
    id: int
    number: str
    order_number: str
    customer_id: int
    issue_date: date
    due_date: date
    currency: str
    amount: Decimal = Field(description="Tax-inclusive total (价税合计)")
    net_amount: Decimal = Field(description="Sum of the lines' amounts without tax (不含税金额)")
    tax_amount: Decimal = Field(description="Sum of the lines' tax (税额)")
    settled_amount: Decimal
    open_amount: Decimal
    state: str = choice(Invoice.State)
    fapiao_status: str = choice(FapiaoStatus)
    fapiao_status_label: str
    fapiao_type: str = Field(description="normal (普通发票) or special (专用发票); empty until a fapiao is recorded")
    fapiao_number: str
    fapiao_date: date | None


class AllocationIn(Schema):
    invoice_id: int
    amount: Decimal


class PaymentIn(Schema):
    customer_id: int
    amount: Decimal
    currency: str = "CNY"
    received_on: date | None = None
    reference: str = ""
    allocations: list[AllocationIn] = []


class PaymentOut(Schema):
    id: int
    customer_id: int
    amount: Decimal
    unallocated: Decimal
    currency: str
    received_on: date
    reference: str


class CreditNoteIn(Schema):
    customer_id: int
    amount: Decimal
    reason: str = Field(..., min_length=1)
    order_number: str | None = None


class CreditNoteOut(Schema):
    id: int
    number: str
    customer_id: int
    amount: Decimal
    used_amount: Decimal


class ApplyIn(Schema):
    invoice_id: int
    amount: Decimal


class AgingRowOut(Schema):
    key: int | None = None
    name: str
    current: Decimal
    d1_30: Decimal
    d31_60: Decimal
    d61_90: Decimal
    d90_plus: Decimal
    total: Decimal


class AgingOut(Schema):
    as_of: date
    by: str
    rows: list[AgingRowOut]
    total: dict[str, Decimal]


def _inv_out(inv: Invoice) -> dict[str, Any]:
    return {"id": inv.pk, "number": inv.number, "order_number": inv.order.number, "customer_id": inv.customer_id,
            "issue_date": inv.issue_date, "due_date": inv.due_date, "currency": inv.currency, "amount": inv.amount,
            "net_amount": inv.net_amount, "tax_amount": inv.tax_amount,
            "settled_amount": inv.settled_amount, "open_amount": inv.open_amount, "state": inv.state,
            "fapiao_status": inv.fapiao_status, "fapiao_status_label": str(inv.get_fapiao_status_display()),
            "fapiao_type": inv.fapiao_type, "fapiao_number": inv.fapiao_number, "fapiao_date": inv.fapiao_date}


class InvoiceLineOut(Schema):
    order_line_position: int
    name: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: int = Field(description="VAT rate in percent (税率)")
    net_amount: Decimal
    tax_amount: Decimal
    amount: Decimal


class InvoiceDetailOut(InvoiceOut):
    lines: list[InvoiceLineOut]


class FapiaoIn(Schema):
    model_config = ConfigDict(extra="forbid")

    fapiao_type: str = choice(InvoiceType)
    number: str = Field(max_length=30, description="8 digits, or 20 for a fully digital fapiao (数电发票)")
    fapiao_date: date | None = Field(None, description="Defaults to today")


class FapiaoReverseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=2000)


def _inv_detail(inv: Invoice) -> dict[str, Any]:
    return {**_inv_out(inv), "lines": [
        {"order_line_position": ln.order_line.position, "name": ln.order_line.name or ln.order_line.description,
         "quantity": ln.quantity, "unit_price": ln.unit_price, "tax_rate": ln.tax_rate, "net_amount": ln.net_amount,
         "tax_amount": ln.tax_amount, "amount": ln.amount} for ln in selectors.invoice_lines(inv)]}


@router.get("/invoices/{number}", response=InvoiceDetailOut, summary="One invoice with its lines and fapiao")
def invoice_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    return _inv_detail(selectors.invoice_by_number(request.user, number))  # type: ignore[arg-type]


@router.post("/invoices/{number}/fapiao", response=InvoiceDetailOut,
             summary="Record the fapiao issued for an invoice (P3.6)")
def fapiao_record(request: HttpRequest, number: str, payload: FapiaoIn) -> dict[str, Any]:
    inv = selectors.invoice_by_number(request.user, number)  # type: ignore[arg-type]
    services.fapiao_record(invoice=inv, actor=request.user, number=payload.number,  # type: ignore[arg-type]
                           fapiao_type=payload.fapiao_type, fapiao_date=payload.fapiao_date)
    return _inv_detail(selectors.invoice_by_number(request.user, number))  # type: ignore[arg-type]


@router.post("/invoices/{number}/fapiao/reverse", response=InvoiceDetailOut,
             summary="Record the red-letter reversal of an invoice's fapiao (P3.6)")
def fapiao_reverse(request: HttpRequest, number: str, payload: FapiaoReverseIn) -> dict[str, Any]:
    inv = selectors.invoice_by_number(request.user, number)  # type: ignore[arg-type]
    services.fapiao_reverse(invoice=inv, actor=request.user, reason=payload.reason)  # type: ignore[arg-type]
    return _inv_detail(selectors.invoice_by_number(request.user, number))  # type: ignore[arg-type]


@router.post("/orders/{number}/invoices", response={201: InvoiceOut})
def invoice_issue(request: HttpRequest, number: str, payload: InvoiceIn) -> Status:
    order = order_for_finance(request.user, number)  # type: ignore[arg-type]
    lines = None if payload.lines is None else [{"order_line": ln.order_line_id, "quantity": ln.quantity}
                                                 for ln in payload.lines]
    inv = services.invoice_issue(order=order, actor=request.user, lines=lines,  # type: ignore[arg-type]
                                 issue_date=payload.issue_date, currency=payload.currency)
    return Status(201, _inv_out(inv))


@router.get("/invoices", response=list[InvoiceOut])
@paginate(Paged)
def invoice_list(request: HttpRequest, customer: int | None = None, state: str = "") -> Mapped:
    return Mapped(selectors.invoices_for(request.user, customer_id=customer, state=state),  # type: ignore[arg-type]
                  _inv_out)


@router.post("/payments", response={201: PaymentOut})
def payment_record(request: HttpRequest, payload: PaymentIn) -> Status:
    customer = customer_for(request.user, payload.customer_id)  # type: ignore[arg-type]
    p = services.payment_record(customer=customer, actor=request.user, amount=payload.amount,  # type: ignore[arg-type]
                                currency=payload.currency, received_on=payload.received_on,
                                reference=payload.reference,
                                allocations=[{"invoice": a.invoice_id, "amount": a.amount}
                                             for a in payload.allocations])
    return Status(201, {"id": p.pk, "customer_id": p.customer_id, "amount": p.amount, "unallocated": p.unallocated,
                        "currency": p.currency, "received_on": p.received_on, "reference": p.reference})


@router.post("/credit-notes", response={201: CreditNoteOut})
def credit_note_issue(request: HttpRequest, payload: CreditNoteIn) -> Status:
    customer = customer_for(request.user, payload.customer_id)  # type: ignore[arg-type]
    order = order_for_finance(request.user, payload.order_number) if payload.order_number else None  # type: ignore[arg-type]
    n = services.credit_note_issue(customer=customer, actor=request.user, amount=payload.amount,  # type: ignore[arg-type]
                                   reason=payload.reason, order=order)
    return Status(201, {"id": n.pk, "number": n.number, "customer_id": n.customer_id, "amount": n.amount,
                        "used_amount": n.used_amount})


@router.post("/credit-notes/{note_id}/apply", response=CreditNoteOut)
def credit_note_apply(request: HttpRequest, note_id: int, payload: ApplyIn) -> dict[str, Any]:
    note = selectors.credit_note_for(request.user, note_id)  # type: ignore[arg-type]
    inv = selectors.invoice_for(request.user, payload.invoice_id)  # type: ignore[arg-type]
    services.credit_note_apply(credit_note=note, invoice=inv, actor=request.user, amount=payload.amount)  # type: ignore[arg-type]
    note.refresh_from_db()
    return {"id": note.pk, "number": note.number, "customer_id": note.customer_id, "amount": note.amount,
            "used_amount": note.used_amount}


class StatementEntryOut(Schema):
    date: date
    kind: str = Field(..., json_schema_extra={"enum": ["invoice", "payment", "credit_note"]})
    ref: str
    order_number: str | None = None
    debit: Decimal
    credit: Decimal
    balance: Decimal


class StatementOut(Schema):
    customer_id: int
    balance: Decimal
    entries: list[StatementEntryOut]


@router.get("/customers/{customer_id}/statement", response=StatementOut)
def statement(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    st = selectors.statement(request.user, customer_id)  # type: ignore[arg-type]
    return {"customer_id": customer_id, "balance": str(st["balance"]),
            "entries": [{"date": e["date"].isoformat(), "kind": e["kind"], "ref": e["ref"],
                         "order_number": e["order"].number if e["order"] else None, "debit": str(e["debit"]),
                         "credit": str(e["credit"]), "balance": str(e["balance"])} for e in st["entries"]]}


def _aging_args(by: str, as_of: date | None) -> tuple[str, date]:
    if by not in ("customer", "sales_rep"):
        raise ValidationFailed("by must be customer or sales_rep", field="by")
    return by, as_of or timezone.localdate()


@router.get("/aging", response=AgingOut)
def aging(request: HttpRequest, by: str = "customer", as_of: date | None = None) -> dict[str, Any]:
    by, day = _aging_args(by, as_of)
    data = selectors.aging(request.user, as_of=day, by=by)  # type: ignore[arg-type]
    return {**data, "rows": [{**r, "name": str(r["name"])} for r in data["rows"]]}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/aging.xlsx", openapi_extra={"responses": {200: {
    "description": "The aging report as an Excel workbook",
    "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}}})
def aging_xlsx(request: HttpRequest, by: str = "customer", as_of: date | None = None) -> HttpResponse:
    by, day = _aging_args(by, as_of)
    data = selectors.aging(request.user, as_of=day, by=by)  # type: ignore[arg-type]
    response = HttpResponse(selectors.aging_workbook(data, aging_labels()),
                            content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="aging-{day.isoformat()}.xlsx"'
    return response


class DunningOut(Schema):
    id: int
    customer_id: int
    invoice_number: str | None = None
    assignee: str
    due_date: date
    state: str
    note: str


class DunningDoneIn(Schema):
    note: str = ""


def _dunning_out(t: Any) -> dict[str, Any]:
    return {"id": t.pk, "customer_id": t.customer_id, "invoice_number": t.invoice.number if t.invoice else None,
            "assignee": str(t.assignee), "due_date": t.due_date, "state": t.state, "note": t.text}


@router.get("/dunning", response=list[DunningOut])
@paginate(Paged)
def dunning_list(request: HttpRequest) -> Mapped:
    """P5.1.c: open dunning tasks — one's own, or all of them for finance."""
    from .models import DunningTask

    user: Any = request.user
    qs = DunningTask.objects.filter(state=DunningTask.State.OPEN).select_related("invoice", "assignee")
    if not user.has_perm("accounts.finance_view"):
        qs = qs.filter(assignee=user)
    return Mapped(qs.order_by("due_date", "id"), _dunning_out)


@router.post("/dunning/{task_id}/done", response=DunningOut)
def dunning_done(request: HttpRequest, task_id: int, payload: DunningDoneIn) -> dict[str, Any]:
    from ordertaking.common.errors import NotFound

    from .models import DunningTask

    user: Any = request.user
    task = DunningTask.objects.filter(pk=task_id).select_related("invoice", "assignee").first()
    if task is None or (task.assignee_id != user.pk and not user.has_perm("accounts.finance_view")):
        raise NotFound("not found")
    services.dunning_task_done(task=task, actor=user, note=payload.note[:1000])
    task.refresh_from_db()
    return _dunning_out(task)


# Mounted at /api/v1/customers (ordertaking/api.py): the statement is the customer's document, served
# where API users look for the customer, by finance (above customers in the layers).
customers_router = Router()


@customers_router.get("/{customer_id}/statement.pdf", summary="The customer statement as PDF (P3.6)",
                      openapi_extra={"responses": {200: {
                          "description": "对账单 over the period, in the language of the request (Accept-Language)",
                          "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}})
def customer_statement_pdf(
        request: HttpRequest, customer_id: int,
        date_from: date | None = Query(None, alias="from",  # noqa: B008
                                       description="First day of the period; default 1 January of `to`'s year"),
        date_to: date | None = Query(None, alias="to", description="Last day; default today")  # noqa: B008
) -> HttpResponse:
    """对账单: balance brought forward, the invoices, payments and credit notes of the period with the
    running balance, the balance due, and the customer's confirmation block."""
    form = StatementPeriodForm({"from": date_from or "", "to": date_to or ""})
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise ValidationFailed(str(errors[0]), field=field)
    return pdf_response(statement_document(customer_id, reader=request.user,  # type: ignore[arg-type]
                                           date_from=form.cleaned_data["from"], date_to=form.cleaned_data["to"]))
