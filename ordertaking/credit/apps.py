from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "ordertaking.credit"
    label = "credit"
    verbose_name = _("Credit risk control")

