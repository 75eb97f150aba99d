from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "ordertaking.review"
    label = "review"
    verbose_name = _("Order review")

    def ready(self) -> None:
        # The words of this chapter's findings, read whenever a finding is shown (common sits below us).
        from ordertaking.common.findings import finding_texts_add

        from .rules import FINDING_TEXTS

        finding_texts_add(FINDING_TEXTS)
        # P4.1.c with P2.3.a: the order center checks the customer information of an order under review.
        from ordertaking.confidentiality.duties import duty_add

        from .selectors import review_duty, review_duty_scope

        duty_add(review_duty, scope=review_duty_scope)
