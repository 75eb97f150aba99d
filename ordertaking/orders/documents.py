"""Documents printed from an order (P2.2, P2.3, P2.5): the sales contract 销售合同 (order confirmation)
and the list of an order's documents shown on its page and in its API.

The list is a registry so that the chapters above orders add their documents without orders
importing them (docs/conventions.md, layers): the deliveries chapter hands down the delivery voucher
交付凭证, production the quality inspection report, each in its `AppConfig.ready`:

    order_document_add(OrderDocument(
        key="delivery_voucher", label=gettext_lazy(VOUCHER_LINK_TEXT),
        url=lambda order: reverse("deliveries:voucher_pdf", args=[order.number]),
        available=lambda order, user: order.state in (...)))   # only when its data exists

and serve the file with a builder of the same shape as `contract_document`:

    def voucher_document(order: Order, *, reader: User) -> pdf.Document

rendered by `ordertaking.common.pdf.pdf_response`. A document whose data does not exist yet is not
registered (or its `available` says no), so no page links to it.

A document the customer gets too (P2.5.b: the contract, the delivery voucher, the inspection report)
says `customer=True` and hands its builder in `build`: the customer's pages
(`/p/<token>/documents/<key>/`, portal) list it when `available(order, AnonymousUser())` says yes and
serve `build(order, reader=AnonymousUser())` — an anonymous reader, so contact details are masked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from ordertaking.catalog.models import PaymentMethod
from ordertaking.common import pdf
from ordertaking.confidentiality.models import Field
from ordertaking.confidentiality.selectors import Lens
from ordertaking.customers.selectors import invoicing_details

from .models import Order
from .selectors import order_contact, order_lines
from .states import OPEN_STATES, OrderState


@dataclass(frozen=True)
class OrderDocument:
    """A document printed from an order: its link on the order page and where the API serves it."""

    key: str
    label: Any  # lazy text: "Download sales contract PDF"
    url: Callable[[Order], str]
    available: Callable[[Order, Any], bool]  # (order, reader): the data exists and the reader may have it
    api_path: str = ""  # under /api/v1/orders/{number}/, e.g. "contract.pdf"
    customer: bool = False  # offered on the customer's pages too (portal), built by `build`
    build: Callable[..., pdf.Document] | None = None  # build(order, *, reader) -> pdf.Document


ORDER_DOCUMENTS: dict[str, OrderDocument] = {}


def order_document_add(document: OrderDocument) -> None:
    """Register a document of orders (once per key; a second registration replaces the first)."""
    ORDER_DOCUMENTS[document.key] = document


def order_documents(order: Order, user: Any) -> list[dict[str, str]]:
    """The documents the user may download for this order, for the page's Documents card."""
    return [{"key": d.key, "label": str(d.label), "url": d.url(order)}
            for d in ORDER_DOCUMENTS.values() if d.available(order, user)]


# --- the sales contract ----------------------------------------------------------------------------------

def payment_terms(method: PaymentMethod | None) -> str:
    """The payment method in words: its name and what it means (prepayment, on delivery, N days' credit)."""
    if method is None:
        return ""
    if method.kind == PaymentMethod.Kind.CREDIT and method.term_days:
        meaning = _("payment within %(days)s days of delivery") % {"days": method.term_days}
    elif method.kind == PaymentMethod.Kind.PREPAYMENT:
        meaning = _("payment in full before delivery")
    elif method.kind == PaymentMethod.Kind.CASH_ON_DELIVERY:
        meaning = _("payment in full on delivery")
    else:
        meaning = str(method.get_kind_display())
    return _("%(name)s (%(meaning)s)") % {"name": method.name, "meaning": meaning}


def delivery_place(order: Order, street: str | None = None) -> str:
    """Province, city and street; `street` the street as the reader may see it (P4.1.c)."""
    street = order.delivery_address if street is None else street
    return "".join(p for p in (str(order.delivery_region or ""), order.delivery_city, street) if p)


