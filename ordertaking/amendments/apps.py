from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AmendmentsConfig(AppConfig):
    name = "ordertaking.amendments"
    label = "amendments"
    verbose_name = _("Changes after approval")

    def ready(self) -> None:
        # An approved change (P2.3 again) closes its request and takes the order back to its execution
        # state, inside review's approval transaction (review sits below amendments).
        from ordertaking.review.services import approval_handler_add

        from .services import on_order_approved

        approval_handler_add(on_order_approved)
