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
