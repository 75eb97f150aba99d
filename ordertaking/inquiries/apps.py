from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InquiriesConfig(AppConfig):
    name = "ordertaking.inquiries"
    label = "inquiries"
    verbose_name = _("Inquiries")

    def ready(self) -> None:
        # P4.1.c: customer service sees a customer's contacts while handling its inquiry.
        from ordertaking.confidentiality.duties import duty_add

        from .selectors import inquiry_duty, inquiry_duty_scope

        duty_add(inquiry_duty, scope=inquiry_duty_scope)

        # P4.1.c: the audit log masks an inquiry's events by its customer (a prospect's stay masked).
        from ordertaking.confidentiality.duties import subject_customers_add, subject_customers_of

        from .models import Inquiry

        subject_customers_add("inquiries.inquiry", subject_customers_of(Inquiry))
