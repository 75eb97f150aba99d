from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhistleblowingConfig(AppConfig):
    name = "ordertaking.whistleblowing"
    label = "whistleblowing"
    verbose_name = _("Whistleblowing")
