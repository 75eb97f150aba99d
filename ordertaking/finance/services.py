"""Writes for receivables (P3.6): invoices, payments, credit notes, dunning. Each keeps the
customer's maintained credit exposure (credit.CustomerCredit) true in the same transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ordertaking.accounts.models import User
from ordertaking.audit.labels import field_label
from ordertaking.audit.services import event_record
from ordertaking.common.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.common.money import line_amount, money_sum, vat_split, vat_totals
from ordertaking.common.numbering import next_in_series
from ordertaking.credit.models import CustomerCredit
from ordertaking.credit.selectors import NOT_APPROVED_STATES
from ordertaking.credit.services import credit_row_locked, exposure_move, money_in
from ordertaking.customers.models import Customer, InvoiceType
from ordertaking.customers.rules import special_invoice_gaps
from ordertaking.customers.selectors import special_invoice_facts
from ordertaking.orders.models import Order, OrderLine

from . import rules
from .models import (
    CURRENCIES,
    CreditNote,
    CreditNoteApplication,
    DunningTask,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
)
from .selectors import exposure_recompute
from .states import DUNNING_TASK, FAPIAO

ZERO = Decimal("0.00")


# --- hooks for the apps above: deliveries closes an accepted order once its invoices are paid (P3.6) ---------

InvoicePaidHandler = Callable[[Order, Any], None]
_invoice_paid_handlers: list[InvoicePaidHandler] = []


def invoice_paid_handler_add(handler: InvoicePaidHandler) -> None:
    """`handler(order, actor)` runs inside the transaction that settled an invoice of `order` in full (a
    payment or a credit note applied), after the invoice rows are saved. Lock order: the invoices first,
    then the handler's order row."""
    if handler not in _invoice_paid_handlers:
        _invoice_paid_handlers.append(handler)


def _invoices_paid(invoices: list[Invoice], actor: Any) -> None:
    seen: set[int] = set()
    for inv in invoices:
        if inv.state == Invoice.State.PAID and inv.order_id not in seen:
            seen.add(inv.order_id)
            for handler in _invoice_paid_handlers:
                handler(inv.order, actor)


def _require_manage(actor: User) -> None:
    if not actor.has_perm("accounts.finance_manage"):
        raise PermissionDenied(_("Only finance may do this (P3.6)."))


def _check_currency(currency: str) -> None:
    if currency not in CURRENCIES:
        raise ValidationFailed(_("Unknown currency %(c)s: the company invoices and collects in CNY only.")
                               % {"c": currency}, field="currency", code="unknown_currency")


