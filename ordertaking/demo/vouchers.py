"""Demo delivery vouchers 交付凭证 (P2.5.b), through deliveries.services: every dispatched shipment has
its voucher (made by the dispatch itself). The Ningbo port order's first shipment, signed for on site by
徐建平, is signed on his phone through the order's link (a drawn signature, the time, his phone's
address and browser); its rep ticked the documents handed over. The delayed second shipment's and the
Wuhan cable order's vouchers wait for the customer, with the documents ticked. Idempotent."""

# ruff: noqa: E501

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING

from django.db import transaction

from ordertaking.deliveries.models import DeliveryVoucher
from ordertaking.deliveries.voucher_services import voucher_documents_set, voucher_sign

if TYPE_CHECKING:
    from .loader import DemoContext

PHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Mobile/15E148 MicroMessenger/8.0.50(0x18003237) NetType/4G Language/zh_CN")


def drawn_signature(seed: int = 3) -> bytes:
    """A hand-drawn looking signature as a phone's canvas exports it (transparent PNG, dark strokes)."""
    from PIL import Image, ImageDraw

    w, h = 640, 220
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    ink = (17, 24, 39, 255)
    for k, (x0, x1) in enumerate(((40, 230), (250, 420), (440, 600))):
        pts = []
        for i in range(60):
            t = i / 59
            x = x0 + (x1 - x0) * t
            y = h / 2 + 55 * math.sin(t * math.pi * (2 + k + seed % 2)) * (1 - 0.4 * t) + 12 * math.cos(t * 9 + k)
            pts.append((x, y))
        d.line(pts, fill=ink, width=5, joint="curve")
    d.line([(60, 175), (590, 160)], fill=ink, width=3)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def load(ctx: DemoContext) -> None:
    if DeliveryVoucher.objects.exclude(state=DeliveryVoucher.State.OPEN).exists():
        return
    with transaction.atomic():
        for voucher in DeliveryVoucher.objects.select_related("order", "order__sales_rep", "shipment").order_by("id"):
            order = voucher.order
            voucher_documents_set(voucher=voucher, actor=order.sales_rep,
                                  documents=["product_manual", "inspection_report"] if voucher.shipment.state != "delivered"
                                  else ["product_manual", "inspection_report", "service_record"])
            ctx.count("delivery vouchers")
            if voucher.shipment.state == "delivered":  # the carrier's proof of delivery: the customer signed for it
                voucher_sign(voucher=voucher, signer_name="徐建平", signature=drawn_signature(),
                             ip="117.136.12.48", user_agent=PHONE)
                ctx.count("delivery vouchers signed")
