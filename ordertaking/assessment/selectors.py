"""What the assessment pages, the API and the files read (P6.2): who may see which figures, the
scorecard of a department, its persons, a KPI's trend and the records behind a figure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import perm
from ordertaking.common.errors import NotFound, PermissionDenied

from . import kpis
from .kpis import (
    AMOUNT_RATE,
    AVERAGE,
    COUNT,
    DEPARTMENTS,
    KPI_LABELS,
    KPIS,
    RATE,
    RECEIVED,
    SATISFACTION,
    TREND_LENGTH,
    Component,
    Figure,
    Period,
)
from .models import KpiTarget

# --- who sees what ----------------------------------------------------------------------------------------------


def may_view(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)
                and (user.has_perm(perm("kpi_view_all")) or user.has_perm(perm("kpi_view_own"))))


def sees_all(user: Any) -> bool:
    return bool(user.has_perm(perm("kpi_view_all")))


def visible_departments(user: Any) -> list[str]:
    """kpi_view_all: every department; kpi_view_own: the departments the user belongs to."""
    if not may_view(user):
        return []
    if sees_all(user):
        return list(DEPARTMENTS)
    return [d for d in DEPARTMENTS if user.has_role(d)]


def require_department(user: Any, dept: str) -> None:
    if dept not in DEPARTMENTS:
        raise NotFound(_("No such department."))
    if dept not in visible_departments(user):
        raise PermissionDenied(_("You see the KPIs of your own department; leadership and auditors see every "
                                 "department's (P6.2)."), code="permission_denied")


def require_person(user: Any, dept: str, person_id: int | None) -> None:
    """A member of a department sees the department's figures and their own, not a colleague's."""
    require_department(user, dept)
    if person_id is not None and not sees_all(user) and person_id != user.pk:
        raise PermissionDenied(_("You see your own figures and your department's; leadership and auditors see "
                                 "each person's (P6.2)."), code="permission_denied")


def may_manage_targets(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(perm("kpi_target_manage")))


# --- formatting -------------------------------------------------------------------------------------------------

def shown(measure: str, value: float | None) -> str:
    """A figure as the pages and files show it."""
    if value is None:
        return "—"
    if measure == COUNT:
        return f"{int(value):,}"
    if measure in (RATE, AMOUNT_RATE):
        return f"{value * 100:.1f}%"
    return f"{value:.2f}"


def kpi_measure(kpi: str) -> str:
    return COUNT if kpi == RECEIVED else AVERAGE if kpi == SATISFACTION else RATE


def status_word(value: float | None, target: Decimal | None) -> tuple[str, str]:
    """(status code for the style, the word shown)."""
    if value is None:
        return "none", _("No records")
    if target is None:
        return "unset", _("No target")
    if Decimal(str(round(value, 6))) >= target:
        return "met", pgettext("kpi", "Met")
    return "missed", pgettext("kpi", "Not met")


# --- the scorecard ----------------------------------------------------------------------------------------------

@dataclass
class ComponentRow:
    component: Component
    figure: Figure
    value: float | None

    @property
    def key(self) -> str:
        return self.component.key

    @property
    def label(self) -> str:
        return str(self.component.label)

    @property
    def shown(self) -> str:
        return shown(self.component.measure, self.value)

    @property
    def numerator(self) -> str:
        c, f = self.component, self.figure
        if c.measure == RATE:
            return f"{f.good:,}"
        if c.measure == AMOUNT_RATE:
            return f"¥{f.good_amount:,.2f}"
        return ""

    @property
    def denominator(self) -> str:
        c, f = self.component, self.figure
        if c.measure == AMOUNT_RATE:
            return f"¥{f.amount:,.2f}"
        return f"{f.n:,}"


@dataclass
class KpiRow:
    kpi: str
    value: float | None
    target: Decimal | None
    components: list[ComponentRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(KPI_LABELS[self.kpi])

    @property
    def definition(self) -> str:
        return kpis.kpi_definition(self.kpi)

    @property
    def measure(self) -> str:
        return kpi_measure(self.kpi)

    @property
    def shown(self) -> str:
        return shown(self.measure, self.value)

    @property
    def target_shown(self) -> str:
        if self.target is None:
            return "—"
        return shown(self.measure, float(self.target))

    @property
    def status(self) -> str:
        return status_word(self.value, self.target)[0]

    @property
    def status_label(self) -> str:
        return status_word(self.value, self.target)[1]

    @property
    def tone(self) -> str:
        """The Bootstrap colour of the status word."""
        return {"met": "success", "missed": "danger"}.get(self.status, "secondary")


def targets_for(period_kind: str, departments: list[str] | None = None) -> dict[tuple[str, str], Decimal]:
    qs = KpiTarget.objects.filter(period_kind=period_kind)
    if departments is not None:
        qs = qs.filter(department__in=departments)
    return {(t.kpi, t.department): t.value for t in qs}


def scorecard(dept: str, period: Period, person_id: int | None = None,
              targets: dict[tuple[str, str], Decimal] | None = None) -> list[KpiRow]:
    """The five KPIs of a department (or one of its persons) in a period: one query per component, one
    for the targets. A person's figures have no target (targets are per department)."""
    if targets is None:
        targets = targets_for(period.kind, [dept]) if person_id is None else {}
    rows = []
    for kpi in KPIS:
        comps = []
        for c in kpis.components(kpi, dept):
            if person_id is not None and not c.person:
                continue
            f = kpis.figure(c, dept, period, person_id)
            comps.append(ComponentRow(c, f, kpis.value_of(c, f)))
        value = kpis.headline(kpi, [(r.component, r.figure) for r in comps])
        rows.append(KpiRow(kpi, value, targets.get((kpi, dept)), comps))
    return rows


