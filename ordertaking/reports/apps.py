from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Statistics for the dashboard (P4.2.c) and, later, the KPIs of P6.2."""

    name = "ordertaking.reports"
    label = "reports"
    verbose_name = _("Reports")
