"""/api/v1/assessment (P6.2): the scorecard, a KPI's trend, the records behind a figure and the targets —
the same selectors and service as the pages, the same rule of who sees what. Mounted in ordertaking/api.py."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Case, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from ordertaking.accounts.models import User
from ordertaking.common.api import Mapped, Paged
from ordertaking.common.errors import NotFound, PermissionDenied, ValidationFailed

from . import kpis, selectors
from .kpis import DEPARTMENTS, KPIS, PERIOD_KINDS
from .services import target_set, target_shown

router = Router()
DEPT = Field(..., json_schema_extra={"enum": list(DEPARTMENTS)})


class ComponentOut(Schema):
    key: str
    label: str
    measure: str = Field(..., json_schema_extra={"enum": [kpis.COUNT, kpis.RATE, kpis.AMOUNT_RATE, kpis.AVERAGE]})
    value: float | None = Field(None, description="a count, a share 0–1, or an average score 1–5")
    shown: str
    counted: int = Field(..., description="records counted (the denominator)")
    met: int | None = Field(None, description="records that met it (the numerator), for rates")
    amount: Decimal | None = None
    met_amount: Decimal | None = None


class KpiOut(Schema):
    kpi: str = Field(..., json_schema_extra={"enum": list(KPIS)})
    label: str
    definition: str
    value: float | None
    shown: str
    target: Decimal | None = Field(None, description="a count, a share 0–1, or a score 1–5")
    status: str = Field(..., json_schema_extra={"enum": ["met", "missed", "unset", "none"]})
    status_label: str
    components: list[ComponentOut]


class ScorecardOut(Schema):
    department: str = DEPT
    department_label: str
    period: str = Field(..., description="2026-11, 2026-Q4 or 2026")
    person: str | None = Field(None, description="the person's user name")
    kpis: list[KpiOut]


def _scope(request: HttpRequest, department: str, period: str, person: str) -> tuple[str, kpis.Period, int | None]:
    if not selectors.may_view(request.user):
        raise PermissionDenied(selectors.NO_KPI_MESSAGE(), code="permission_denied")
    p = kpis.period_parse(period) if period else kpis.period_containing(kpis.MONTH, timezone.localdate())
    if p is None:
        raise ValidationFailed(_("Give the period as 2026-11, 2026-Q4 or 2026."), field="period")
    if department not in DEPARTMENTS:
        raise ValidationFailed(_("No such department."), field="department")
    pid = None
    if person:
        pid = User.objects.filter(username=person).values_list("pk", flat=True).first()
        if pid is None:
            raise ValidationFailed(_("No such person."), field="person")
    selectors.require_person(request.user, department, pid)
    return department, p, pid


def _kpi(r: selectors.KpiRow) -> dict[str, Any]:
    return {"kpi": r.kpi, "label": r.label, "definition": r.definition, "value": r.value, "shown": r.shown,
            "target": r.target, "status": r.status, "status_label": r.status_label,
            "components": [{"key": c.key, "label": c.label, "measure": c.component.measure, "value": c.value,
                            "shown": c.shown, "counted": c.figure.n,
                            "met": c.figure.good if c.component.measure == kpis.RATE else None,
                            "amount": c.figure.amount if c.component.measure == kpis.AMOUNT_RATE else None,
                            "met_amount": c.figure.good_amount if c.component.measure == kpis.AMOUNT_RATE else None}
                           for c in r.components]}


@router.get("/scorecard", response=ScorecardOut)
def scorecard_get(request: HttpRequest, department: str = Query(..., max_length=20),  # noqa: B008
                  period: str = Query("", max_length=7, description="2026-11, 2026-Q4 or 2026"),  # noqa: B008
                  person: str = Query("", max_length=150, description="a person's user name")) -> dict[str, Any]:  # noqa: B008
    """P6.2 the five KPIs of a department (or one of its persons) in a period, with targets and components."""
    dept, p, pid = _scope(request, department, period, person)
    return {"department": dept, "department_label": kpis.department_label(dept), "period": p.code,
            "person": person or None, "kpis": [_kpi(r) for r in selectors.scorecard(dept, p, pid)]}


class TrendPointOut(Schema):
    period: str
    value: float | None
    shown: str


@router.get("/kpis/{kpi}/trend", response=list[TrendPointOut])
def trend_get(request: HttpRequest, kpi: str, department: str = Query(..., max_length=20),  # noqa: B008
              period: str = Query("", max_length=7), person: str = Query("", max_length=150)) -> list[Any]:  # noqa: B008
    """P6.2 a KPI over the last 12 months, 8 quarters or 5 years up to `period`."""
    if kpi not in KPIS:
        raise NotFound(_("No such KPI."))
    dept, p, pid = _scope(request, department, period, person)
    return [{"period": t.period.code, "value": t.value, "shown": selectors.shown(selectors.kpi_measure(kpi), t.value)}
            for t in selectors.trend(kpi, dept, p, pid)]


class RecordOut(Schema):
    reference: str
    order: str | None = Field(None, description="the order number, when the record is about an order")
    date: date | datetime
    person: str | None = Field(None, description="the person's user name the record is attributed to")
    met: bool | None = None
    amount: Decimal | None = None


@router.get("/records/{component}", response=list[RecordOut])
@paginate(Paged)
def records_list(request: HttpRequest, component: str, department: str = Query(..., max_length=20),  # noqa: B008
                 period: str = Query("", max_length=7), person: str = Query("", max_length=150),  # noqa: B008
                 met: bool = False) -> Mapped:
    """P6.2 the records behind a figure: every record counted (the denominator), or with `met` only those that
    met it (the numerator), newest first."""
    c = kpis.BY_KEY.get(component)
    if c is None:
        raise NotFound(_("No such KPI component."))
    dept, p, pid = _scope(request, department, period, person)
    if dept not in c.depts():
        raise NotFound(_("No such KPI component."))
    qs = selectors.records(c, dept, p, pid, only_met=met)
    fields = [c.date_field, c.ref]
    has_order = selectors._has_path(c, "order__number")
    if has_order and "order__number" not in fields:
        fields.append("order__number")
    if c.person:
        fields.append(f"{c.person}__username")
    if c.measure == kpis.AMOUNT_RATE and c.value:
        fields.append(c.value)
    if c.good:
        qs = qs.annotate(kpi_met=Case(When(c.good(), then=Value(True)), default=Value(False),
                                      output_field=BooleanField()))
        fields.append("kpi_met")

    def row(r: dict[str, Any]) -> dict[str, Any]:
        return {"reference": str(r.get(c.ref) or ""), "order": r.get("order__number") if has_order else None,
                "date": r[c.date_field], "person": r.get(f"{c.person}__username") if c.person else None,
                "met": r.get("kpi_met") if c.good else None,
                "amount": r.get(c.value) if c.measure == kpis.AMOUNT_RATE and c.value else None}

    return Mapped(qs.values(*fields), row)


class TargetOut(Schema):
    kpi: str = Field(..., json_schema_extra={"enum": list(KPIS)})
    department: str = DEPT
    period_kind: str = Field(..., json_schema_extra={"enum": list(PERIOD_KINDS)})
    value: Decimal = Field(..., description="a count, a share 0–1, or a score 1–5")
    shown: str
    updated_by: str
    updated_at: datetime


class TargetIn(Schema):
    kpi: str = Field(..., max_length=16, json_schema_extra={"enum": list(KPIS)})
    department: str = Field(..., max_length=20, json_schema_extra={"enum": list(DEPARTMENTS)})
    period_kind: str = Field(..., max_length=8, json_schema_extra={"enum": list(PERIOD_KINDS)})
    value: str = Field(..., max_length=20, description="orders received: a whole number; satisfaction: 1–5; "
                                                      "the rates: percent 0–100")


def _target(t: Any) -> dict[str, Any]:
    return {"kpi": t.kpi, "department": t.department, "period_kind": t.period_kind, "value": t.value,
            "shown": target_shown(t.kpi, t.value), "updated_by": t.updated_by.username, "updated_at": t.updated_at}


@router.get("/targets", response=list[TargetOut])
def targets_list(request: HttpRequest) -> list[Any]:
    """P6.2 every KPI target (leadership and auditors)."""
    if not (selectors.sees_all(request.user) or selectors.may_manage_targets(request.user)):
        raise PermissionDenied(selectors.NO_TARGET_MESSAGE(), code="permission_denied")
    from .models import KpiTarget

    return [_target(t) for t in KpiTarget.objects.select_related("updated_by").order_by("kpi", "department",
                                                                                         "period_kind")]


@router.put("/targets", response=TargetOut)
def target_put(request: HttpRequest, payload: TargetIn) -> dict[str, Any]:
    """P6.2 leadership sets one target (audited; never for their own department)."""
    return _target(target_set(actor=request.user, kpi=payload.kpi, department=payload.department,
                              period_kind=payload.period_kind, value=payload.value))
