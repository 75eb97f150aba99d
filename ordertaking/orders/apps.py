from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "ordertaking.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        # The words of this chapter's findings, read whenever a finding is shown (common sits below us).
        from ordertaking.common.findings import finding_texts_add

        from .rules import FINDING_TEXTS

        finding_texts_add(FINDING_TEXTS)
        # Files attached to an order (P2.5.b): attachments (below) learns here what an order is, who sees
        # its files and who attaches them (docs/conventions.md: the higher app hands it down).
        from ordertaking.attachments.targets import AttachmentTarget, attachment_target_add

        from .models import Order
        from .permissions import may_attach, may_see
        from .selectors import order_get

        attachment_target_add(AttachmentTarget(
            key="order", model=Order, get=lambda user, ref: order_get(user=user, number=ref),
            ref=lambda order: order.number, may_view=may_see, may_add=may_attach, order_of=lambda order: order))

        # P4.1.c: the reveal action finds an order's contact and street address through orders' selector.
        from ordertaking.confidentiality.duties import reveal_source_add

        from .selectors import reveal_order

        reveal_source_add("order", reveal_order)
        # P4.1.c: the audit log masks an order's events by the order's customer.
        from ordertaking.confidentiality.duties import subject_customers_add, subject_customers_of

        subject_customers_add("orders.order", subject_customers_of(Order))
