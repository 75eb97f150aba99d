"""The writes of the assessment app: leadership sets the KPI targets (P6.2), audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ordertaking.accounts.roles import perm
from ordertaking.audit.services import event_record
from ordertaking.common.errors import Conflict, PermissionDenied

from .kpis import RECEIVED, SATISFACTION
from .models import KpiTarget
from .rules import target_key_clean, target_sod_refusal, target_value_clean


def target_shown(kpi: str, value: Decimal | None) -> str:
    """A target as a person typed it: a count, a score, or a rate in percent."""
    if value is None:
        return ""
    if kpi == RECEIVED:
        return f"{int(value)}"
    if kpi == SATISFACTION:
        return f"{value:.2f}"
    return f"{value * 100:.1f}%"


def target_set(*, actor: Any, kpi: str, department: str, period_kind: str, value: Any) -> KpiTarget:
    """P6.2: leadership sets the target of one KPI for one department and period type; the change is an
    audit event with the value before and after. Nobody sets their own department's target."""
    if actor is None or not actor.has_perm(perm("kpi_target_manage")):
        raise PermissionDenied(_("Only leadership sets the KPI targets (P6.2)."), code="permission_denied")
    target_key_clean(kpi, department, period_kind)
    clean = target_value_clean(kpi, value)
    refusal = target_sod_refusal(set(actor.role_names), department)
    if refusal:
        raise PermissionDenied(refusal, code="segregation_of_duties")
    with transaction.atomic():
        target = (KpiTarget.objects.select_for_update()
                  .filter(kpi=kpi, department=department, period_kind=period_kind).first())
        before = target_shown(kpi, target.value) if target else ""
        if target is None:
            try:
                with transaction.atomic():  # the first target of its kind: two leaders at once make one
                    target = KpiTarget.objects.create(kpi=kpi, department=department, period_kind=period_kind,
                                                      value=clean, updated_by=actor)
            except IntegrityError:
                raise Conflict(_("Someone set this target at the same moment; look at it again, then save."),
                               code="target_changed") from None
        else:
            target.value = clean
            target.updated_by = actor
            target.save()
        event_record(actor=actor, action="kpi_target.set", subject=target, clause="P6.2",
                     before={"target": before} if before else None,
                     after={"kpi": kpi, "department": department, "period_kind": period_kind,
                            "target": target_shown(kpi, clean)})
    return target
