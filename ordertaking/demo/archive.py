"""Demo archive (P4.1.a/b), through archive.services: leadership sets the classification thresholds to
the demo company's scale (a young order book: two orders and ¥150,000 a year make a key customer),
the customers are classified as the nightly job does, two reps confirm their customers' data, and a
few customers registered long ago (their registration dated back, as the finance demo dates an
invoice back) wait on their rep's home page for verification.

Idempotent: thresholds already set stay, a verified customer is not verified again, the classification
runs once, as the nightly job would."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from ordertaking.archive.selectors import thresholds_current
from ordertaking.archive.services import CLASSIFY_JOB, classification_refresh, customer_verify, tier_thresholds_update
from ordertaking.customers.models import Customer
from ordertaking.ops.models import JobRun

if TYPE_CHECKING:
    from .loader import DemoContext

# customer key -> (who confirmed, what, note)
VERIFIED = {
    "pujiang": ("sales1", ["basic", "contacts", "addresses", "invoicing"], "电话与刘伟经理逐项确认，开票信息无变化。"),
    "qiantang": ("sales1", ["basic", "contacts", "preferences"], "拜访时确认：明年扩建二期，电机需求增加。"),
    "shenzhen_auto": ("sales2", ["basic", "contacts", "addresses"], "邮件确认联系人与收货地址。"),
}
# registered long ago and never confirmed since: due for verification
DUE = {"gusu": 400, "hefei_auto": 260, "foshan_ceramic": 320, "jinan_steel": 200}


def load(ctx: DemoContext) -> None:
    row = thresholds_current()
    if row.updated_by_id is None:
        tier_thresholds_update(actor=ctx.users["leader1"], key_orders=2, key_amount=Decimal("150000.00"),
                               growing_orders=2, growing_amount=Decimal("50000.00"))
    now = timezone.now()
    for key, days in DUE.items():
        Customer.objects.filter(pk=ctx.customers[key].pk, last_verified_at__isnull=True).update(
            created_at=now - timedelta(days=days))
    for key, (username, confirmed, note) in VERIFIED.items():
        customer = Customer.objects.get(pk=ctx.customers[key].pk)
        if customer.last_verified_at is None:
            customer_verify(actor=ctx.users[username], customer=customer, confirmed=confirmed, note=note)
            ctx.count("customers verified")
    # what the nightly job does, once (its run is on the administrator's jobs page)
    if not JobRun.objects.filter(job=CLASSIFY_JOB).exists():
        result = classification_refresh()
        ctx.count("customer classes changed", result["changed"])
