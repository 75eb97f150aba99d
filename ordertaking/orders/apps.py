from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "ordertaking.orders"
    label = "orders"
    verbose_name = _("Orders")