def invoice_issue(*, order: Order, actor: User, lines: list[dict[str, Any]] | None = None,
                  issue_date: date | None = None, currency: str = "CNY") -> Invoice:
    """Invoice an approved order, whole (lines=None: everything not yet invoiced) or partly
    ([{"order_line": OrderLine|id, "quantity": Decimal}]); due date from the payment term."""
    _require_manage(actor)
    _check_currency(currency)
    day = issue_date or timezone.localdate()
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).select_related("payment_method").get(pk=order.pk)
        if order.state in NOT_APPROVED_STATES:
            raise InvalidTransition(_("Only an approved order can be invoiced."), field="state")
        order_lines = {ln.pk: ln for ln in OrderLine.objects.filter(order=order)}
        done = dict(InvoiceLine.objects.filter(order_line__order=order).values("order_line")
                    .annotate(q=Sum("quantity")).values_list("order_line", "q"))
        wanted: list[tuple[OrderLine, Decimal]] = []
        if lines is None:
            for ln in order_lines.values():
                remaining = (ln.quantity or ZERO) - (done.get(ln.pk) or ZERO)
                if remaining > 0:
                    wanted.append((ln, remaining))
        else:
            for i, spec in enumerate(lines):
                ref = spec.get("order_line")
                ln_id = str(getattr(ref, "pk", ref))
                found = order_lines.get(int(ln_id)) if ln_id.isdigit() else None
                if found is None:
                    raise ValidationFailed(_("That line is not on this order."), field=f"lines.{i}.order_line")
                ln = found
                try:
                    q = Decimal(str(spec.get("quantity")))
                except (InvalidOperation, ValueError):
                    raise ValidationFailed(_("Enter a quantity."), field=f"lines.{i}.quantity") from None
                if not q.is_finite() or q <= 0:
                    raise ValidationFailed(_("The quantity must be greater than zero."),
                                           field=f"lines.{i}.quantity", code="invalid_quantity")
                remaining = (ln.quantity or ZERO) - (done.get(ln.pk) or ZERO)
                if q > remaining:
                    raise ValidationFailed(_("Only %(n)s of line %(line)s remain to invoice.")
                                           % {"n": remaining.normalize(), "line": ln.position},
                                           field=f"lines.{i}.quantity", code="over_invoiced")
                done[ln.pk] = (done.get(ln.pk) or ZERO) + q
                wanted.append((ln, q))
        if not wanted:
            raise ValidationFailed(_("Nothing is left to invoice on this order."), field="lines",
                                   code="nothing_to_invoice")
        # The same rule as the order line (common.money): an invoice line never differs from it by a fen.
        amounts = [(ln, q, line_amount(q, ln.unit_price or ZERO)) for ln, q in wanted]
        total = money_sum(a for _ln, _q, a in amounts)
        if total <= 0:
            raise ValidationFailed(_("The invoice amount must be greater than zero."), field="lines")
        # VAT by the one rule, per invoiced line at the order line's rate; the invoice's figures are the
        # sums of its lines' (docs/conventions.md "VAT"), so net + tax is the amount to the fen.
        splits = [vat_split(a, ln.tax_rate) for ln, _q, a in amounts]
        net, tax, _total = vat_totals(splits)
        n = next_in_series(f"INV-{order.number}")
        term = order.payment_method.term_days if order.payment_method else 0
        inv = Invoice.objects.create(number=f"INV-{order.number}-{n:02d}", customer_id=order.customer_id,
                                     order=order, issue_date=day, due_date=rules.due_date_for(day, term),
                                     currency=currency, amount=total, net_amount=net, tax_amount=tax,
                                     issued_by=actor)
        InvoiceLine.objects.bulk_create([InvoiceLine(invoice=inv, order_line=ln, quantity=q,
                                                     unit_price=ln.unit_price or ZERO, amount=a,
                                                     tax_rate=ln.tax_rate, net_amount=ln_net, tax_amount=ln_tax)
                                         for (ln, q, a), (ln_net, ln_tax) in zip(amounts, splits, strict=True)])
        exposure_move(customer_id=order.customer_id, approved_delta=-total, invoiced_delta=total)
        figures = {"invoice": inv.number, "amount": str(total), "net_amount": str(net), "tax_amount": str(tax),
                   "due_date": inv.due_date.isoformat()}
        event_record(actor=actor, action="invoice.issued", subject=order, clause="P3.6", after=figures)
    return inv


# --- the fapiao (发票) against each invoice (P3.6) --------------------------------------------------------

