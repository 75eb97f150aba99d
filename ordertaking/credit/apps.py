from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "ordertaking.credit"
    label = "credit"
    verbose_name = _("Credit risk control")

    def ready(self) -> None:
        # The words of this chapter's findings, read whenever a finding is shown (common sits below us).
        from ordertaking.common.findings import finding_texts_add

        from .rules import FINDING_TEXTS

        finding_texts_add(FINDING_TEXTS)
