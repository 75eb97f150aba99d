from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "ordertaking.customers"
    label = "customers"
    verbose_name = _("Customer archive")

    def ready(self) -> None:
        # Files kept with a customer (contracts, their manuals; P2.5.b, P4.1.a): attachments (below) learns
        # here what a customer is, who sees its files and who attaches them.
        from ordertaking.attachments.targets import AttachmentTarget, attachment_target_add

        from .models import Customer
        from .selectors import customer_get, customer_visible

        def may_add(user, customer):  # type: ignore[no-untyped-def]
            return bool(user.has_perm("accounts.customer_manage") and customer_visible(user=user, customer=customer))

        attachment_target_add(AttachmentTarget(
            key="customer", model=Customer, get=lambda user, ref: customer_get(user=user, pk=ref),
            ref=lambda customer: str(customer.pk),
            may_view=lambda user, customer: customer_visible(user=user, customer=customer), may_add=may_add,
            kinds=("contract", "manual", "service_record", "photo", "other")))

        # P4.1.c: confidentiality (below) learns who may see a customer at all and how its reveal
        # action finds a contact's, an address's or the customer's own value.
        from ordertaking.confidentiality.duties import customer_visible_set, reveal_source_add

        from . import selectors

        customer_visible_set(lambda user, customer: selectors.customer_visible(user=user, customer=customer))
        reveal_source_add("contact", selectors.reveal_contact)
        reveal_source_add("address", selectors.reveal_address)
        reveal_source_add("customer", selectors.reveal_customer)
        from ordertaking.confidentiality.duties import (
            known_named_add,
            known_values_add,
            subject_customers_add,
            subject_customers_of,
        )

        subject_customers_add("customers.customer", subject_customers_of(Customer, ""))
        # ... and what a note typed about the customer may name: its contacts' names, phones and e-mails
        known_values_add(selectors.contacts_known)
        known_named_add(selectors.contact_value_named)
