"""The assessment app's records: the KPI targets leadership sets per KPI, department and period type
(P6.2). The KPI figures themselves are never stored nor typed in: they are computed from the records
(kpis.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ordertaking.accounts.roles import ROLE_LABELS, Role

from .kpis import DEPARTMENTS, KPI_LABELS, KPIS, PERIOD_KINDS, PERIOD_LABELS


class KpiTarget(models.Model):
    kpi = models.CharField(_("KPI"), max_length=16, choices=[(k, KPI_LABELS[k]) for k in KPIS])
    department = models.CharField(_("department"), max_length=20,
                                  choices=[(d, ROLE_LABELS[Role(d)]) for d in DEPARTMENTS])
    period_kind = models.CharField(_("period"), max_length=8, choices=[(k, PERIOD_LABELS[k]) for k in PERIOD_KINDS])
    # A count for orders received, a score 1-5 for satisfaction, a share 0-1 for the rates.
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=4)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        constraints = [models.UniqueConstraint(fields=["kpi", "department", "period_kind"], name="kpitarget_unique")]

    def __str__(self) -> str:
        return f"{KPI_LABELS[self.kpi]} · {ROLE_LABELS[Role(self.department)]} · {PERIOD_LABELS[self.period_kind]}"