def fapiao_record(*, invoice: Invoice, actor: User, number: str, fapiao_type: str,
                  fapiao_date: date | None = None) -> Invoice:
    """Finance records the fapiao it issued for `invoice` in the tax-control system: its type, number
    and date; the fapiao is then issued (已开具). A special VAT invoice (专用发票) needs the customer's
    complete invoicing details (customers.rules.special_invoice_gaps, P3.6). A number is unique
    within its type. After a red-letter reversal the invoice may get a new fapiao."""
    _require_manage(actor)
    number = rules.normalize_fapiao_number(number)
    if not rules.fapiao_number_valid(number):
        raise ValidationFailed(_("Enter the fapiao number: 8 digits, or 20 for a fully digital fapiao."),
                               code="invalid_fapiao_number", field="number")
    if fapiao_type not in InvoiceType.values:
        raise ValidationFailed(_("Choose the general or the special VAT invoice."), code="invalid_choice",
                               field="fapiao_type")
    day = fapiao_date or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationFailed(_("A fapiao cannot be dated in the future."), field="fapiao_date")
    with transaction.atomic():
        inv = Invoice.objects.select_for_update(of=("self",)).select_related("customer").get(pk=invoice.pk)
        before = {"fapiao_status": inv.fapiao_status, "fapiao_number": inv.fapiao_number or None}
        target = FAPIAO.check(inv.fapiao_status, "issue")
        if day < inv.issue_date:
            raise ValidationFailed(_("The fapiao cannot be dated before the invoice (%(d)s).")
                                   % {"d": inv.issue_date.isoformat()}, field="fapiao_date")
        if fapiao_type == InvoiceType.SPECIAL:
            gaps = special_invoice_gaps(special_invoice_facts(inv.customer))
            if gaps:
                raise ValidationFailed(
                    _("A special VAT invoice needs the customer's complete invoicing details (P3.6); "
                      "missing or invalid: %(fields)s.") % {"fields": _field_names(gaps)},
                    code="special_invoice_incomplete", field="fapiao_type", details={"missing": gaps})
        taken = Invoice.objects.filter(fapiao_type=fapiao_type, fapiao_number=number).exclude(pk=inv.pk).first()
        if taken is not None:
            raise Conflict(_("Fapiao number %(n)s is already recorded on invoice %(inv)s.")
                           % {"n": number, "inv": taken.number}, code="fapiao_number_taken", field="number")
        inv.fapiao_status, inv.fapiao_type, inv.fapiao_number, inv.fapiao_date = target, fapiao_type, number, day
        inv.save(update_fields=["fapiao_status", "fapiao_type", "fapiao_number", "fapiao_date"])
        event_record(actor=actor, action="invoice.fapiao_issued", subject=inv, clause=FAPIAO.clause("issue"),
                     before={k: v for k, v in before.items() if v},
                     after={"fapiao_status": target, "fapiao_type": fapiao_type, "fapiao_number": number,
                            "fapiao_date": day.isoformat(), "invoice": inv.number})
    return inv


