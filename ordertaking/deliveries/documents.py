"""The delivery voucher 交付凭证 as PDF (P2.5.b): the goods delivered (lines and quantities), the documents
handed over, and the signature block — the customer's drawn signature, name and time once signed online,
the paper voucher's signer once its scan is on file, or empty lines to sign by hand and the QR code of
the customer's own page to sign on their phone.

One voucher per shipment (`voucher_document`); the order's Documents card offers all of an order's
vouchers in one file (`order_vouchers_document`, one voucher after the other), registered with orders'
`order_document_add` in deliveries' ready()."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ordertaking.common import pdf
from ordertaking.orders.documents import OrderDocument, delivery_place, order_document_add
from ordertaking.orders.models import Order
from ordertaking.orders.selectors import order_contact
from ordertaking.portal.qr import portal_qr_drawing
from ordertaking.portal.selectors import active_link, link_token

from . import voucher_selectors as selectors
from .models import DeliveryVoucher


def customer_url(voucher: DeliveryVoucher) -> str:
    """Where the customer signs this voucher on their phone: its page under the order's active private
    link (portal's `active_link`), absolute; "" while the order has no usable link (then the printed
    voucher has no QR code: the rep issues the link on the order page first)."""
    link = active_link(voucher.order)
    if link is None:
        return ""
    return settings.ORDERTAKING_BASE_URL + reverse("deliveries_portal:voucher", args=[link_token(link), voucher.number])


def qr_flowable(url: str, size_mm: float = 30) -> Any:
    """The QR code of `url` (portal's drawing, ReportLab's own QR widget: no new dependency)."""
    return portal_qr_drawing(url, size=size_mm * pdf.MM)


def _signature_image(data: bytes, width_mm: float = 55) -> Any:
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    reader = ImageReader(BytesIO(data))
    w, h = reader.getSize()
    width = width_mm * pdf.MM
    height = min(width * h / w, 28 * pdf.MM)
    return Image(BytesIO(data), width=height * w / h, height=height)


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _signature_block(voucher: DeliveryVoucher, order: Order, visible: bool = True) -> list[Any]:
    """The signing as the reader may see it (P4.1.c): without the order's one rule, the signer's name masked
    and their drawn signature (the name in their hand) left out."""
    from reportlab.platypus import KeepTogether, Table, TableStyle

    heading = pdf.para(_("Received by the customer"), "heading")
    signer = selectors.signer_shown(voucher, visible)
    if voucher.state == DeliveryVoucher.State.SIGNED:
        facts = [
            (_("Signature"), _signature_image(bytes(voucher.signature or b"")) if visible else
             _("The drawn signature is shown to those who see the customer's contacts (P4.1.c).")),
            (_("Name of the signer"), signer["signer_name"]),
            (_("Signed at"), _when(voucher.signed_at)),
            (_("How"), _("Signed online through the customer's private link")),
            (_("SHA-256"), voucher.content_hash),
        ]
    elif voucher.state == DeliveryVoucher.State.SIGNED_ON_PAPER:
        facts = [
            (_("Name of the signer"), signer["signer_name"]),
            (_("Signed at"), _when(voucher.signed_at)),
            (_("How"), _("Signed on paper; the scan is kept with the order (recorded by %(who)s)")
             % {"who": voucher.recorded_by or ""}),
            (_("SHA-256"), voucher.content_hash),
        ]
    else:
        url = customer_url(voucher)
        blank = pdf.signature_blocks([
            (_("Customer (seal)"), [order.customer.name, _("Signature of the recipient:"), _("Name in print:"),
                                    _("Date and time:")]),
            (_("Seller"), [pdf.company().name, _("Delivered by:"), _("Date:")]),
        ])
        if not url:
            return [heading, blank]
        qr = Table([[qr_flowable(url), pdf.para(
            _("Or sign on your phone: scan this code to open your order's page and sign this voucher there. "
              "Address: %(url)s") % {"url": url}, "small")]],
            colWidths=[34 * pdf.MM, pdf.CONTENT_WIDTH - 34 * pdf.MM])
        qr.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        return [heading, blank, pdf.spacer(3), KeepTogether([qr])]
    rows = [(pdf.para(k, "small"), v if not isinstance(v, str) else pdf.para(v or "—", "cell")) for k, v in facts]
    t = Table(rows, colWidths=[0.2 * pdf.CONTENT_WIDTH, 0.8 * pdf.CONTENT_WIDTH])
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), pdf.FONT_NAME), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("BOX", (0, 0), (-1, -1), 0.4, pdf.RULE), ("LEFTPADDING", (0, 0), (-1, -1), 3)]))
    return [KeepTogether([heading, t])]


def voucher_story(voucher: DeliveryVoucher, reader: Any = None) -> list[Any]:
    """The body of one voucher, in the active language. The delivery street and contact as `reader` may see
    them (P4.1.c, the order's one rule), and so the signer and their signature; without a reader it is the
    customer's own copy (their private link), in full. The portal's documents list builds with an anonymous
    reader (orders/documents.py: contact details masked there); the signing still reads in full for it."""
    order = voucher.order
    shipment = voucher.shipment
    contact: dict[str, Any] = order_contact(order, reader) if reader is not None else {
        "contact_name": order.contact_name, "delivery_address": order.delivery_address, "visible": True}
    # The signing is the customer's own act: their link (no reader, or the anonymous reader of the portal's
    # documents list) gets it in full; staff as the order's one rule says (P4.1.c).
    signer_visible = bool(contact["visible"]) or not getattr(reader, "is_authenticated", False)
    facts = pdf.fields_table([
        (_("Order"), order.number),
        (_("Customer"), order.customer.name),
        (_("Shipment"), shipment.number),
        (_("Shipped on"), pdf.date_text(shipment.shipped_at)),
        (_("Delivery place"), delivery_place(order, contact["delivery_address"])),
        (_("Contact"), contact["contact_name"]),
        (_("Carrier"), str(shipment.carrier or _("Own fleet"))),
        (_("Waybill number"), shipment.waybill_number),
        (_("Sales rep"), str(order.sales_rep)),
        (_("State"), str(voucher.get_state_display())),
    ])
    rows = [[str(ln.position), "\n".join(p for p in (ln.product_code, ln.name) if p), ln.specification,
             " ".join(p for p in (pdf.qty_text(ln.quantity), ln.unit) if p)] for ln in voucher.lines.all()]
    lines = pdf.table(["#", _("Product or service"), _("Specification"), _("Quantity delivered")], rows,
                      [0.06, 0.46, 0.3, 0.18], right=(0, 3))
    handed = set(voucher.documents)
    docs = pdf.table([_("Accompanying document"), _("Provided")],
                     [[str(label), _("Yes") if value in handed else _("No")]
                      for value, label in DeliveryVoucher.Handed.choices], [0.7, 0.3])
    return [
        facts, pdf.spacer(2),
        pdf.para(_("1. Goods delivered"), "heading"), lines,
        pdf.para(_("2. Documents handed over with the goods"), "heading"), docs,
        pdf.spacer(2),
        pdf.para(_("By signing, the customer confirms receiving the goods and documents above. Acceptance by the "
                   "contract's criteria (quantity, specification, quality, performance) follows separately."),
                 "small"),
        *_signature_block(voucher, order, signer_visible),
    ]


def voucher_document(voucher: DeliveryVoucher, *, reader: Any = None) -> pdf.Document:
    """One voucher as a document: its number, the shipment's date (or the signing's)."""
    title = _("Delivery voucher")
    day = voucher.signed_at or voucher.shipment.shipped_at or voucher.created_at
    return pdf.Document(title=title, number=voucher.number, date=timezone.localtime(day).date(),
                        filename=f"{title}-{voucher.number}", ascii_filename=f"delivery-voucher-{voucher.number}",
                        story=voucher_story(voucher, reader), subject=voucher.order.customer.name)


def order_vouchers_document(order: Order, *, reader: Any = None) -> pdf.Document:
    """Every voucher of the order in one file, a page each (the order page's and the customer's link)."""
    from reportlab.platypus import PageBreak

    story: list[Any] = []
    vouchers = selectors.order_vouchers(order)
    for i, voucher in enumerate(vouchers):
        if i:
            story.append(PageBreak())
        if len(vouchers) > 1:
            story.append(pdf.para(f"{_('Delivery voucher')} {voucher.number}", "heading"))
        story += voucher_story(voucher, reader)
    title = _("Delivery voucher")
    return pdf.Document(title=title, number=order.number, date=timezone.localdate(), filename=f"{title}-{order.number}",
                        ascii_filename=f"delivery-vouchers-{order.number}", story=story,
                        subject=order.customer.name)


def vouchers_available(order: Order, user: Any) -> bool:
    """The order has a dispatched shipment (its voucher exists) and the reader sees the order."""
    return DeliveryVoucher.objects.filter(order=order).exists()


def register() -> None:
    order_document_add(OrderDocument(
        key="delivery_voucher", label=gettext_lazy("Download delivery voucher PDF"),
        url=lambda order: reverse("deliveries:order_vouchers_pdf", args=[order.number]),
        available=vouchers_available, customer=True, build=order_vouchers_document))