@dataclass
class PersonRow:
    user: Any
    values: list[tuple[str, str]]  # (kpi, shown)


def persons(dept: str, period: Period) -> list[PersonRow]:
    """Each person the department's components name, with their five KPIs: one GROUP BY person query per
    component, one for the users."""
    per: dict[int, dict[str, list[tuple[Component, Figure]]]] = {}
    for kpi in KPIS:
        for c in kpis.components(kpi, dept):
            for pid, f in kpis.by_person(c, dept, period).items():
                per.setdefault(pid, {}).setdefault(kpi, []).append((c, f))
    users = {u.pk: u for u in User.objects.filter(pk__in=list(per))}
    out = []
    for pid, by_kpi in per.items():
        if pid not in users:
            continue
        values = [(k, shown(kpi_measure(k), kpis.headline(k, by_kpi.get(k, [])))) for k in KPIS]
        out.append(PersonRow(users[pid], values))
    out.sort(key=lambda r: str(r.user))
    return out


def overview(departments: list[str], period: Period) -> list[tuple[str, list[KpiRow]]]:
    targets = targets_for(period.kind, departments)
    return [(d, scorecard(d, period, targets=targets)) for d in departments]


@dataclass
class TrendPoint:
    period: Period
    value: float | None


def trend(kpi: str, dept: str, last: Period, person_id: int | None = None) -> list[TrendPoint]:
    """The KPI over the last 12 months / 8 quarters / 5 years: one GROUP BY period query per component."""
    n = TREND_LENGTH[last.kind]
    periods = [last.previous(i) for i in range(n - 1, -1, -1)]
    per: dict[date, list[tuple[Component, Figure]]] = {p.first: [] for p in periods}
    for c in kpis.components(kpi, dept):
        if person_id is not None and not c.person:
            continue
        got = kpis.by_period(c, dept, last, n, person_id)
        for p in periods:
            per[p.first].append((c, got.get(p.first, Figure())))
    return [TrendPoint(p, kpis.headline(kpi, per[p.first])) for p in periods]


