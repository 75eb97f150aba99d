"""Demo confidentiality (P4.1.c) through confidentiality.services: the auditor's access to one customer's
confidential data granted by leadership for a week (and one value revealed under it), the order center's
request for another customer waiting for a decision, and a customer's consent to give the carrier its
delivery contact. Idempotent: each piece only once."""

# ruff: noqa: E501
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from ordertaking.confidentiality.models import AccessRequest, Consent, RevealLog
from ordertaking.confidentiality.services import (
    access_request_create,
    access_request_decide,
    consent_record,
    reveal_value,
)

if TYPE_CHECKING:
    from .loader import DemoContext


def load(ctx: DemoContext) -> None:
    auditor, leader, center = ctx.users["auditor1"], ctx.users["leader1"], ctx.users["center2"]
    gusu, qiantang, pujiang = ctx.customers["gusu"], ctx.customers["qiantang"], ctx.customers["pujiang"]
    if not AccessRequest.objects.filter(requested_by=auditor, customer=gusu).exists():
        with transaction.atomic():
            req = access_request_create(actor=auditor, customer=gusu, reason="年度合规抽查：核对客户档案与合同联系人是否一致。",
                                        days=7)
            access_request_decide(actor=leader, request=req, grant=True, comment="同意，仅限本次抽查。")
            contact = gusu.contacts.order_by("-is_primary", "id").first()
            if contact is not None:
                reveal_value(actor=auditor, source="contact", ref=str(contact.pk), key="phone",
                             channel=RevealLog.Channel.PAGE)
        ctx.count("access grants")
    if not AccessRequest.objects.filter(requested_by=center, customer=qiantang).exists():
        with transaction.atomic():
            access_request_create(actor=center, customer=qiantang, reason="客户来电要求核对开票地址，需查看开票信息。", days=3)
        ctx.count("access requests")
    if not Consent.objects.filter(customer=pujiang).exists():
        with transaction.atomic():
            consent_record(actor=ctx.users["sales1"], customer=pujiang, what="收货联系人姓名和电话",
                           recipient="承运商（顺丰速运、德邦物流）", purpose="送货前电话预约",
                           valid_until=timezone.localdate() + timedelta(days=365),
                           evidence="客户盖章确认函")
        ctx.count("consents")
