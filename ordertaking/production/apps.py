from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductionConfig(AppConfig):
    name = "ordertaking.production"
    label = "production"
    verbose_name = _("Production")

    def ready(self) -> None:
        # Fulfilment (below) creates the approved order's tasks; production makes a production order of
        # each production task, in the same transaction (docs/conventions.md: the higher app hands it down).
        from ordertaking.fulfilment.services import tasks_created_handler_add

        from .services import production_orders_from_tasks

        tasks_created_handler_add(production_orders_from_tasks)
        # The quality inspection report 质量检验报告 is production's data: it joins the order's documents
        # (orders.documents, below), for staff and for the customer's link (P2.5.b, P5.2.b).
        from ordertaking.orders.documents import order_document_add

        from .documents import INSPECTION_REPORT

        order_document_add(INSPECTION_REPORT)
