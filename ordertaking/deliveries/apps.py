from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveriesConfig(AppConfig):
    name = "ordertaking.deliveries"
    label = "deliveries"
    verbose_name = _("Delivery and acceptance")

    def ready(self) -> None:
        # Logistics (below) dispatches a shipment only once its readiness checklist is signed by all three
        # departments (P2.5.a): deliveries hands the check down (docs/conventions.md, layers).
        from ordertaking.logistics.services import dispatch_check_add

        from .services import dispatch_check

        dispatch_check_add(dispatch_check)

        # P3.6: an accepted order closes once its invoices are paid — finance (below) calls deliveries back
        # inside the payment's transaction.
        from ordertaking.finance.services import invoice_paid_handler_add

        from .acceptance.services import on_invoice_paid

        invoice_paid_handler_add(on_invoice_paid)
