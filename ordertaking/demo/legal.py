"""Demo legal compliance (P5.3), through legal.services: a software licence in the catalog marked as involving
intellectual property; the Pujiang order with it reviewed by the legal adviser (no objection, waiting for the
order center), the Gusu order with it and non-standard warranty terms waiting for the legal opinion; an
individual (consumer) customer in the archive; this quarter's compliance review in progress, three items
answered. Idempotent: the product by its code, the orders by their customer reference, the review by period.
"""

# Scenario text in Chinese: ruff counts each CJK character as two columns.
# ruff: noqa: E501

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from ordertaking.catalog.models import Category, Product
from ordertaking.catalog.services import product_create
from ordertaking.customers.models import Customer
from ordertaking.customers.services import customer_create
from ordertaking.legal.models import LegalReview
from ordertaking.legal.services import compliance_item_record, compliance_review_open, legal_opinion_record
from ordertaking.orders.models import ContractTerms, Order
from ordertaking.orders.services import order_create
from ordertaking.review.services import order_submit

if TYPE_CHECKING:
    from .loader import DemoContext

LICENCE = "SVC-SW-MON"
ITEMS = [  # position, result, evidence
    (1, "compliant", "抽查本季度20份销售合同，均使用2026版标准合同文本；两份非标准合同均有法律意见。"),
    (2, "compliant", "本季度非标准条款订单3笔，均在审核通过前出具法律意见，见各订单法律审查记录。"),
    (3, "issue", "个人客户订单的退货告知未写明七日无理由退货的例外情形。"),
]


def load(ctx: DemoContext) -> None:
    admin, rep, legal = ctx.users["admin"], ctx.users["sales1"], ctx.users["legal1"]
    licence = Product.objects.filter(code=LICENCE).first()
    if licence is None:
        licence = product_create(actor=admin, code=LICENCE, name="电机远程监控软件许可", specification="每台设备·年，含升级",
                                 unit="套", category=Category.objects.get(code="SVC"), kind=Product.Kind.SERVICE,
                                 list_price=Decimal("2400.00"), floor_price=Decimal("2000.00"), involves_ip=True)
        ctx.count("products")
    ctx.products[LICENCE] = licence
    cleared = _order(ctx, "pujiang", "PJ-IOT-2026-12", rep, terms="")
    if cleared is not None and LegalReview.objects.filter(order=cleared, state="pending").exists():
        legal_opinion_record(order=cleared, actor=legal, outcome="approved",
                             opinion="软件为我司自有著作权产品，许可范围与标准许可协议一致，无异议。")
    _order(ctx, "gusu", "GS-IOT-2026-07", rep, terms="质保期由12个月延长至36个月；软件许可可转让给客户的关联公司。")
    _consumer(ctx, rep)
    _compliance(ctx, legal)


def _order(ctx: DemoContext, key: str, reference: str, rep, *, terms: str) -> Order | None:  # type: ignore[no-untyped-def]
    customer = ctx.customers[key]
    existing = Order.objects.filter(customer=customer, customer_reference=reference).first()
    if existing is not None:
        return existing
    rep = customer.sales_rep or rep
    primary = customer.contacts.order_by("-is_primary", "id").first()
    address = customer.addresses.order_by("-is_default", "id").first()
    with transaction.atomic():
        order = order_create(
            actor=rep, customer=customer, sales_rep=rep, delivery_date=timezone.localdate() + timedelta(days=30),
            delivery_region=address.region if address else customer.region,
            delivery_city=address.city if address else customer.city,
            delivery_address=address.detail if address else "", payment_method=ctx.payments["PREPAY"],
            customer_reference=reference, contact_name=primary.name if primary else "",
            contact_phone=primary.phone if primary else "",
            contract_terms=ContractTerms.NON_STANDARD if terms else ContractTerms.STANDARD, contract_terms_text=terms,
            lines=[{"product": ctx.products["MOT-Y2-90L4"], "quantity": Decimal("4")},
                   {"product": ctx.products[LICENCE], "quantity": Decimal("4")}])
        order = order_submit(order=order, actor=rep)
    ctx.count("orders")
    return order


def _consumer(ctx: DemoContext, rep) -> None:  # type: ignore[no-untyped-def]
    if Customer.objects.filter(name="张秀英", kind=Customer.Kind.INDIVIDUAL).exists():
        return
    customer_create(actor=rep, name="张秀英", kind=Customer.Kind.INDIVIDUAL, region=ctx.regions["SH"], city="上海市",
                    status=Customer.Status.PROSPECT, sales_rep=rep, notes="个人买家：自家小型加工作坊用电机。",
                    contacts=[{"name": "张秀英", "phone": "13917654321", "is_primary": True}],
                    addresses=[{"region": ctx.regions["SH"], "city": "上海市", "detail": "闵行区七宝镇新镇路88弄5号",
                                "is_default": True}])
    ctx.count("customers")


def _compliance(ctx: DemoContext, legal) -> None:  # type: ignore[no-untyped-def]
    review, created = compliance_review_open(period_start=timezone.localdate(), actor=legal, assignee=legal)
    if not created:
        return
    items = {it.position: it for it in review.items.all()}
    for position, result, evidence in ITEMS:
        extra: dict[str, Any] = {}
        if result == "issue":
            extra = {"follow_up": "修订个人客户销售确认书的退货告知条款，并对销售人员培训。",
                     "follow_up_owner": ctx.users["center1"],
                     "follow_up_due": timezone.localdate() + timedelta(days=30)}
        compliance_item_record(item=items[position], actor=legal, result=result, evidence=evidence, **extra)
    ctx.count("compliance reviews")
