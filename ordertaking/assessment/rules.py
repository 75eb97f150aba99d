"""The rules of the KPI targets (P6.2). Plain functions, no database."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from ordertaking.common.errors import ValidationFailed

from .kpis import DEPARTMENTS, KPIS, PERIOD_KINDS, RECEIVED, SATISFACTION


def target_value_clean(kpi: str, raw: Any) -> Decimal:
    """P6.2: a count (orders received) is a whole number >= 0; a satisfaction score is 1 to 5; a rate is
    given in percent (0 to 100) and stored as a share."""
    try:
        value = Decimal(str(raw).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Enter a number."), field="value") from None
    if not value.is_finite():
        raise ValidationFailed(_("Enter a number."), field="value")
    if kpi == RECEIVED:
        if value < 0 or value != value.to_integral_value() or value > 10_000_000:
            raise ValidationFailed(_("Enter a whole number of orders."), field="value")
        return value
    if kpi == SATISFACTION:
        if not Decimal(1) <= value <= Decimal(5):
            raise ValidationFailed(_("A satisfaction score is between 1 and 5."), field="value")
        return value.quantize(Decimal("0.01"))
    if not Decimal(0) <= value <= Decimal(100):
        raise ValidationFailed(_("A rate is between 0 and 100 percent."), field="value")
    return (value / 100).quantize(Decimal("0.0001"))


def target_key_clean(kpi: str, department: str, period_kind: str) -> None:
    if kpi not in KPIS:
        raise ValidationFailed(_("No such KPI."), field="kpi")
    if department not in DEPARTMENTS:
        raise ValidationFailed(_("No such department."), field="department")
    if period_kind not in PERIOD_KINDS:
        raise ValidationFailed(_("Choose month, quarter or year."), field="period_kind")


def target_sod_refusal(actor_roles: set[str], department: str) -> str | None:
    """Nobody sets the target their own department is assessed against (P6.2 with segregation of duties)."""
    if department in actor_roles:
        return _("You belong to this department: a leader outside it sets its targets.")
    return None
