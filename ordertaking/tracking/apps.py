from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "ordertaking.tracking"
    label = "tracking"
    verbose_name = _("Order tracking")

    def ready(self) -> None:
        from ordertaking.common.progress import order_progress_handler_add

        from .services import order_risk_refresh

        # The apps below call this after a task, a production report, an inspection, a shipment or a
        # shipping exception changes: the order's risks are recorded in the same transaction.
        order_progress_handler_add(order_risk_refresh)