def trend_spec(kpi: str, points: list[TrendPoint], target: Decimal | None) -> dict[str, Any]:
    measure = kpi_measure(kpi)
    scale = 100 if measure == RATE else 1
    data = [None if p.value is None else round(p.value * scale, 2) for p in points]
    series: list[dict[str, Any]] = [{"name": str(KPI_LABELS[kpi]), "type": "bar" if kpi == RECEIVED else "line",
                                     "data": data}]
    if target is not None:
        series.append({"name": _("Target"), "type": "line", "dashed": True,
                       "data": [round(float(target) * scale, 2)] * len(points)})
    return {"x": [p.period.label for p in points], "series": series, "percent": measure == RATE}


# --- the records behind a figure --------------------------------------------------------------------------------

@dataclass
class RecordRow:
    ref: str
    order_number: str
    when: Any
    person: str
    met: str | None
    amount: Decimal | None


def records(c: Component, dept: str, period: Period, person_id: int | None = None,
            only_met: bool = False) -> QuerySet[Any]:
    """The records a component counts for a department (or person) in a period: the denominator; with
    `only_met` the numerator. Rows carry the fields `record_rows` shows."""
    qs = kpis.in_period(c, kpis.scoped(c, dept, person_id), period.first, period.after)
    if only_met and c.good:
        qs = qs.filter(c.good())
    return qs.order_by(f"-{c.date_field}", "-pk")


def record_rows(c: Component, page: list[Any]) -> list[RecordRow]:
    """A page of `records` as rows to show: one query with the page's values (and the met flag)."""
    from django.db.models import BooleanField, Case, Value, When

    ids = [o.pk for o in page]
    fields = ["pk", c.date_field]
    order_path = "order__number" if c.ref != "order__number" else c.ref
    has_order = _has_path(c, "order__number")
    if has_order:
        fields.append("order__number")
    if c.ref not in fields:
        fields.append(c.ref)
    if c.person:
        fields.append(c.person)
    if c.value and c.measure == AMOUNT_RATE:
        fields.append(c.value)
    qs = c.base().filter(pk__in=ids)
    if c.good:
        qs = qs.annotate(kpi_met=Case(When(c.good(), then=Value(True)), default=Value(False),
                                      output_field=BooleanField()))
        fields.append("kpi_met")
    got = {r["pk"]: r for r in qs.values(*fields)}
    names = {u.pk: str(u) for u in User.objects.filter(pk__in={r.get(c.person) for r in got.values()
                                                                if c.person and r.get(c.person)})}
    out = []
    for pk in ids:
        r = got.get(pk)
        if r is None:
            continue
        met = None
        if c.good:
            met = pgettext("kpi", "Met") if r["kpi_met"] else pgettext("kpi", "Not met")
        person = names.get(r.get(c.person) or 0, "") if c.person else ""
        out.append(RecordRow(ref=str(r.get(c.ref) or ""), order_number=str(r.get(order_path) or "") if has_order
                             else "", when=r[c.date_field], person=person,
                             met=met, amount=r.get(c.value) if c.measure == AMOUNT_RATE and c.value else None))
    return out


def _has_path(c: Component, path: str) -> bool:
    model = c.base().model
    try:
        model._meta.get_field("order")
    except Exception:  # noqa: BLE001 - the record names no order
        return False
    return path == "order__number"


def NO_KPI_MESSAGE() -> str:  # noqa: N802 - a message, called when needed (translated then)
    return _("The KPIs are for the business departments, leadership and auditors (P6.2).")


def NO_TARGET_MESSAGE() -> str:  # noqa: N802
    return _("Leadership sets the KPI targets; auditors see them (P6.2).")


def target_unit(kpi: str) -> str:
    if kpi == RECEIVED:
        return _("orders")
    if kpi == SATISFACTION:
        return _("score 1-5")
    return "%"
