from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ordertaking.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from django.apps import apps

        # django-axes names its admin section "Axes", untranslatable; ours reads in both languages
        # (its other strings: axes_labels.py)
        if apps.is_installed("axes"):
            apps.get_app_config("axes").verbose_name = _("Login throttling")
