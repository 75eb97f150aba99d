from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "ordertaking.logistics"
    label = "logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        # P4.1.c: logistics sees the delivery contact and address of the customers it is shipping to.
        from ordertaking.confidentiality.duties import duty_add

        from .selectors import delivery_duty, delivery_duty_scope

        duty_add(delivery_duty, scope=delivery_duty_scope)
