"""The customer statement 对账单 as a PDF (P3.6 按合同收款并记录; P5.1.c 货款催收): what was invoiced,
received and credited over a period, the balance brought forward and the balance due, and a block
for the customer to confirm it. Drawn on the shared page of `ordertaking.common.pdf`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ordertaking.accounts.models import User
from ordertaking.common import pdf
from ordertaking.confidentiality.models import Field
from ordertaking.confidentiality.selectors import Lens

from . import selectors


def kind_text(kind: str) -> str:
    return {"invoice": _("Invoice"), "payment": _("Payment"), "credit_note": _("Credit note")}.get(kind, "")


def period_text(date_from: date | None, date_to: date) -> str:
    if date_from is None:
        return _("up to %(end)s") % {"end": pdf.date_text(date_to)}
    return _("%(start)s to %(end)s") % {"start": pdf.date_text(date_from), "end": pdf.date_text(date_to)}


def statement_document(customer_id: int, *, reader: User, date_from: date | None, date_to: date) -> pdf.Document:
    """The statement of one customer over [date_from, date_to] (both included), for a reader who may
    see receivables (finance, leadership, auditors: `finance_view`; anyone else gets NotFound)."""
    data = selectors.statement(reader, customer_id, date_from=date_from, date_to=date_to)
    customer = data["customer"]
    company = pdf.company()
    address = customer.addresses.select_related("region").order_by("-is_default", "id").first()
    period = period_text(date_from, date_to)
    lens = Lens(reader)  # P4.1.c: the credit code and the street as the reader may see them
    street = lens.show(customer, Field.ADDRESS, address.detail) if address else ""
    facts = pdf.fields_table([
        (_("Customer"), customer.name), (_("Period"), period),
        (_("Credit code"), lens.show(customer, Field.CREDIT_CODE, customer.credit_code or "")),
        (_("Currency"), _("Renminbi (CNY)")),
        (_("Address"), f"{address.region}{address.city}{street}" if address else ""),
        (_("Sales rep"), str(customer.sales_rep or "")),
    ])
    totals = data["totals"]
    summary = pdf.table(
        [_("Balance brought forward"), _("Invoiced in the period"), _("Received in the period"),
         _("Credited in the period"), _("Balance due")],
        [[pdf.money_text(data["opening"]), pdf.money_text(totals["invoice"]), pdf.money_text(totals["payment"]),
          pdf.money_text(totals["credit_note"]), pdf.money_text(data["balance"])]],
        [0.2] * 5, right=(0, 1, 2, 3, 4))
    rows: list[list[Any]] = [[pdf.date_text(date_from) if date_from else "", _("Balance brought forward"),
                              "", "", "", "", pdf.money_text(data["opening"])]]
    for e in data["entries"]:
        document = "\n".join(p for p in (kind_text(e["kind"]), e["reference"]) if p)
        rows.append([pdf.date_text(e["date"]), document, e["order"].number if e["order"] else "",
                     pdf.date_text(e["due_date"]), pdf.money_text(e["debit"]) if e["debit"] else "",
                     pdf.money_text(e["credit"]) if e["credit"] else "", pdf.money_text(e["balance"])])
    footer = [["", _("Balance due"), "", "", pdf.money_text(totals["invoice"]),
               pdf.money_text(totals["payment"] + totals["credit_note"]), pdf.money_text(data["balance"])]]
    entries = pdf.table(
        [_("Date"), _("Document"), _("Order number"), _("Due"), _("Debit"), pgettext("statement column", "Credit"),
         _("Balance")],
        rows, [0.11, 0.205, 0.17, 0.11, 0.135, 0.135, 0.135], right=(4, 5, 6), nowrap=(0, 2, 3), footer=footer)
    story: list[Any] = [facts, pdf.spacer(2), pdf.para(_("Summary"), "heading"), summary,
                        pdf.para(_("Entries"), "heading"), entries]
    if not data["entries"]:
        story.append(pdf.para(_("No invoices, payments or credit notes in this period."), "small"))
    story += [pdf.spacer(3),
              pdf.para(_("Please check the entries above. If they do not agree with your records, tell our "
                         "finance department within 7 days of receiving this statement; without an answer "
                         "in that time the balance is taken as confirmed."), "body")]
    if company.bank and company.bank_account:
        story.append(pdf.para(_("Please pay to: %(name)s, %(bank)s, account %(account)s.")
                              % {"name": company.name, "bank": company.bank, "account": company.bank_account},
                              "body"))
    story.append(pdf.signature_blocks([
        (_("Confirmed by the customer (seal)"), [customer.name, _("Authorised signature:"), _("Date:")]),
        (_("Issued by (seal)"), [company.name, _("Finance department"), _("Date:")]),
    ]))
    title = _("Customer statement")
    today = timezone.localdate()
    return pdf.Document(title=title, number=period, number_label=_("Period"), date=today,
                        filename=f"{title}-{customer.name}-{pdf.date_text(date_to)}",
                        ascii_filename=f"statement-{pdf.date_text(date_to)}", story=story,
                        subject=customer.name)
