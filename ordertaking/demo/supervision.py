"""Demo supervision inspection (P6.1.a), through supervision.services: last month's orders inspected by
auditor1 — a random sample drawn with a recorded seed, the automatic checks run over it, a failed check
made a finding for sales to put right (in progress), a finding by hand on the customer archive that the
order center has answered and that waits for verification. Idempotent: the inspection is found again by
its title."""

# Scenario text in Chinese: ruff counts each CJK character as two columns.
# ruff: noqa: E501

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from ordertaking.common.errors import DomainError
from ordertaking.supervision.models import Inspection
from ordertaking.supervision.services import (
    finding_from_check,
    finding_record,
    inspection_check,
    inspection_open,
    inspection_sample,
    rectification_assign,
    rectification_respond,
)

if TYPE_CHECKING:
    from .loader import DemoContext

SEED = 20261101


def load(ctx: DemoContext) -> None:
    auditor = ctx.users["auditor1"]
    today = timezone.localdate()
    last = today.replace(day=1) - timedelta(days=1)
    first = last.replace(day=1)
    title = f"{first:%Y年%m月}接单流程监督检查"
    if Inspection.objects.filter(title=title).exists():
        return
    insp = inspection_open(actor=auditor, title=title, period_from=first, period_to=last, sample_size=5, seed=SEED)
    try:
        inspection_sample(actor=auditor, inspection=insp)
    except DomainError:  # no order last month: the inspection stays a draft
        ctx.count("supervision inspections")
        return
    inspection_check(actor=auditor, inspection=insp)
    samples = list(insp.samples.select_related("order").order_by("position"))
    failing = next((s for s in samples if s.failed), None)
    if failing is not None:
        code = next(r["code"] for r in failing.results if r.get("outcome") == "fail")
        finding = finding_from_check(actor=auditor, sample=failing, check_code=code, severity="major",
                                     description="抽查发现流程记录不完整，请销售部门说明原因并补齐。")
    else:
        finding = finding_record(actor=auditor, inspection=insp, order=samples[0].order, severity="major",
                                 clause="P2.2.a", description="订单附件中缺少客户盖章的采购合同扫描件。")
    rectification_assign(actor=auditor, finding=finding, department="sales", deadline=today + timedelta(days=10),
                         responsible=ctx.users["sales1"], instructions="补齐所缺记录，并在周会上向销售团队说明规范要求。")
    archive = finding_record(actor=auditor, inspection=insp, order=samples[-1].order, severity="minor",
                             clause="P4.1.a", description="客户档案中的联系人电话与合同所列不一致，未及时更新。")
    task = rectification_assign(actor=auditor, finding=archive, department="order_center",
                                deadline=today + timedelta(days=5), responsible=ctx.users["center1"],
                                instructions="核对并更新客户档案，建立合同录入时的核对步骤。")
    rectification_respond(actor=ctx.users["center1"], task=task,
                          measures="已与客户核实并更新联系人电话；合同录入增加档案核对一栏，自本月起执行。")
    ctx.count("supervision inspections")