def fapiao_reverse(*, invoice: Invoice, actor: User, reason: str) -> Invoice:
    """A red-letter fapiao (红字发票) cancels the issued one (已红冲): a wrong buyer, amount or type, or
    goods returned. The reason is mandatory and kept; the number stays on the record and the trail."""
    _require_manage(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for the red-letter reversal."), field="reason", code="required")
    if len(reason) > 2000:
        raise ValidationFailed(_("At most %(n)s characters.") % {"n": 2000}, field="reason")
    with transaction.atomic():
        inv = Invoice.objects.select_for_update().get(pk=invoice.pk)
        before = inv.fapiao_status
        inv.fapiao_status = FAPIAO.check(inv.fapiao_status, "reverse")
        inv.save(update_fields=["fapiao_status"])
        event_record(actor=actor, action="invoice.fapiao_reversed", subject=inv, clause=FAPIAO.clause("reverse"),
                     before={"fapiao_status": before},
                     after={"fapiao_status": inv.fapiao_status, "fapiao_number": inv.fapiao_number,
                            "invoice": inv.number}, message=reason)
    return inv


def _field_names(keys: list[str]) -> str:
    return pgettext("list separator", ", ").join(field_label(k) for k in keys)


def payment_record(*, customer: Customer, actor: User, amount: Any, received_on: date | None = None,
                   currency: str = "CNY", reference: str = "",
                   allocations: list[dict[str, Any]] | None = None) -> Payment:
    """P3.6 收款: a payment, partial or full, allocated to one or several of the customer's invoices.
    What is not allocated stays on the payment as unallocated."""
    _require_manage(actor)
    _check_currency(currency)
    value = money_in(amount, "amount", positive=True)
    day = received_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationFailed(_("A payment cannot be received in the future."), field="received_on")
    with transaction.atomic():
        parsed: list[tuple[Invoice, Decimal]] = []
        seen: set[int] = set()
        for i, spec in enumerate(allocations or []):
            ref = spec.get("invoice")
            inv_id = getattr(ref, "pk", ref)
            inv = Invoice.objects.select_for_update().filter(pk=inv_id).first() if inv_id else None
            if inv is None or inv.customer_id != customer.pk:
                raise ValidationFailed(_("That invoice is not one of this customer's."),
                                       field=f"allocations.{i}.invoice")
            if inv.pk in seen:
                raise ValidationFailed(_("An invoice appears twice."), field=f"allocations.{i}.invoice")
            seen.add(inv.pk)
            part = money_in(spec.get("amount"), f"allocations.{i}.amount", positive=True)
            if part > inv.open_amount:
                raise ValidationFailed(_("¥%(amount)s is more than the ¥%(open)s still open on %(inv)s.")
                                       % {"amount": f"{part:,.2f}", "open": f"{inv.open_amount:,.2f}",
                                          "inv": inv.number}, field=f"allocations.{i}.amount",
                                       code="payment_exceeds_invoice")
            parsed.append((inv, part))
        allocated = sum((p for _i, p in parsed), ZERO)
        if allocated > value:
            raise ValidationFailed(_("The allocations add up to more than the payment."), field="allocations",
                                   code="allocations_exceed_payment")
        payment = Payment.objects.create(customer=customer, received_on=day, currency=currency, amount=value,
                                         unallocated=value - allocated, reference=reference.strip(),
                                         recorded_by=actor)
        for inv, part in parsed:
            PaymentAllocation.objects.create(payment=payment, invoice=inv, amount=part)
            _settle(inv, part, day)
            event_record(actor=actor, action="payment.received", subject=inv.order, clause="P3.6",
                         after={"invoice": inv.number, "amount": str(part), "open": str(inv.open_amount),
                                "received_on": day.isoformat()})
        if allocated:
            exposure_move(customer_id=customer.pk, invoiced_delta=-allocated)
        event_record(actor=actor, action="payment.recorded", subject=customer, clause="P3.6",
                     after={"amount": str(value), "allocated": str(allocated), "reference": payment.reference,
                            "invoices": [inv.number for inv, _p in parsed]})
        _invoices_paid([inv for inv, _p in parsed], actor)
    return payment


def _settle(inv: Invoice, part: Decimal, day: date) -> None:
    inv.settled_amount += part
    if inv.settled_amount >= inv.amount:
        inv.state = Invoice.State.PAID
        inv.settled_on = day
    inv.save(update_fields=["settled_amount", "state", "settled_on"])


def credit_note_issue(*, customer: Customer, actor: User, amount: Any, reason: str, order: Order | None = None,
                      issue_date: date | None = None, compensation: bool = False) -> CreditNote:
    """A credit in the customer's favour, used later against invoices. Finance issues it; a compensation
    approved by leadership (P2.5.d) issues its own (`compensation=True`: the approver holds
    compensation_approve, and the four-eyes check was the compensation's)."""
    if compensation:
        if not actor.has_perm("accounts.compensation_approve"):
            raise PermissionDenied(_("Only leadership approves a compensation and its credit note (P2.5.d)."))
    else:
        _require_manage(actor)
    value = money_in(amount, "amount", positive=True)
    if not (reason or "").strip():
        raise ValidationFailed(_("Give the reason for the credit note."), field="reason")
    if order is not None and order.customer_id != customer.pk:
        raise ValidationFailed(_("That order belongs to another customer."), field="order")
    with transaction.atomic():
        # The customer's series counter, not a count of its notes: a count locks nothing, and two
        # concurrent notes took the same number (issue 8).
        n = next_in_series(f"CN-{customer.pk:05d}")
        note = CreditNote.objects.create(number=f"CN-{customer.pk:05d}-{n:03d}", customer=customer, order=order,
                                         issue_date=issue_date or timezone.localdate(), amount=value,
                                         reason=reason.strip(), issued_by=actor)
        event_record(actor=actor, action="credit_note.issued", subject=customer, clause="P3.6",
                     after={"credit_note": note.number, "amount": str(value)}, message=reason.strip())
    return note


def credit_note_apply(*, credit_note: CreditNote, invoice: Invoice, actor: User, amount: Any) -> CreditNoteApplication:
    _require_manage(actor)
    value = money_in(amount, "amount", positive=True)
    with transaction.atomic():
        note = CreditNote.objects.select_for_update().get(pk=credit_note.pk)
        inv = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if inv.customer_id != note.customer_id:
            raise ValidationFailed(_("The invoice belongs to another customer."), field="invoice")
        if value > note.remaining:
            raise ValidationFailed(_("Only ¥%(n)s remains on this credit note.") % {"n": f"{note.remaining:,.2f}"},
                                   field="amount", code="credit_note_exceeded")
        if value > inv.open_amount:
            raise ValidationFailed(_("¥%(amount)s is more than the ¥%(open)s still open on %(inv)s.")
                                   % {"amount": f"{value:,.2f}", "open": f"{inv.open_amount:,.2f}",
                                      "inv": inv.number}, field="amount", code="payment_exceeds_invoice")
        day = timezone.localdate()
        app = CreditNoteApplication.objects.create(credit_note=note, invoice=inv, amount=value, applied_on=day)
        note.used_amount += value
        note.save(update_fields=["used_amount"])
        _settle(inv, value, day)
        exposure_move(customer_id=inv.customer_id, invoiced_delta=-value)
        event_record(actor=actor, action="credit_note.applied", subject=inv.order, clause="P3.6",
                     after={"credit_note": note.number, "invoice": inv.number, "amount": str(value)})
        _invoices_paid([inv], actor)
    return app


def dunning_task_done(*, task: DunningTask, actor: User, note: str = "") -> DunningTask:
    with transaction.atomic():
        task = DunningTask.objects.select_for_update().get(pk=task.pk)
        if actor.pk != task.assignee_id and not actor.has_perm("accounts.finance_manage"):
            raise PermissionDenied(_("This dunning task is someone else's."))
        before = task.state
        task.state = DUNNING_TASK.check(task.state, "done")
        task.note = (task.note + "\n" + note).strip()
        task.save(update_fields=["state", "note"])
        event_record(actor=actor, action="dunning.done", subject=task.customer, clause=DUNNING_TASK.clause("done"),
                     before={"state": before}, after={"state": task.state,
                                                      "invoice": task.invoice.number if task.invoice else None},
                     message=note)
    return task


def exposure_reconcile(*, actor: User | None, fix: bool = False) -> list[dict[str, Any]]:
    """Recompute every customer's exposure from orders and invoices; report (and optionally fix)
    any difference from the maintained figures. Finance's: it reads the invoices (finance sits
    above credit, docs/conventions.md)."""
    differences = []
    for credit in CustomerCredit.objects.all().order_by("customer_id"):
        approved, invoiced = exposure_recompute(credit.customer_id)
        if approved != credit.approved_uninvoiced or invoiced != credit.invoiced_unpaid:
            differences.append({"customer": credit.customer_id, "maintained": [str(credit.approved_uninvoiced),
                                str(credit.invoiced_unpaid)], "recomputed": [str(approved), str(invoiced)]})
            if fix:
                with transaction.atomic():
                    row = credit_row_locked(credit.customer_id)
                    approved, invoiced = exposure_recompute(credit.customer_id)
                    row.approved_uninvoiced, row.invoiced_unpaid = approved, invoiced
                    row.save(update_fields=["approved_uninvoiced", "invoiced_unpaid", "updated_at"])
                    event_record(actor=actor, action="credit.exposure_reconciled", subject=row.customer,
                                 clause="P5.1", before={"exposure": differences[-1]["maintained"]},
                                 after={"exposure": differences[-1]["recomputed"]})
    return differences
