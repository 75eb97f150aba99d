from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "ordertaking.finance"
    label = "finance"
    verbose_name = _("Finance")

    def ready(self) -> None:
        # Credit (below finance) scores the payment record from the invoices through this reader.
        from ordertaking.credit.services import payment_record_reader_set

        from .selectors import payment_record_for

        payment_record_reader_set(payment_record_for)

        # P4.1.c: finance sees every customer's invoicing details and credit code (it issues the invoices).
        from ordertaking.confidentiality.duties import duty_add

        from .selectors import invoicing_duty

        duty_add(invoicing_duty)