def _party(title: str, rows: list[tuple[str, str]]) -> Any:
    from reportlab.platypus import Table, TableStyle

    data = [[pdf.para(title, "heading"), ""]] + [[pdf.para(k, "small"), pdf.para(v or "—", "cell")] for k, v in rows]
    width = pdf.CONTENT_WIDTH / 2 - 4 * pdf.MM
    t = Table(data, colWidths=[0.3 * width, 0.7 * width])
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), pdf.FONT_NAME),
                           ("SPAN", (0, 0), (1, 0)), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("BOX", (0, 0), (-1, -1), 0.4, pdf.RULE), ("BACKGROUND", (0, 0), (-1, 0), pdf.SHADE),
                           ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    return t


def _watermark(order: Order) -> str:
    if order.state == OrderState.CANCELLED:
        return _("Cancelled")
    if order.state in OPEN_STATES:
        return _("Not approved: for checking only")
    return ""


def terms_clauses(order: Order, *, contact: str, street: str | None = None) -> list[str]:
    """The company's contract terms (the template named by ORDERTAKING_CONTRACT_TERMS_TEMPLATE), with
    the order's delivery and payment terms filled in; one clause per paragraph."""
    text = render_to_string(settings.ORDERTAKING_CONTRACT_TERMS_TEMPLATE, {
        "order": order, "company": pdf.company(),
        "delivery_date": pdf.date_text(order.delivery_date) or _("the date agreed by both parties"),
        "delivery_place": delivery_place(order, street) or _("the place agreed by both parties"),
        "contact": contact or _("the buyer's contact"),
        "payment": payment_terms(order.payment_method) or _("as agreed by both parties"),
    })
    return [" ".join(chunk.split()) for chunk in text.split("\n\n") if chunk.strip()]


