"""Demo KPI targets (P6.2), through assessment.services: leadership (leader1) sets each department's
targets for the month, the quarter and the year. The figures they are compared with come from the demo's
own history (orders, reviews, tasks, surveys, invoices), never typed in. Idempotent: a target already set
is left as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ordertaking.assessment.kpis import DEPARTMENTS, KPIS, PERIOD_KINDS, RECEIVED, SATISFACTION
from ordertaking.assessment.models import KpiTarget
from ordertaking.assessment.services import target_set

if TYPE_CHECKING:
    from .loader import DemoContext

# per KPI: the month's target (orders received grows with the period; the rates in percent)
MONTH_TARGETS: dict[str, str] = {RECEIVED: "5", "timeliness": "90", "accuracy": "92", SATISFACTION: "4.2", "risk": "85"}
SCALE = {"month": 1, "quarter": 3, "year": 12}


def load(ctx: DemoContext) -> None:
    leader = ctx.users["leader1"]
    have = set(KpiTarget.objects.values_list("kpi", "department", "period_kind"))
    for kind in PERIOD_KINDS:
        for dept in DEPARTMENTS:
            for kpi in KPIS:
                if (kpi, dept, kind) in have:
                    continue
                value = str(int(MONTH_TARGETS[kpi]) * SCALE[kind]) if kpi == RECEIVED else MONTH_TARGETS[kpi]
                target_set(actor=leader, kpi=kpi, department=dept, period_kind=kind, value=value)
                ctx.count("KPI targets")
