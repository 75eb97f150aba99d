"""Finance pages (P3.6): the risk dashboard, receivables aging (+ Excel), invoices, statements,
invoicing an order, recording payments and credit notes."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from ordertaking.accounts.http import AuthedRequest
from ordertaking.audit.selectors import timeline
from ordertaking.common.errors import DomainError, InvalidTransition, NotFound
from ordertaking.common.pages import domain_errors, forbidden, list_page, put_error
from ordertaking.common.pdf import pdf_response
from ordertaking.common.xlsx import xlsx_bytes
from ordertaking.confidentiality.models import Field as Confidential
from ordertaking.confidentiality.rules import mask
from ordertaking.confidentiality.selectors import lens_for
from ordertaking.confidentiality.services import reveals_record
from ordertaking.credit.selectors import customer_for, order_for_finance, position
from ordertaking.credit.services import credit_alerts_mark_read
from ordertaking.customers.rules import special_invoice_gaps
from ordertaking.customers.selectors import invoicing_details, special_invoice_facts

from . import selectors, services
from .documents import statement_document
from .forms import (
    AgingForm,
    CreditNoteForm,
    FapiaoForm,
    FapiaoReverseForm,
    InvoiceFilterForm,
    PaymentForm,
    StatementPeriodForm,
)
from .models import FapiaoStatus, Invoice, InvoiceLine
from .states import FAPIAO


def aging_labels() -> dict[str, str]:
    return {"title": _("Receivables aging"), "name": _("Name"), "current": _("Current"), "d1_30": _("1–30 days"),
            "d31_60": _("31–60 days"), "d61_90": _("61–90 days"), "d90_plus": _("Over 90 days"), "total": _("Total")}


@login_required
@domain_errors
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """P3.6 财务风险预警: overdue totals, customers near their limit, holds waiting, dunning due."""
    user: Any = request.user
    data = selectors.dashboard(user, today=timezone.localdate())
    return render(request, "finance/dashboard.html", {**data, "labels": aging_labels(),
                                                      "can_manage": user.has_perm("accounts.finance_manage")})


def _aging_params(request: HttpRequest) -> tuple[AgingForm, str, Any]:
    form = AgingForm(request.GET or None)
    by, as_of = "customer", timezone.localdate()
    if form.is_valid():
        by = form.cleaned_data["by"] or "customer"
        as_of = form.cleaned_data["as_of"] or as_of
    return form, by, as_of


@login_required
@domain_errors
@require_GET
def aging(request: AuthedRequest) -> HttpResponse:
    form, by, as_of = _aging_params(request)
    data = selectors.aging(request.user, as_of=as_of, by=by)
    return render(request, "finance/aging.html", {**data, "form": form, "labels": aging_labels(),
                                                  "query": request.GET.urlencode()})


@login_required
@domain_errors
@require_GET
def aging_xlsx(request: AuthedRequest) -> HttpResponse:
    _form, by, as_of = _aging_params(request)
    data = selectors.aging(request.user, as_of=as_of, by=by)
    response = HttpResponse(selectors.aging_workbook(data, aging_labels()),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="aging-{by}-{as_of.isoformat()}.xlsx"'
    return response


SORTS = {"number": "number", "customer": "customer__name", "issue_date": "issue_date", "due_date": "due_date",
         "amount": "amount"}


@login_required
@domain_errors
@require_GET
def invoices(request: HttpRequest) -> HttpResponse:
    form, qs, sort = _invoice_list(request)
    return render(request, "finance/invoices.html", {
        **list_page(request, qs, page_size=50).context(), "form": form, "sort": sort,
        "today": timezone.localdate(), "totals": qs.aggregate(a=Sum("amount"), s=Sum("settled_amount"))})


@login_required
@domain_errors
@require_GET
def invoice_export(request: HttpRequest) -> HttpResponse:
    """The invoice list with the user's filters as an .xlsx (P3.6, P4.1.c): the buyer's taxpayer number in
    full only under a duty (finance) or a grant, each customer carried in full written to the reveal log."""
    _form, qs, _sort = _invoice_list(request)
    lens = lens_for(request)
    carried: list[tuple[Any, str]] = []
    rows = []
    for inv in qs.select_related("customer", "order")[:10000]:
        code = inv.customer.credit_code or ""
        if code and lens.basis(inv.customer, Confidential.CREDIT_CODE) is not None:
            carried.append((inv.customer, Confidential.CREDIT_CODE))
        elif code:
            code = str(mask(Confidential.CREDIT_CODE, code))
        rows.append([inv.number, inv.order.number, inv.customer.name, code, inv.issue_date.isoformat(),
                     inv.due_date.isoformat(), float(inv.net_amount), float(inv.tax_amount), float(inv.amount),
                     float(inv.settled_amount), str(inv.get_state_display()), str(inv.get_fapiao_status_display()),
                     inv.fapiao_number])
    content = xlsx_bytes(sheet=_("Invoices"), headers=[
        _("Invoice number"), _("Order number"), _("Customer"), _("Taxpayer number"), _("Issue date"),
        _("Due date"), _("Amount without tax"), pgettext("VAT amount", "Tax"), _("Total incl. VAT"),
        _("Settled"), _("State"), _("Fapiao status"), _("Fapiao number")], rows=rows)
    reveals_record(actor=request.user, lens=lens, entries=carried, channel="export", what=_("Invoices export"))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="invoices.xlsx"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _invoice_list(request: HttpRequest) -> tuple[Any, Any, str]:
    user: Any = request.user
    form = InvoiceFilterForm(request.GET or None)
    qs = selectors.invoices_for(user)
    if form.is_valid():
        if form.cleaned_data["state"]:
            qs = qs.filter(state=form.cleaned_data["state"])
        q = form.cleaned_data["q"].strip()
        if q:
            qs = qs.filter(Q(number__icontains=q) | Q(customer__name__icontains=q) | Q(order__number__icontains=q))
        if form.cleaned_data["overdue"]:
            qs = qs.filter(state=Invoice.State.OPEN, due_date__lt=timezone.localdate())
    sort = request.GET.get("sort", "-issue_date")
    key = sort.lstrip("-")
    if key in SORTS:
        qs = qs.order_by(("-" if sort.startswith("-") else "") + SORTS[key], "-id")
    return form, qs, sort


@login_required
@domain_errors
@require_GET
def to_invoice(request: HttpRequest) -> HttpResponse:
    """The queue of approved orders not yet (fully) invoiced, oldest approval first (P3.6)."""
    user: Any = request.user
    qs = selectors.orders_awaiting_invoice(user)
    page = list_page(request, qs, page_size=50).page
    return render(request, "finance/to_invoice.html", {
        "page": page, "can_manage": user.has_perm("accounts.finance_manage"),
        "totals": {"count": page.paginator.count, "uninvoiced": sum((o.uninvoiced for o in qs), Decimal("0.00"))}})


def _statement_page(request: HttpRequest, pk: int, period_form: StatementPeriodForm | None = None,
                    status: int = 200) -> HttpResponse:
    user: Any = request.user
    data = selectors.statement(user, pk)
    to_invoice = selectors.orders_to_invoice(data["customer"])
    today = timezone.localdate()
    form = period_form or StatementPeriodForm(initial={"from": today.replace(month=1, day=1), "to": today})
    return render(request, "finance/statement.html", {**data, "position": position(data["customer"]),
                                                      "to_invoice": to_invoice, "period_form": form,
                                                      "can_manage": user.has_perm("accounts.finance_manage")},
                  status=status)


@login_required
@domain_errors
@require_GET
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    return _statement_page(request, pk)


@login_required
@domain_errors
@require_GET
def statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The statement 对账单 over ?from=&to= as a PDF download in the reader's language; a bad period
    shows the statement page again with the error beside the field (422)."""
    form = StatementPeriodForm(request.GET)
    if not form.is_valid():
        return _statement_page(request, pk, form, status=422)
    return pdf_response(statement_document(pk, reader=request.user,  # type: ignore[arg-type]
                                           date_from=form.cleaned_data["from"], date_to=form.cleaned_data["to"]))


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def invoice_new(request: HttpRequest, number: str) -> HttpResponse:
    """Invoice an approved order: each line's quantity to invoice, prefilled with what remains."""
    user: Any = request.user
    order = order_for_finance(user, number)
    lines = list(order.lines.all())
    done = dict(InvoiceLine.objects.filter(order_line__order=order).values("order_line")
                .annotate(q=Sum("quantity")).values_list("order_line", "q"))
    rows: list[dict[str, Any]] = [{"line": ln, "invoiced": done.get(ln.pk) or Decimal(0),
             "remaining": (ln.quantity or Decimal(0)) - (done.get(ln.pk) or Decimal(0)),
             "value": request.POST.get(f"qty_{ln.pk}", ""), "error": ""} for ln in lines]
    error = ""
    if request.method == "POST":
        wanted = []
        for i, r in enumerate(rows):
            raw = r["value"].strip()
            if not raw or raw == "0":
                continue
            try:
                wanted.append({"order_line": r["line"].pk, "quantity": Decimal(raw), "_row": i})
            except InvalidOperation:
                r["error"] = _("Enter a quantity.")
        if not any(r["error"] for r in rows):
            try:
                inv = services.invoice_issue(order=order, actor=user, lines=[
                    {"order_line": w["order_line"], "quantity": w["quantity"]} for w in wanted])
            except DomainError as e:
                field = e.field or ""
                if field.startswith("lines.") and field.split(".")[1].isdigit():
                    rows[wanted[int(field.split(".")[1])]["_row"]]["error"] = str(e.message)
                else:
                    error = str(e.message)
            else:
                messages.success(request, _("Invoice %(n)s issued, due %(d)s.")
                                 % {"n": inv.number, "d": inv.due_date.isoformat()})
                return redirect("finance:statement", pk=order.customer_id)
    else:
        for r in rows:
            r["value"] = str(r["remaining"].normalize()) if r["remaining"] > 0 else ""
    status = 422 if request.method == "POST" else 200
    return render(request, "finance/invoice_form.html", {"order": order, "rows": rows, "error": error,
                                                         "existing": order.invoices.all()}, status=status)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def payment_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A payment, allocated to one or several of the customer's open invoices."""
    user: Any = request.user
    cust = customer_for(user, pk)
    open_invoices = list(Invoice.objects.filter(customer=cust, state=Invoice.State.OPEN).select_related("order")
                         .order_by("due_date"))
    form = PaymentForm(request.POST or None, initial={"received_on": timezone.localdate(), "currency": "CNY"})
    rows: list[dict[str, Any]] = [{"invoice": inv, "value": request.POST.get(f"alloc_{inv.pk}", ""), "error": ""}
                                  for inv in open_invoices]
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        allocations, index = [], []
        for i, r in enumerate(rows):
            if r["value"].strip():
                allocations.append({"invoice": r["invoice"].pk, "amount": r["value"].strip()})
                index.append(i)
        try:
            services.payment_record(customer=cust, actor=user, allocations=allocations, **form.cleaned_data)
        except DomainError as e:
            status = e.status
            field = e.field or ""
            if field.startswith("allocations.") and field.split(".")[1].isdigit():
                rows[index[int(field.split(".")[1])]]["error"] = str(e.message)
            else:
                put_error(form, e)
        else:
            messages.success(request, _("Payment recorded."))
            return redirect("finance:statement", pk=cust.pk)
    return render(request, "finance/payment_form.html", {"customer": cust, "form": form, "rows": rows},
                  status=status)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def credit_note_new(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    cust = customer_for(user, pk)
    form = CreditNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["order_number"].strip()
        try:
            order = order_for_finance(user, number) if number else None
            services.credit_note_issue(customer=cust, actor=user, amount=form.cleaned_data["amount"],
                                       reason=form.cleaned_data["reason"], order=order)
        except NotFound:
            form.add_error("order_number", _("No order with this number."))
        except DomainError as e:
            put_error(form, e)
        else:
            messages.success(request, _("Credit note issued."))
            return redirect("finance:statement", pk=cust.pk)
    return render(request, "finance/credit_note_form.html", {"customer": cust, "form": form},
                  status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def dunning(request: HttpRequest) -> HttpResponse:
    """P5.1.c: my dunning tasks and credit alerts (finance and the sales rep); finance sees all open tasks.
    POST marks a task done (the assignee or finance) or the alerts read."""
    from ordertaking.credit.models import CreditAlert

    from .models import DunningTask

    user: Any = request.user
    if request.method == "POST":
        if "alerts_read" in request.POST:
            credit_alerts_mark_read(actor=user)
            return redirect("finance:dunning")
        task = DunningTask.objects.filter(pk=request.POST.get("task") or 0).first()
        if task is None or (task.assignee_id != user.pk and not user.has_perm("accounts.finance_view")):
            raise Http404("not found")
        try:
            services.dunning_task_done(task=task, actor=user, note=request.POST.get("note", "")[:1000])
        except DomainError as e:
            messages.error(request, str(e.message))
        else:
            messages.success(request, _("Dunning task done."))
        return redirect("finance:dunning")
    tasks = DunningTask.objects.filter(state=DunningTask.State.OPEN).select_related(
        "customer", "invoice", "invoice__order", "assignee").order_by("due_date", "id")
    if not user.has_perm("accounts.finance_view"):
        tasks = tasks.filter(assignee=user)
    alerts = CreditAlert.objects.filter(recipient=user).select_related("customer").order_by("-created_at")[:50]
    return render(request, "finance/dunning.html", {"tasks": tasks[:200], "alerts": alerts,
                                                    "today": timezone.localdate()})


def _invoice_page(request: HttpRequest, inv: Invoice, *, fapiao_form: FapiaoForm | None = None,
                  reverse_form: FapiaoReverseForm | None = None, status: int = 200) -> HttpResponse:
    user: Any = request.user
    lines = selectors.invoice_lines(inv)
    can_manage = user.has_perm("accounts.finance_manage")
    details = invoicing_details(inv.customer, user=user)
    if fapiao_form is None:
        fapiao_form = FapiaoForm(initial={"fapiao_type": inv.customer.invoice_type,
                                          "fapiao_date": timezone.localdate()})
    return render(request, "finance/invoice_detail.html", {
        "invoice": inv, "lines": lines, "details": details,
        "special_gaps": special_invoice_gaps(special_invoice_facts(inv.customer)),
        "can_record": can_manage and FAPIAO.can(inv.fapiao_status, "issue"),
        "can_reverse": can_manage and FAPIAO.can(inv.fapiao_status, "reverse"),
        "fapiao_form": fapiao_form, "reverse_form": reverse_form or FapiaoReverseForm(),
        "events": timeline(inv), "issued": inv.fapiao_status == FapiaoStatus.ISSUED,
    }, status=status)


@login_required
@domain_errors
@require_GET
def invoice_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One invoice (P3.6): its lines with rate, amount without tax, tax and total; the customer's
    invoicing details; the fapiao recorded against it, and finance's forms to record or reverse one."""
    return _invoice_page(request, selectors.invoice_by_number(request.user, number))  # type: ignore[arg-type]


def _invoice_url(request: HttpRequest, number: str) -> str:
    return reverse("finance:invoice_detail", args=[number])


@login_required
@domain_errors(back=_invoice_url)
@require_http_methods(["POST"])
def fapiao_record(request: HttpRequest, number: str) -> HttpResponse:
    user: Any = request.user
    inv = selectors.invoice_by_number(user, number)
    if not user.has_perm("accounts.finance_manage"):
        return forbidden(request, _("Only finance may do this (P3.6)."))
    form = FapiaoForm(request.POST)
    if form.is_valid():
        try:
            services.fapiao_record(invoice=inv, actor=user, number=form.cleaned_data["number"],
                                   fapiao_type=form.cleaned_data["fapiao_type"],
                                   fapiao_date=form.cleaned_data["fapiao_date"])
        except InvalidTransition:
            raise  # the fapiao moved meanwhile: back to the page with the message (domain_errors)
        except DomainError as e:
            put_error(form, e)
        else:
            messages.success(request, _("Fapiao %(n)s recorded.") % {"n": form.cleaned_data["number"]})
            return redirect("finance:invoice_detail", number=inv.number)
    return _invoice_page(request, inv, fapiao_form=form, status=422)


@login_required
@domain_errors(back=_invoice_url)
@require_http_methods(["POST"])
def fapiao_reverse(request: HttpRequest, number: str) -> HttpResponse:
    user: Any = request.user
    inv = selectors.invoice_by_number(user, number)
    if not user.has_perm("accounts.finance_manage"):
        return forbidden(request, _("Only finance may do this (P3.6)."))
    form = FapiaoReverseForm(request.POST)
    if form.is_valid():
        try:
            services.fapiao_reverse(invoice=inv, actor=user, reason=form.cleaned_data["reason"])
        except InvalidTransition:
            raise
        except DomainError as e:
            put_error(form, e)
        else:
            messages.success(request, _("Fapiao %(n)s reversed with a red-letter fapiao.") % {"n": inv.fapiao_number})
            return redirect("finance:invoice_detail", number=inv.number)
    return _invoice_page(request, inv, reverse_form=form, status=422)