def contract_document(order: Order, *, reader: Any) -> pdf.Document:
    """The sales contract 销售合同 (order confirmation) of an order, in the active language: both
    parties, the lines with quantity, unit price and amount, the total in figures (and in capital
    numerals in Chinese), the delivery and payment terms, the company's terms and both signature
    blocks. `reader` decides whether the buyer's phone is shown or masked (P4.1.c)."""
    customer = order.customer
    company = pdf.company()
    lens = Lens(reader)
    shown = order_contact(order, reader, lens)  # P4.1.c: as on the order page
    address = customer.addresses.select_related("region").order_by("-is_default", "id").first()
    contact = " ".join(p for p in (shown["contact_name"], shown["contact_phone"]) if p)
    invoicing = invoicing_details(customer, user=reader, lens=lens)  # 开票信息, masked as on the customer page
    street = lens.show(customer, Field.ADDRESS, address.detail) if address else ""
    buyer = _party(_("Buyer"), [
        (_("Company"), customer.name),
        (_("Credit code"), lens.show(customer, Field.CREDIT_CODE, customer.credit_code or "")),
        (_("Address"), f"{address.region}{address.city}{street}" if address else ""),
        (_("Contact"), contact),
        (_("Bank"), invoicing["invoice_bank"]),
        (_("Bank account"), invoicing["invoice_bank_account"]),
        (_("Buyer's reference"), order.customer_reference),
    ])
    seller = _party(_("Seller"), [
        (_("Company"), company.name),
        (_("Credit code"), company.credit_code),
        (_("Address"), company.address),
        (_("Telephone"), company.phone),
        (_("Bank"), company.bank),
        (_("Bank account"), company.bank_account),
        (_("Sales rep"), str(order.sales_rep)),
    ])
    from reportlab.platypus import Table, TableStyle

    parties = Table([[buyer, seller]], colWidths=[pdf.CONTENT_WIDTH / 2] * 2)
    parties.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), pdf.FONT_NAME),
                           ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                 ("RIGHTPADDING", (0, 0), (0, 0), 4 * pdf.MM)]))
    rows = []
    for ln in order_lines(order):
        product = "\n".join(p for p in (ln.product_code, ln.name, ln.description if ln.description != ln.name
                                                                    else "") if p)
        quantity = " ".join(p for p in (pdf.qty_text(ln.quantity), ln.unit) if p)
        rows.append([str(ln.position), product, ln.specification, quantity, pdf.money_text(ln.unit_price),
                     f"{ln.tax_rate}%", pdf.money_text(ln.net_amount), pdf.money_text(ln.tax_amount),
                     pdf.money_text(ln.amount)])
    footer = [["", _("Total"), "", "", "", "", pdf.money_text(order.net_total), pdf.money_text(order.tax_total),
               pdf.money_text(order.total_amount)]]
    total_words = pdf.rmb_upper(order.total_amount) if pdf.is_chinese() else ""
    if total_words:
        footer.append(["", _("Total in words"), total_words, "", "", "", "", "", ""])
    lines = pdf.table(
        ["#", _("Product or service"), _("Specification"), _("Quantity"), _("Unit price"), _("VAT rate"),
         _("Amount without tax"), pgettext("VAT amount", "Tax"), _("Total incl. VAT")],
        rows, [0.04, 0.2, 0.13, 0.075, 0.11, 0.055, 0.13, 0.12, 0.14], right=(0, 3, 4, 5, 6, 7, 8), footer=footer)
    from reportlab.platypus import TableStyle as TS

    spans = [("SPAN", (1, len(rows) + 1), (5, len(rows) + 1))]
    if total_words:
        spans.append(("SPAN", (2, len(rows) + 2), (8, len(rows) + 2)))
    lines.setStyle(TS(spans))
    approved = order.approved_at or timezone.now()
    clauses = terms_clauses(order, contact=contact, street=shown["delivery_address"])
    story: list[Any] = [
        pdf.para(_("The buyer and the seller agree on the sale of the products and services below "
                   "on the following terms."), "body"),
        pdf.spacer(3), parties, pdf.spacer(2),
        pdf.para(_("1. Products and services"), "heading"), lines,
        pdf.para(_("Amounts in renminbi. Unit prices include VAT; each line's tax is its amount × rate ÷ "
                   "(1 + rate), rounded to the fen, and the totals are the sums of the lines."), "small"),
        pdf.para(_("2. Delivery and payment"), "heading"),
        pdf.fields_table([(_("Delivery date"), pdf.date_text(order.delivery_date)),
                          (_("Delivery place"), delivery_place(order, shown["delivery_address"])),
                          (_("Contact"), contact),
                          (_("Payment terms"), payment_terms(order.payment_method)),
                          (_("Invoice type wanted"), invoicing["invoice_type_label"])]),
        pdf.para(_("3. Terms"), "heading"),
        *[pdf.para(f"{i}. {clause}", "clause") for i, clause in enumerate(clauses, 1)],
        pdf.signature_blocks([
            (_("Buyer (seal)"), [customer.name, _("Authorised signature:"), _("Date:")]),
            (_("Seller (seal)"), [company.name, _("Authorised signature:"), _("Date:")]),
        ]),
    ]
    title = _("Sales contract")
    return pdf.Document(title=title, number=order.number, date=timezone.localtime(approved).date(),
                        filename=f"{title}-{order.number}", ascii_filename=f"sales-contract-{order.number}",
                        story=story, watermark=_watermark(order), subject=customer.name)


def contract_available(order: Order, user: Any) -> bool:
    """Whoever sees the order may print its contract: its lines exist from the first save."""
    return True


order_document_add(OrderDocument(
    key="contract", label=gettext_lazy("Download sales contract PDF"),
    url=lambda order: reverse("orders:contract_pdf", args=[order.number]),
    available=contract_available, api_path="contract.pdf", customer=True, build=contract_document))
