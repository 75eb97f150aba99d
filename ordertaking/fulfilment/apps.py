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
        # The calendar and the active rules are read once per process behind the reference data version
        # (common/refdata.py); a rule's round-robin pointer moves at every order and is read under its lock.
        from ordertaking.common.refdata import refdata_source_add

        from .models import AssignmentRule, Holiday

        refdata_source_add(Holiday)
        refdata_source_add(AssignmentRule, ignore=("last_assignee",))
