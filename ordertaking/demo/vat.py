"""The demo company's VAT (issue 11): the services' rates, the customers' invoicing details
开票信息 and the fapiao finance recorded against the invoices. Through the real services; idempotent.

- `load_rates` runs after the users and before any order, so the orders' lines copy these rates:
  installation is a construction service (9%), maintenance of installed equipment, training and the
  energy audit are modern services (6%); repair of a motor is a repair service on goods (13%, like
  the goods themselves).
- `load_fapiao` runs after the receivables: three customers' invoicing details (one complete and
  wanting a special VAT invoice, one wanting a general one, one incomplete), and the invoices'
  fapiao: a special one issued, a general one reversed and issued again, one not yet issued.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from ordertaking.catalog.models import Product
from ordertaking.catalog.services import product_update
from ordertaking.customers.services import customer_invoicing_update
from ordertaking.finance.models import Invoice
from ordertaking.finance.services import fapiao_record, fapiao_reverse

if TYPE_CHECKING:
    from .loader import DemoContext

SERVICE_RATES = {"SVC-INST": 9, "SVC-MAINT": 6, "SVC-REPAIR": 13, "SVC-TRAIN": 6, "SVC-ENERGY": 6}

INVOICING = {
    "qiantang": {"invoice_address": "浙江省杭州市钱塘区经济技术开发区18号大街6号",
                 "invoice_phone": "0571-86912345", "invoice_bank": "中国建设银行杭州钱塘支行",
                 "invoice_bank_account": "3305 0161 6200 0000 1234", "invoice_type": "special"},
    "wuhan_cable": {"invoice_address": "湖北省武汉市东西湖区走马岭工业园12号", "invoice_phone": "027-83456789",
                    "invoice_bank": "中国工商银行武汉东西湖支行", "invoice_bank_account": "3202 0074 0920 0123 456",
                    "invoice_type": "normal"},
    "ningbo_port": {"invoice_address": "浙江省宁波市北仑区港口路8号", "invoice_type": "special"},  # incomplete
}


def load_rates(ctx: DemoContext) -> None:
    admin = ctx.users["admin"]
    for code, rate in SERVICE_RATES.items():
        product = Product.objects.filter(code=code).first()
        if product is not None and product.tax_rate != rate:
            product = product_update(product=product, actor=admin, fields={"tax_rate": rate})
            ctx.count("VAT rates set")
        if product is not None and code in ctx.products:
            ctx.products[code] = product  # the orders are built from these: with today's rate


def load_fapiao(ctx: DemoContext) -> None:
    finance = ctx.users["finance1"]
    for key, details in INVOICING.items():
        customer = ctx.customers.get(key)
        if customer is not None and not customer.invoice_address:
            customer_invoicing_update(customer=customer, actor=finance, **details)
            ctx.count("invoicing details")
    if Invoice.objects.exclude(fapiao_status="not_issued").exists():
        return
    today = timezone.localdate()
    with transaction.atomic():
        by_customer = {inv.customer_id: inv for inv in Invoice.objects.order_by("issue_date", "id")}
        qiantang = ctx.customers.get("qiantang")
        inv = by_customer.get(qiantang.pk) if qiantang else None
        if inv is not None:  # complete details: the special VAT invoice the customer asked for
            fapiao_record(invoice=inv, actor=finance, number="04416127", fapiao_type="special", fapiao_date=today)
            ctx.count("fapiao")
        wuhan = ctx.customers.get("wuhan_cable")
        inv = by_customer.get(wuhan.pk) if wuhan else None
        if inv is not None:  # a general one issued with the wrong title, reversed, issued again
            day = max(inv.issue_date, today - timedelta(days=10))
            fapiao_record(invoice=inv, actor=finance, number="26422000000012345671", fapiao_type="normal",
                          fapiao_date=day)
            fapiao_reverse(invoice=inv, actor=finance,
                           reason="购买方名称开错（少“有限”二字），开具红字发票冲销后重开。")
            fapiao_record(invoice=inv, actor=finance, number="26422000000012345698", fapiao_type="normal",
                          fapiao_date=day)
            ctx.count("fapiao", 2)
        # 宁波北仑港口 wants a special VAT invoice but its details are incomplete: not issued yet.
