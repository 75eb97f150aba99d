from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "ordertaking.supervision"
    label = "supervision"
    verbose_name = _("Supervision inspections")
