from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "ordertaking.tracking"
    label = "tracking"
    verbose_name = _("Order tracking")

    def ready(self) -> None:
        # The daily at-risk job is listed on the administrator's jobs page in every process.
        from ordertaking.common.progress import order_progress_handler_add

        from . import jobs  # noqa: F401
        from .services import order_risk_refresh

        # The apps below call this after a task, a production report, an inspection, a shipment or a
        # shipping exception changes: the order's risks are recorded in the same transaction.
        order_progress_handler_add(order_risk_refresh)
