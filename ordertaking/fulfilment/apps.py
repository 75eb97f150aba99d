from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfilmentConfig(AppConfig):
    name = "ordertaking.fulfilment"
    label = "fulfilment"
    verbose_name = _("Order execution")

    def ready(self) -> None:
        # An approved order becomes its tasks inside the approval's transaction (P2.4.a); review sits
        # below this app, so the handler is handed down (docs/conventions.md).
        from ordertaking.review.services import approval_handler_add

        from .services import order_tasks_create

        approval_handler_add(order_tasks_create)
